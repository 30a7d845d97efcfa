"""Every view of a page showing identifiers or narrative writes exactly one audit row; every
change is audited; no identifier reaches the audit log, the URL or a flash message."""

from datetime import date

import pytest
import time_machine
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from cdop_scr.audit import AuditEvent
from cdop_scr.cases import services
from cdop_scr.models.audit import AuditRecord
from cdop_scr.models.cases import Case, FamilyMember

from ..helpers import audit_events


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2024, 6, 1), tick=False):
        yield


@pytest.fixture
def case_with_report(make_case, coordinator):
    case = make_case(family=[("mother", "Mum Canary")])
    report = services.request_agency_report(coordinator, case, "gp", "Pat Canary", None,
                                            date(2024, 6, 1))
    services.record_agency_report(coordinator, case, report, date(2024, 6, 1),
                                  "Summary canary narrative", {})
    return case, report


def identifiable_pages(case, report):
    return {
        "/cases": AuditEvent.CASE_LIST_VIEWED,
        f"/cases/{case.id}": AuditEvent.CASE_VIEWED,
        f"/cases/{case.id}/edit": AuditEvent.CASE_VIEWED,
        f"/cases/{case.id}/key-dates": AuditEvent.CASE_VIEWED,
        f"/cases/{case.id}/agency-reports/{report.id}": AuditEvent.AGENCY_REPORT_VIEWED,
        "/cases/agency-reports/overdue": AuditEvent.OVERDUE_REPORTS_VIEWED,
    }


def test_each_identifiable_page_view_writes_exactly_one_audit_row(client, login_as, db,
                                                                  case_with_report):
    user = login_as("coordinator")
    case, report = case_with_report
    for url, event in identifiable_pages(case, report).items():
        before = len(audit_events())
        response = client.get(url)
        assert response.status_code == 200, url
        added = audit_events()[before:]
        assert [(r.event, r.actor_id) for r in added] == [(event.value, user.id)], url


def test_pages_without_identifiers_write_no_audit_row(client, login_as, db, case_with_report):
    login_as("coordinator")
    case, report = case_with_report
    for url in ("/cases/new", "/cases/import", f"/cases/{case.id}/status",
                f"/cases/{case.id}/withdraw", f"/cases/{case.id}/delay-reason",
                f"/cases/{case.id}/agency-reports/new", f"/cases/{case.id}/family-members/new"):
        before = len(audit_events())
        assert client.get(url).status_code == 200, url
        assert len(audit_events()) == before, url


def test_the_case_view_is_recorded_against_the_case_for_the_access_report(
    client, login_as, db, case_with_report
):
    login_as("coordinator")
    case, _ = case_with_report
    client.get(f"/cases/{case.id}")
    row = audit_events(AuditEvent.CASE_VIEWED)[-1]
    assert (row.target_type, row.target_id) == ("child_death_case", str(case.id))


def test_no_identifier_or_narrative_is_written_to_the_audit_log(client, login_as, db,
                                                                case_with_report):
    login_as("coordinator")
    case, report = case_with_report
    client.post("/cases/search", data={"nhs_number": "943 476 5919"})
    client.post(f"/cases/{case.id}/edit", data={"version": "1"})
    everything = " ".join(
        f"{r.detail} {r.reason} {r.target_id} {r.actor_label}"
        for r in db.session.scalars(select(AuditRecord))).lower()
    for secret in ("canary", "testchild", "zephyrine", "9434765919", "943 476 5919",
                   "2015-04-03", "sw1a", "narrative"):
        assert secret not in everything, secret


def test_flash_messages_and_urls_carry_no_identifiers(client, login_as, db):
    from .conftest import form_data

    login_as("coordinator")
    response = client.post("/cases/new", data=form_data())
    location = response.headers["Location"]
    assert "Testchild" not in location and "9434765919" not in location
    page = client.get(location).get_data(as_text=True)
    banner = page.split("govuk-notification-banner__content", 1)[1].split("</div>", 1)[0]
    assert "Notification recorded: case CDR-2024-0001 created." in banner
    assert "Testchild" not in banner


class CommitRefused(Exception):
    """The database refusing a commit after the change and its audit row were written."""


CASES = Case.__table__
# Each change: what it leaves in the database (a query, its value once changed) and the one
# audit row it writes.
CHANGES = {
    "key dates": (lambda c, actor: services.update_key_dates(
        actor, c, c.version, {"review_meeting_on": date(2024, 5, 1)}),
        lambda c: select(CASES.c.review_meeting_on.is_not(None)).where(CASES.c.id == c), True,
        "case_updated"),
    "delay reason": (lambda c, actor: services.record_delay_reason(
        actor, c, c.version, "other", "Family request"),
        lambda c: select(CASES.c.delay_reason).where(CASES.c.id == c), "other", "case_updated"),
    "family member": (lambda c, actor: services.add_family_member(actor, c, "sibling", "Sib"),
                      lambda c: select(func.count()).select_from(FamilyMember)
                      .where(FamilyMember.case_id == c), 1, "case_updated"),
    "status": (lambda c, actor: services.change_status(actor, c, c.version,
                                                       "gathering_information"),
               lambda c: select(CASES.c.status).where(CASES.c.id == c), "gathering_information",
               "case_status_changed"),
    "withdrawal": (lambda c, actor: services.withdraw_case(actor, c, c.version,
                                                           "entered_in_error"),
                   lambda c: select(CASES.c.status).where(CASES.c.id == c), "withdrawn",
                   "case_status_changed"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_is_audited_in_the_same_transaction(db, make_case, coordinator, change):
    make_change, stored, changed, recorded = CHANGES[change]
    case = make_case()
    case_id, before = case.id, audit_events()[-1].seq
    seen = {}

    def refuse(session):
        """At commit: what this one transaction holds, then the database says no."""
        session.flush()
        connection = session.connection()
        seen["change"] = connection.execute(stored(case_id)).scalar()
        seen["audit"] = connection.execute(
            select(AuditRecord.event, AuditRecord.target_id).where(AuditRecord.seq > before)
        ).all()
        raise CommitRefused

    session = db.session()
    sa_event.listen(session, "before_commit", refuse)
    try:
        with pytest.raises(CommitRefused):
            make_change(case, coordinator)
    finally:
        sa_event.remove(session, "before_commit", refuse)
    db.session.rollback()

    # The change and its audit row were written in the transaction that failed...
    assert seen["change"] == changed
    assert [tuple(row) for row in seen["audit"]] == [(recorded, str(case_id))]
    # ...and both went with it: neither was left behind.
    assert db.session.execute(stored(case_id)).scalar() != changed
    assert [r.seq for r in audit_events()][-1] == before

    # Committed, the same change keeps the same audit rows.
    make_change(db.session.get(Case, case_id), coordinator)
    assert db.session.execute(stored(case_id)).scalar() == changed
    assert [(r.event, r.target_id) for r in audit_events() if r.seq > before] == seen["audit"]


def test_agency_report_narrative_and_contacts_are_not_stored_in_clear(db, case_with_report):
    from sqlalchemy import text

    rows = db.session.execute(text("SELECT * FROM agency_report_request")).mappings().all()
    family = db.session.execute(text("SELECT * FROM family_member")).mappings().all()
    dump = repr([list(r.values()) for r in rows + family]).lower()
    for secret in ("canary", "summary canary narrative", "pat "):
        assert secret not in dump, secret


@pytest.mark.parametrize("role", ["admin", "panel_chair", "panel_member", "board_manager"])
def test_roles_without_case_access_get_403_on_every_case_page(app, client, login_as,
                                                              case_with_report, role):
    case, report = case_with_report
    login_as(role)
    urls = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("cases.")]
    assert len(urls) == 17
    for rule in urls:
        url = rule.build({"case_id": case.id, "report_id": report.id,
                          "member_id": case.family_members[0].id})[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method)
            assert response.status_code == 403, (role, url, method)
            assert b"Testchild" not in response.data
