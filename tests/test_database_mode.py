"""The database settings several server workers rely on: on SQLite WAL, a busy timeout, foreign
keys and write transactions that take the write lock first; on both databases, many requests at
once that each write an audit row never fail with "database is locked" and never fork the chain.
"""

import threading

import pytest
from sqlalchemy import text

from cdop_scr.audit import chain
from cdop_scr.cases import services as case_services
from cdop_scr.extensions import db as _db

from .cases.conftest import details
from .factories import UserFactory


def _on_sqlite(app):
    return _db.engine.dialect.name == "sqlite"


def test_every_sqlite_connection_uses_wal_a_busy_timeout_foreign_keys_and_full_sync(app):
    if not _on_sqlite(app):
        pytest.skip("SQLite connection settings; PostgreSQL has its own isolation")
    with _db.engine.connect() as connection:
        settings = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                    for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")}
    assert settings == {"journal_mode": "wal", "busy_timeout": 10000, "foreign_keys": 1,
                        "synchronous": 2}


def test_on_sqlite_a_post_begins_immediate_and_a_page_view_begins_deferred(app, client,
                                                                          login_as):
    """A form post holds the write lock from its first read (no read-then-write refusal); a page
    view reads beside the writers and takes the lock only for its audit row."""
    if not _on_sqlite(app):
        pytest.skip("SQLite transaction mode")
    from sqlalchemy import event

    coordinator = login_as("coordinator")
    case = case_services.notify_death(coordinator, details(), [], confirmed_new=True)
    began = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        from flask import has_request_context

        if has_request_context() and statement.upper().startswith("BEGIN"):
            began.append(statement.upper())

    event.listen(_db.engine, "before_cursor_execute", spy)
    try:
        assert client.get(f"/cases/{case.id}").status_code == 200
        viewed = list(began)
        began.clear()
        assert client.post("/sign-out").status_code in (302, 303)
        posted = list(began)
    finally:
        event.remove(_db.engine, "before_cursor_execute", spy)
    assert viewed and set(viewed) == {"BEGIN"}
    assert posted and set(posted) == {"BEGIN IMMEDIATE"}


def test_many_requests_at_once_each_write_their_audit_row_without_a_lock_error(app, make_app):
    """Eight threads, each its own client and connection, view a case page 10 times while a
    ninth saves the case's delay reason: every response succeeds, every view is audited once,
    and the chain still verifies."""
    from cdop_scr.auth import services as auth_services

    coordinator = UserFactory(roles=["coordinator"])
    case = case_services.notify_death(coordinator, details(), [], confirmed_new=True)
    _db.session.commit()
    case_id, user_id = case.id, coordinator.id
    before = _db.session.scalar(text("SELECT count(*) FROM audit_log"))
    _db.session.commit()  # the test's own transaction must not hold the write lock meanwhile

    statuses, errors = [], []
    start = threading.Barrier(8)

    def viewer():
        client = app.test_client()
        with app.app_context():
            token = auth_services.open_session(_db.session.get(type(coordinator), user_id))
            _db.session.commit()
            _db.session.remove()
        with client.session_transaction() as session:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
            session["sid"] = token
        start.wait()
        for _ in range(10):
            try:
                response = client.get(f"/cases/{case_id}")
                statuses.append(response.status_code)
                if b"database is locked" in response.data:
                    errors.append("locked")
            except Exception as error:  # noqa: BLE001 - the failure is what the test reports
                errors.append(repr(error))

    threads = [threading.Thread(target=viewer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert statuses == [200] * 80
    with _db.engine.connect() as connection:
        after = connection.execute(text("SELECT count(*) FROM audit_log")).scalar()
        verified = chain.verify(connection, chain.audit_key())
    # One audit row per case page view, plus one sign-in row per thread at most.
    views = _db.session.scalar(text(
        "SELECT count(*) FROM audit_log WHERE event = 'case_viewed'"))
    assert views == 80
    assert after - before >= 80
    assert verified.ok, verified
