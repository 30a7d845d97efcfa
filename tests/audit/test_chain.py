import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cdop_scr import audit
from cdop_scr.audit import AuditEvent

from ..helpers import audit_events


def write_events(db, count=6):
    for _ in range(count):
        audit.record(AuditEvent.USER_UPDATED)
        db.session.commit()


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def tamper(db, *statements):
    """Switch the append-only triggers off (as an attacker with DDL rights could) and edit."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DROP TRIGGER audit_log_no_update"))
        db.session.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        db.session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()


def forged_copy(db, source_seq, new_seq, mac):
    """INSERT a copy of a row at new_seq, linked to the source row's MAC, with a made-up MAC."""
    names = [c.name for c in db.metadata.tables["audit_log"].columns if c.name != "seq"]
    values = ["mac" if n == "prev_mac" else f"'{mac}'" if n == "mac" else n for n in names]
    return (f"INSERT INTO audit_log (seq, {', '.join(names)}) "
            f"SELECT {new_seq}, {', '.join(values)} FROM audit_log WHERE seq = {source_seq}")


def test_an_untouched_chain_verifies_and_checkpoint_prints_its_head(app, db):
    write_events(db)
    head = audit_events()[-1]
    assert run(app, "audit", "checkpoint") == (0, f"6:{head.mac}\n")
    code, output = run(app, "audit", "verify", "--checkpoint", f"6:{head.mac}")
    assert code == 0 and "verified: 6 rows" in output


def test_an_empty_log_verifies(app, db):
    assert run(app, "audit", "verify")[0] == 0
    assert run(app, "audit", "checkpoint")[1].startswith("0:")


def test_an_edited_row_is_named(app, db):
    write_events(db)
    tamper(db, "UPDATE audit_log SET outcome = 'refused' WHERE seq = 3")
    code, output = run(app, "audit", "verify")
    assert code == 1 and "FAILED at row 3" in output and "edited" in output


def test_a_deleted_row_is_named_by_the_row_after_the_gap(app, db):
    write_events(db)
    tamper(db, "DELETE FROM audit_log WHERE seq = 3")
    code, output = run(app, "audit", "verify")
    assert code == 1 and "FAILED at row 4" in output and "missing" in output


def test_a_deleted_first_row_is_detected(app, db):
    write_events(db)
    tamper(db, "DELETE FROM audit_log WHERE seq = 1")
    assert "FAILED at row 2" in run(app, "audit", "verify")[1]


def test_reordered_rows_are_named(app, db):
    write_events(db)
    tamper(db, "UPDATE audit_log SET seq = -1 WHERE seq = 2",
           "UPDATE audit_log SET seq = 2 WHERE seq = 3",
           "UPDATE audit_log SET seq = 3 WHERE seq = -1")
    code, output = run(app, "audit", "verify")
    assert code == 1 and "FAILED at row 2" in output


def test_an_inserted_row_is_named_even_when_it_links_to_the_previous_mac(app, db):
    write_events(db)
    # Make room after row 3, then copy row 3 in as row 4.
    tamper(db, *[f"UPDATE audit_log SET seq = seq + 1 WHERE seq = {n}" for n in (6, 5, 4)],
           forged_copy(db, 3, 4, "f" * 64))
    code, output = run(app, "audit", "verify")
    assert code == 1 and "FAILED at row 4" in output


def test_a_row_appended_without_the_audit_key_is_named(app, db):
    write_events(db, 3)
    db.session.execute(text(forged_copy(db, 3, 4, "e" * 64)))
    db.session.commit()
    code, output = run(app, "audit", "verify")
    assert code == 1 and "FAILED at row 4" in output and "forged" in output


def test_truncation_after_a_checkpoint_is_detected(app, db):
    write_events(db)
    checkpoint = run(app, "audit", "checkpoint")[1].strip()
    tamper(db, "DELETE FROM audit_log WHERE seq >= 5")
    assert run(app, "audit", "verify")[0] == 0  # without a checkpoint, truncation is invisible
    code, output = run(app, "audit", "verify", "--checkpoint", checkpoint)
    assert code == 1 and "ends at row 4" in output and "FAILED at row 5" in output


def test_a_malformed_checkpoint_is_a_usage_error(app, db):
    code, output = run(app, "audit", "verify", "--checkpoint", "12")
    assert code == 2 and "SEQ:MAC" in output


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET outcome = 'failure'",
    "DELETE FROM audit_log",
    "DELETE FROM audit_log WHERE seq = 1",
])
def test_the_database_refuses_to_change_or_remove_audit_rows(app, db, statement):
    write_events(db, 2)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert len(audit_events()) == 2


def test_postgresql_refuses_to_truncate_the_audit_log(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    write_events(db, 1)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("TRUNCATE audit_log"))
    db.session.rollback()


def test_concurrent_writers_never_fork_the_chain(make_app, app, db):
    writers, per_writer, errors = 4, 25, []
    apps = [make_app() for _ in range(writers)]
    start = threading.Barrier(writers)

    def write(worker_app):
        try:
            with worker_app.app_context():
                start.wait()
                for _ in range(per_writer):
                    audit.record(AuditEvent.USER_UPDATED)
                    db.session.commit()
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(a,)) for a in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert [r.seq for r in audit_events()] == list(range(1, writers * per_writer + 1))
    code, output = run(app, "audit", "verify")
    assert code == 0 and f"{writers * per_writer} rows" in output
