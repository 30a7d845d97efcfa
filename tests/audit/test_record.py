import hashlib
import uuid

import pytest
from flask_login import login_user

from cdop_scr import audit
from cdop_scr.audit import AuditEvent

from ..factories import UserFactory
from ..helpers import audit_events

REQUIRED = {
    "SIGN_IN_SUCCEEDED", "SIGN_IN_FAILED", "SIGN_IN_THROTTLED", "SIGNED_OUT", "SESSION_EXPIRED",
    "PASSWORD_CHANGED", "PASSWORD_RESET", "TWO_FACTOR_ENROLLED", "TWO_FACTOR_FAILED",
    "RECOVERY_CODE_USED", "USER_CREATED", "USER_UPDATED", "USER_ROLES_CHANGED", "USER_DISABLED",
    "USER_ENABLED", "KEY_ROTATED", "INDEX_REBUILT", "DECRYPTION_FAILED", "AUDIT_VIEWED",
    "RECORD_ACCESS_VIEWED",
}


def test_every_required_event_is_declared_with_a_label():
    assert REQUIRED <= {e.name for e in AuditEvent}
    assert all(e.label and e.label[0].isupper() for e in AuditEvent)


def test_record_adds_to_the_callers_transaction_and_never_commits_itself(app, db):
    audit.record(AuditEvent.USER_CREATED)
    db.session.rollback()
    assert audit_events() == []
    audit.record(AuditEvent.USER_CREATED)
    db.session.commit()
    assert len(audit_events()) == 1


def test_a_command_line_event_names_the_operating_system_user(app, db, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "operator")
    admin = UserFactory(roles=["admin"])
    audit.record(AuditEvent.USER_DISABLED, target=admin, detail={"by": "cli"})
    db.session.commit()
    [row] = audit_events()
    assert (row.actor_id, row.actor_label, row.actor_roles) == (None, "system:operator", "")
    assert (row.target_type, row.target_id) == ("user", str(admin.id))
    assert (row.session_hash, row.client_address, row.outcome) == (None, None, "success")
    assert row.detail_dict == {"by": "cli"} and row.at.tzinfo is not None


def test_an_event_in_a_request_records_the_actor_roles_hashed_session_and_address(app, db):
    user = UserFactory(roles=["coordinator", "panel_chair"])
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        from flask import session

        session["sid"] = "raw-session-token"
        audit.record(AuditEvent.SIGN_IN_SUCCEEDED, actor=user, target=user)
        db.session.commit()
    [row] = audit_events()
    assert row.actor_id == user.id and row.actor_label == str(user.id)
    assert row.role_list == ["coordinator", "panel_chair"]
    assert row.session_hash == hashlib.sha256(b"raw-session-token").hexdigest()
    assert row.client_address == "192.0.2.7"


def test_the_signed_in_user_is_the_actor_when_none_is_given(app, db):
    user = UserFactory(roles=["admin"])
    with app.test_request_context("/"):
        login_user(user)
        audit.record(AuditEvent.AUDIT_VIEWED)
        db.session.commit()
    assert audit_events()[0].actor_id == user.id


def test_an_event_in_a_request_with_no_one_signed_in_is_anonymous(app, db):
    with app.test_request_context("/"):
        audit.record(AuditEvent.SIGN_IN_FAILED, outcome="failure")
        db.session.commit()
    assert audit_events()[0].actor_label == "anonymous"


@pytest.mark.parametrize("kwargs", [
    {"reason": "checking 943 476 5919 for the panel"},
    {"reason": "x" * 201},
    {"target_type": "user", "target_id": "Jane Smith"},
    {"target_type": "Child Name", "target_id": uuid.uuid4()},
    {"outcome": "maybe"},
    {"detail": {"notes": "x" * 30000}},
])
def test_identifying_or_oversized_values_are_refused(app, kwargs):
    with pytest.raises(ValueError):
        audit.record(AuditEvent.USER_UPDATED, **kwargs)


def test_rows_recorded_together_are_chained_in_the_order_recorded(app, db):
    for event in (AuditEvent.USER_CREATED, AuditEvent.USER_ROLES_CHANGED, AuditEvent.USER_DISABLED):
        audit.record(event)
    db.session.commit()
    audit.record(AuditEvent.USER_ENABLED)
    db.session.commit()
    rows = audit_events()
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert [r.event for r in rows] == ["user_created", "user_roles_changed", "user_disabled",
                                       "user_enabled"]
    assert rows[0].prev_mac == "0" * 64
    assert all(b.prev_mac == a.mac for a, b in zip(rows, rows[1:]))


def test_rows_recorded_in_bulk_follow_the_rows_before_them_and_verify(app, db):
    targets = [uuid.uuid4() for _ in range(3)]
    audit.record(AuditEvent.USER_CREATED)  # still pending: it must come first in the chain
    items = [(target, {"source": "import", "n": n}) for n, target in enumerate(targets)]
    assert audit.record_many(AuditEvent.CASE_CREATED, "child_death_case", items) == 3
    audit.record(AuditEvent.USER_ENABLED)
    db.session.commit()
    rows = audit_events()
    assert [r.event for r in rows] == ["user_created", "case_created", "case_created",
                                       "case_created", "user_enabled"]
    assert [r.target_id for r in rows[1:4]] == [str(t) for t in targets]
    assert [r.detail_dict["n"] for r in rows[1:4]] == [0, 1, 2]
    assert all(b.prev_mac == a.mac for a, b in zip(rows, rows[1:]))
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
