"""Backups of the database: ciphertext only, restored only into an empty database, verified.

SQLite: the online backup API copies a consistent snapshot while the app keeps serving (copying
the file and its -wal by hand can give a corrupt copy). PostgreSQL: `pg_dump -Fc`.

A restore goes only into an empty database. It is checked before it is kept: SQLite's integrity
and foreign-key checks (PostgreSQL validates every constraint as the dump is replayed), the audit
chain verified with this app's audit key, and the key ring checked against the restored values.
SQLite is restored into a temporary file that replaces the target only once it verifies;
PostgreSQL is replayed in one transaction that is committed only once it verifies. A refused
restore leaves the target as empty as it was.

The database holds ciphertext, blind indexes and MACs, never a key: keys come from the
environment or the keys file, so a backup is useless without them (and they without it).
"""

import os
import shutil
import sqlite3
import stat
import subprocess  # nosec B404 # fixed programs (pg_dump, pg_restore), argument lists
from dataclasses import dataclass, field
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from config import BASE_DIR

from .. import audit
from ..audit import chain
from ..audit.events import AuditEvent
from ..crypto import check
from ..extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore was refused or failed; nothing was changed."""


@dataclass
class Verification:
    """What a restore checked before keeping the restored data."""

    integrity: str = "not checked"
    audit: chain.Verification | None = None
    key_problems: list = field(default_factory=list)
    rows: dict = field(default_factory=dict)  # table -> row count
    revision: str | None = None
    head_revision: str | None = None

    @property
    def ok(self):
        return (self.integrity == "ok" and self.audit is not None and self.audit.ok
                and not self.key_problems)

    def problems(self):
        found = []
        if self.integrity != "ok":
            found.append(f"integrity check: {self.integrity}")
        if self.audit is not None and not self.audit.ok:
            found.append(f"audit log fails at row {self.audit.bad_seq}: {self.audit.problem}")
        found.extend(f"{p} (are these the keys this backup was made with?)"
                     for p in self.key_problems)
        return found


@dataclass
class BackupResult:
    path: Path
    backend: str
    size: int
    rows: dict


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_path(url):
    if not url.database or url.database == ":memory:":
        raise BackupError("DATABASE_URL names an in-memory SQLite database: nothing to back up")
    return Path(url.database)


def _libpq(url):
    """(libpq connection string without the password, environment with PGPASSWORD)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _program(name):
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client of the "
                          f"server's major version (Debian: postgresql-client)")
    return path


def row_counts(connection, names=None):
    """{table: rows} for every table of the app's schema (that is in `names`, when given)."""
    return {table.name: connection.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables if names is None or table.name in names}


def _private(path):
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


# --- creating ------------------------------------------------------------------------------

def create_backup(path):
    """Write a backup of the app's database to `path` (a new file, mode 0600)."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: a backup never overwrites a file")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder")
    url = _url()
    partial = path.with_name(f".{path.name}.partial")
    try:
        if url.get_backend_name() == "sqlite":
            _backup_sqlite(_sqlite_path(url), partial)
        elif url.get_backend_name() == "postgresql":
            _backup_postgresql(url, partial)
        else:
            raise BackupError(f"cannot back up a {url.get_backend_name()} database")
        _private(partial)
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()
    with db.engine.connect() as connection:
        rows = row_counts(connection, set(inspect(connection).get_table_names()))
    audit.record(AuditEvent.BACKUP_CREATED, detail={
        "backend": url.get_backend_name(), "tables": len(rows), "rows": sum(rows.values())})
    db.session.commit()
    return BackupResult(path, url.get_backend_name(), path.stat().st_size, rows)


def _backup_sqlite(source, target):
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        # One self-contained file: no -wal beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
        result = dst.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            raise BackupError(f"the copy fails SQLite's integrity check: {result[:3]}")
    finally:
        dst.close()
        src.close()


def _backup_postgresql(url, target):
    dsn, env = _libpq(url)
    result = subprocess.run(  # noqa: S603  # nosec B603 # fixed program, no shell
        [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
         f"--file={target}", f"--dbname={dsn}"],
        env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


# --- restoring -----------------------------------------------------------------------------

def _kind_of(path):
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a backup made by `flask backup create`")


def restore_backup(path, checkpoint=None):
    """Restore `path` into the app's (empty) database; return the Verification that passed.

    `checkpoint` (SEQ:MAC from `flask audit checkpoint`) also proves no audit row is missing
    from the end of the backup.
    """
    path = Path(path)
    if checkpoint:
        try:
            checkpoint = chain.parse_checkpoint(checkpoint)
        except ValueError as exc:
            raise BackupError(str(exc)) from exc
    try:
        found = path.is_file()
    except OSError as exc:  # e.g. a file name too long: nothing has been touched yet
        raise BackupError(f"cannot read {path}: {exc.strerror}") from exc
    if not found:
        raise BackupError(f"there is no backup file at {path}")
    url = _url()
    kind, backend = _kind_of(path), url.get_backend_name()
    if kind != backend:
        raise BackupError(f"{path} is a {kind} backup but DATABASE_URL names a {backend} "
                          f"database")
    if backend == "sqlite":
        return _restore_sqlite(path, _sqlite_path(url), checkpoint)
    return _restore_postgresql(path, url, checkpoint)


def _not_empty(what, count):
    raise BackupError(f"{what} is not empty ({count} tables or other objects): a backup is "
                      f"restored only into an empty database")


def _known_revision(script, revision):
    try:
        return revision is not None and script.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown or malformed id
        return False


def verify(connection, checkpoint=None):
    """Check restored data with this app's keys (the caller keeps it only when .ok).

    A backup from an older schema revision is checked as far as its schema goes; `flask db
    upgrade` brings it up to date after the restore.
    """
    script = ScriptDirectory(str(BASE_DIR / "migrations"))
    found = Verification(head_revision=script.get_current_head())
    inspector = inspect(connection)
    names = set(inspector.get_table_names())
    if "alembic_version" in names:
        found.revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    if not _known_revision(script, found.revision) or "audit_log" not in names:
        found.integrity = (f"schema revision {found.revision!r} is not one this code knows "
                           f"(a backup made by a newer release, or not of this app)")
        return found
    missing = [t.name for t in db.metadata.sorted_tables if t.name not in names]
    if missing and found.revision == found.head_revision:
        found.integrity = f"tables missing: {', '.join(missing[:5])}"
        return found
    present = {name: {c["name"] for c in inspector.get_columns(name)} for name in names}
    found.rows = row_counts(connection, names)
    ring = current_app.extensions["cdop_keyring"]
    found.audit = chain.verify(connection, ring.audit_key, checkpoint)
    found.key_problems = check.check_keys(connection, ring, present)
    return found


def _record_restore(connection, found):
    """Append the restore to the restored audit chain, in the restore's own transaction."""
    session = Session(bind=connection)
    audit.record(AuditEvent.BACKUP_RESTORED, session=session, detail={
        "tables": len(found.rows), "rows": sum(found.rows.values()),
        "audit_rows": found.audit.checked})
    session.flush()
    session.close()


def _restore_sqlite(backup, target, checkpoint):
    if target.exists() and target.stat().st_size:
        conn = sqlite3.connect(target, timeout=30)
        try:
            count = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            # An empty database with a -wal: fold it in so nothing stale is left beside it.
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{target} is not an empty SQLite database: {exc}") from exc
        finally:
            conn.close()
        if count:
            _not_empty(f"the database at {target}", count)
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder")

    work = target.with_name(f".{target.name}.restoring")
    _remove_sqlite(work)
    try:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        dst = sqlite3.connect(work)
        try:
            src.backup(dst)
            problems = dst.execute("PRAGMA integrity_check").fetchall()
            integrity = "ok" if problems == [("ok",)] else "; ".join(r[0] for r in problems[:3])
            if integrity == "ok" and dst.execute("PRAGMA foreign_key_check").fetchall():
                integrity = "rows refer to rows that are not there (foreign_key_check)"
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{backup} cannot be read as a SQLite database: {exc}") from exc
        finally:
            dst.close()
            src.close()

        engine = create_engine(f"sqlite:///{work}")
        try:
            with engine.connect() as connection:
                found = (verify(connection, checkpoint) if integrity == "ok"
                         else Verification(integrity))
                if found.integrity == "not checked":
                    found.integrity = integrity
                if not found.ok:
                    raise RefusedRestore(found)
                _record_restore(connection, found)
                connection.commit()
        finally:
            engine.dispose()
        # Fold the -wal into the file so the rename moves everything.
        conn = sqlite3.connect(work)
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        _private(work)
        _remove_sqlite(target)  # empty (checked above)
        os.replace(work, target)
        return found
    finally:
        _remove_sqlite(work)


def _remove_sqlite(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        extra = Path(f"{path}{suffix}")
        if extra.exists():
            extra.unlink()


class RefusedRestore(BackupError):
    """The restored data did not verify: it was thrown away."""

    def __init__(self, found):
        super().__init__("the backup does not verify: " + "; ".join(found.problems()))
        self.verification = found


EMPTY_CHECK = text("""
    SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%')
         + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema'))
""")


def _restore_postgresql(backup, url, checkpoint):
    dsn, env = _libpq(url)
    # The dump as SQL, replayed below in one transaction that is committed only once it verifies.
    script = subprocess.run(  # noqa: S603  # nosec B603 # fixed program, no shell
        [_program("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(backup)],
        env=env, capture_output=True, text=True, check=False)
    if script.returncode != 0:
        raise BackupError(f"pg_restore cannot read {backup}: {script.stderr.strip()}")

    with db.engine.connect() as connection:
        count = connection.scalar(EMPTY_CHECK)
        connection.rollback()
        if count:
            _not_empty(f"the database {url.database}", count)
        try:
            _replay(connection, script.stdout)
            connection.exec_driver_sql("RESET ALL")
            found = verify(connection, checkpoint)
            found.integrity = "ok"  # every constraint was validated as the dump was replayed
            if not found.ok:
                raise RefusedRestore(found)
            _record_restore(connection, found)
            connection.commit()
            return found
        except RefusedRestore:
            connection.rollback()
            raise
        except Exception as exc:
            connection.rollback()
            raise BackupError(f"the backup could not be replayed, nothing was kept: {exc}") from exc
        finally:
            # The dump's SET commands must not outlive this restore in the pool.
            connection.invalidate()


def _replay(connection, script):
    """Run a plain pg_dump script on `connection`'s transaction (COPY data included)."""
    driver = connection.connection.driver_connection
    connection.exec_driver_sql("SELECT 1")  # begin SQLAlchemy's transaction on this connection
    cursor = driver.cursor()
    pending, copying, rows = [], None, []
    for line in script.splitlines(keepends=True):
        if copying is not None:
            if line.rstrip("\r\n") == "\\.":
                with cursor.copy(copying) as copy:
                    for row in rows:
                        copy.write(row)
                copying, rows = None, []
            else:
                rows.append(line)
        elif line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
            _execute(cursor, pending)
            pending, copying = [], line.rstrip().rstrip(";")
        elif line.startswith("\\"):
            continue  # psql meta-commands (\restrict, \unrestrict): not SQL
        else:
            pending.append(line)
    _execute(cursor, pending)


def _execute(cursor, lines):
    sql = "".join(lines).strip()
    if sql:
        # Many statements at once: no parameters, so psycopg sends it as one simple query.
        cursor.execute(sql.encode(), prepare=False)
