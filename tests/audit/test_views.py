import re
import uuid
from datetime import date, timedelta

from cdop_scr import audit
from cdop_scr.audit import AuditEvent

from ..factories import UserFactory
from ..helpers import audit_events, text_of


def shown_events(response):
    return re.findall(r'<tr class="govuk-table__row" data-seq="\d+" data-event="([a-z_]+)"',
                      response.get_data(as_text=True))


def sign_in(db, login_as, role):
    user = login_as(role)
    user_id = user.id
    db.session.commit()  # end the test's read transaction: SQLite lets one writer in at a time
    return user_id


def test_the_audit_log_lists_events_newest_first_and_viewing_it_is_audited(
    app, db, client, login_as
):
    admin_id = sign_in(db, login_as, "admin")
    audit.record(AuditEvent.USER_CREATED)
    audit.record(AuditEvent.USER_DISABLED, outcome="refused")
    db.session.commit()

    response = client.get("/audit")

    assert response.status_code == 200
    assert shown_events(response) == ["audit_viewed", "user_disabled", "user_created"]
    assert "User disabled" in text_of(response) and "Refused" in text_of(response)
    [viewed] = audit_events("audit_viewed")
    assert viewed.actor_id == admin_id and viewed.role_list == ["admin"]
    assert viewed.detail_dict == {"page": "1"}


def test_the_audit_log_filters_by_event_user_and_date(app, db, client, login_as):
    admin_id = sign_in(db, login_as, "admin")
    other = UserFactory(roles=["coordinator"])
    audit.record(AuditEvent.USER_UPDATED, actor=other)
    audit.record(AuditEvent.USER_DISABLED, actor=other)
    audit.record(AuditEvent.USER_DISABLED)
    db.session.commit()
    other_id = other.id
    db.session.commit()

    by_event = client.get("/audit?event=user_disabled")
    by_user = client.get(f"/audit?user={other_id}")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    by_date = client.get(f"/audit?date_from={tomorrow}")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    by_dates = client.get(f"/audit?date_from={yesterday}&date_to={date.today().isoformat()}")

    assert shown_events(by_event) == ["user_disabled", "user_disabled"]
    assert shown_events(by_user) == ["user_disabled", "user_updated"]
    assert shown_events(by_date) == []
    assert len(shown_events(by_dates)) == 3 + 4  # three events and the four page views
    assert audit_events("audit_viewed")[1].detail_dict == {"user": str(other_id), "page": "1"}
    assert all(e.actor_id == admin_id for e in audit_events("audit_viewed"))


def test_the_audit_log_is_paginated(app, db, client, login_as):
    sign_in(db, login_as, "board_manager")
    for _ in range(55):
        audit.record(AuditEvent.USER_UPDATED)
    db.session.commit()
    first, second = client.get("/audit"), client.get("/audit?page=2")
    assert len(shown_events(first)) == 50 and "page=2" in first.get_data(as_text=True)
    assert len(shown_events(second)) == 7  # 55 events and 2 page views, less the first 50


def test_staff_without_the_audit_permission_cannot_see_the_log(app, db, client, login_as):
    sign_in(db, login_as, "coordinator")
    assert client.get("/audit").status_code == 403
    assert client.get(f"/audit/records/user/{uuid.uuid4()}").status_code == 403
    assert audit_events("audit_viewed") == []


def test_the_access_report_lists_who_touched_a_record_with_role_time_and_reason(
    app, db, client, login_as
):
    sign_in(db, login_as, "board_manager")
    panel_member = UserFactory(roles=["panel_member"], full_name="Pat Panelmember")
    target = UserFactory()
    audit.record(AuditEvent.USER_UPDATED, actor=panel_member, target=target,
                 reason="Urgent safeguarding strategy meeting")
    audit.record(AuditEvent.USER_UPDATED, actor=panel_member, target=UserFactory())
    db.session.commit()
    target_id = target.id
    db.session.commit()

    response = client.get(f"/audit/records/user/{target_id}")

    assert response.status_code == 200
    assert shown_events(response) == ["user_updated", "record_access_viewed"]
    page = text_of(response)
    assert "Pat Panelmember" in page and "Panel member" in page
    assert "Urgent safeguarding strategy meeting" in page
    [viewed] = audit_events("record_access_viewed")
    assert (viewed.target_type, viewed.target_id) == ("user", str(target_id))


def test_the_accesses_of_service_returns_the_rows_about_one_record(app, db):
    actor, target = UserFactory(roles=["admin", "board_manager"]), UserFactory()
    audit.record(AuditEvent.USER_ROLES_CHANGED, actor=actor, target=target, reason="New role")
    audit.record(AuditEvent.USER_CREATED, actor=actor, target=actor)
    db.session.commit()
    from cdop_scr.audit.services import accesses_of

    [access] = accesses_of("user", target.id)
    assert access.user_name == actor.full_name
    assert access.role_labels == ["Administrator", "Board manager"]
    assert access.record.reason == "New role" and access.event_label == "User roles changed"


def test_the_access_report_for_an_unknown_record_type_is_not_found(app, db, client, login_as):
    sign_in(db, login_as, "admin")
    assert client.get(f"/audit/records/no_such_table/{uuid.uuid4()}").status_code == 404
    assert client.get(f"/audit/records/audit_log/{uuid.uuid4()}").status_code == 404
    assert audit_events("record_access_viewed") == []
