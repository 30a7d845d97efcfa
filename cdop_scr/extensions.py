"""Flask extensions, created unbound and initialised in create_app()."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL, foreign keys, full sync and a busy timeout on every SQLite connection."""
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # SQLAlchemy's "begin" listener below issues BEGIN or BEGIN IMMEDIATE, not pysqlite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


# SQLite transactions. WAL lets any number of readers work beside one writer, so a request that
# only reads (GET, HEAD, OPTIONS) begins deferred and never queues for the write lock. Everything
# else (form posts, the CLI, scripts, tests) begins IMMEDIATE: it holds the write lock from its
# first read, so a read-then-write can never be refused. A read transaction never upgrades itself
# in place (in WAL mode that fails with "database is locked" whenever another connection has
# written since it began): before its first write, begin_writing() ends the read snapshot and
# starts again as BEGIN IMMEDIATE. What a GET writes does not depend on what it read (its audit
# rows, whose chain head is read under the write lock; the session's last-seen time), so the
# fresh start loses nothing. Versioned rows (cases) still refuse a stale update with a conflict.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "DROP", "ALTER")
_DEFERRED = "cdop_sqlite_deferred"  # connection.info key: a read transaction is open


def _reads_only():
    from flask import has_request_context, request

    return has_request_context() and request.method in READ_ONLY_METHODS


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """BEGIN (deferred) for a read-only request, BEGIN IMMEDIATE for anything that may write."""
    if conn.dialect.name != "sqlite":
        return
    deferred = _reads_only()
    conn.info[_DEFERRED] = deferred
    conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def begin_writing(conn):
    """Make sure `conn`'s SQLite transaction holds the write lock before it writes."""
    if conn.dialect.name != "sqlite" or not conn.info.get(_DEFERRED):
        return
    conn.info[_DEFERRED] = False
    # Nothing has been written in a deferred transaction (the first write comes here), so
    # ending it loses nothing. The driver connection is used directly: these two statements
    # are SQLAlchemy's transaction, restarted, not new statements of the session.
    driver = conn.connection.driver_connection
    driver.execute("COMMIT")
    driver.execute("BEGIN IMMEDIATE")


@event.listens_for(Session, "before_flush", insert=True)
def _sqlite_write_lock_before_flush(session, flush_context, instances):
    """Take the write lock before a flush reads anything it will write from (the audit chain's
    head, the rows it updates)."""
    if session.new or session.dirty or session.deleted:
        begin_writing(session.connection())


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_write_lock_before_write(conn, cursor, statement, parameters, context, executemany):
    """The same for writes sent without a flush (Core UPDATE/INSERT, savepoints)."""
    if conn.info.get(_DEFERRED) and statement.lstrip()[:9].upper().startswith(_WRITES):
        begin_writing(conn)


def init_sessions(app):
    app.before_request(_keep_loaded_objects_in_read_only_requests)


def _keep_loaded_objects_in_read_only_requests():
    """A read-only request commits only its audit row (and at times the session's last-seen
    time): nothing it loaded changed, so the commit need not expire it and every object the
    page then shows (the signed-in user, the rows listed) need not be loaded again."""
    from flask import request

    if request.method in READ_ONLY_METHODS:
        db.session().expire_on_commit = False

