"""Break-glass: a member states a reason and sees one identifiable record for a limited time."""

import re
from datetime import UTC, datetime, timedelta

import time_machine

from cdop_scr.audit import AuditEvent

from ..audit.reasons import audit_table_text, reasons_shown
from ..factories import UserFactory
from ..helpers import audit_events, error_summary, text_of


def case_url(meeting, case, tail=""):
    return f"/panel-meetings/{meeting.id}/cases/{case.id}{tail}"


REASON = "Need the GP practice to follow up a sibling's safety plan"


def test_break_glass_is_audited_and_time_limited(client, login_as, member, make_ready_case,
                                                 make_meeting):
    case, other = make_ready_case(), make_ready_case()
    meeting = make_meeting([case, other], members=[member])
    login_as(user=member)
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as traveller:
        assert "Ottoline" not in text_of(client.get(case_url(meeting, case)))
        response = client.post(case_url(meeting, case, "/break-glass"), data={"reason": REASON})
        assert response.status_code == 302

        granted = audit_events(AuditEvent.BREAK_GLASS_GRANTED)
        assert len(granted) == 1
        assert granted[0].actor_id == member.id and granted[0].target_id == str(case.id)
        # The reason is kept encrypted with the grant; the report reads it from there.
        assert reasons_shown(AuditEvent.BREAK_GLASS_GRANTED, case.id) == [REASON]
        assert granted[0].reason is None and "sibling" not in audit_table_text()

        page = text_of(client.get(case_url(meeting, case)))
        assert "Ottoline Quennell-Ashby" in page and "You can see the identifiable record" in page
        viewed = audit_events(AuditEvent.PANEL_CASE_VIEWED)[-1]
        assert '"identifiable":true' in viewed.detail
        # Only that case: the other case on the agenda stays pseudonymised.
        assert "Ottoline1" not in text_of(client.get(case_url(meeting, other)))

        # (Steps shorter than the 30-minute idle timeout keep the session signed in.)
        for minutes in (25, 25, 9):
            traveller.shift(timedelta(minutes=minutes))
            assert "Ottoline Quennell-Ashby" in text_of(client.get(case_url(meeting, case)))
        traveller.shift(timedelta(minutes=2))
        page = text_of(client.get(case_url(meeting, case)))
        assert "Ottoline" not in page and "Child A" in page


def test_the_grant_lasts_as_long_as_the_configured_minutes(app, db, client, login_as, member,
                                                           make_ready_case, make_meeting):
    from cdop_scr.models.panels import BreakGlassGrant

    assert app.config["BREAK_GLASS_MINUTES"] == 60  # the default
    app.config["BREAK_GLASS_MINUTES"] = 15
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    client.post(case_url(meeting, case, "/break-glass"), data={"reason": REASON})
    grant = db.session.scalars(db.select(BreakGlassGrant)).one()
    assert grant.expires_at - grant.granted_at == timedelta(minutes=15)
    assert grant.reason == REASON
    raw = db.session.execute(db.text("SELECT reason FROM break_glass_grant")).scalar()
    assert b"sibling" not in raw


def test_break_glass_needs_a_reason_without_an_nhs_number(client, login_as, member,
                                                          make_ready_case, make_meeting):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    response = client.post(case_url(meeting, case, "/break-glass"), data={"reason": ""})
    assert "Enter the reason you need the identifiable record" in error_summary(response)
    response = client.post(case_url(meeting, case, "/break-glass"),
                           data={"reason": "Check 943 476 5919 against the GP list"})
    assert any("Do not include an NHS number" in m for m in error_summary(response))
    assert audit_events(AuditEvent.BREAK_GLASS_GRANTED) == []


def test_break_glass_is_refused_outside_the_members_meetings(client, login_as, member,
                                                              make_ready_case, make_meeting):
    case = make_ready_case()
    meeting = make_meeting([case])
    login_as(user=member)
    response = client.post(case_url(meeting, case, "/break-glass"), data={"reason": REASON})
    assert response.status_code == 404
    login_as("board_manager")
    response = client.post(case_url(meeting, case, "/break-glass"), data={"reason": REASON})
    assert response.status_code == 404
    assert audit_events(AuditEvent.BREAK_GLASS_GRANTED) == []


def test_coordinator_and_board_manager_are_alerted(client, login_as, coordinator, member,
                                                   make_ready_case, make_meeting):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    client.post(case_url(meeting, case, "/break-glass"), data={"reason": REASON})

    login_as(user=coordinator)
    page = text_of(client.get("/panel-meetings"))
    assert "Break-glass access in the last 30 days" in page
    assert f"Morgan Member opened the identifiable record of {case.case_ref}" in page
    assert REASON in page

    board = UserFactory(roles=["board_manager"])
    login_as(user=board)
    before = len(audit_events(AuditEvent.BREAK_GLASS_ALERTS_VIEWED))
    page = text_of(client.get("/break-glass-alerts"))
    assert case.case_ref in page and REASON in page and "Morgan Member" in page
    assert len(audit_events(AuditEvent.BREAK_GLASS_ALERTS_VIEWED)) == before + 1


def test_the_board_managers_home_page_alerts_them_to_a_grant_and_links_to_the_alerts(
        client, login_as, coordinator, member, make_ready_case, make_meeting):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    board = UserFactory(roles=["board_manager"])
    login_as(user=board)
    assert b"data-break-glass-alert" not in client.get("/home").data  # nothing to report yet

    login_as(user=member)
    client.post(case_url(meeting, case, "/break-glass"), data={"reason": REASON})
    for user in (board, coordinator):
        login_as(user=user)
        home = client.get("/home")
        html = home.get_data(as_text=True)
        assert 'class="govuk-notification-banner"' in html and "data-break-glass-alert" in html
        assert ("Identifiable records were opened by break-glass once in the last 30 days"
                in text_of(home))
        assert 'href="/break-glass-alerts"' in html
        # The banner says that it happened; who, which case and why are on the audited page.
        assert case.case_ref not in html and REASON not in html
    login_as(user=board)
    navigation = re.search(r'<nav[^>]*aria-label="Menu".*?</nav>',
                           client.get("/home").get_data(as_text=True), re.S).group(0)
    assert "Break-glass alerts" in navigation and 'href="/break-glass-alerts"' in navigation


def test_the_administrator_sees_no_break_glass_alert_or_alerts_page(
        client, login_as, member, make_ready_case, make_meeting):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    client.post(case_url(meeting, case, "/break-glass"), data={"reason": REASON})
    for role in ("admin", "panel_member", "panel_chair"):
        login_as(role)
        response = client.get("/break-glass-alerts")
        assert response.status_code == 403, role
        assert case.case_ref not in response.get_data(as_text=True)
        home = client.get("/home").get_data(as_text=True)
        assert "data-break-glass-alert" not in home and "/break-glass-alerts" not in home


def test_the_coordinator_reads_the_alerts_page_without_a_link_they_cannot_follow(
        client, login_as, coordinator, member, make_ready_case, make_meeting):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    client.post(case_url(meeting, case, "/break-glass"), data={"reason": REASON})
    login_as(user=coordinator)
    page = client.get("/break-glass-alerts")
    assert page.status_code == 200
    assert case.case_ref in text_of(page) and REASON in text_of(page)
    # The record's access report is the audit log's (board manager), not the coordinator's.
    assert b"data-access-report" not in page.data
    # Only the alerts are the current section, not the panel meetings beside them.
    active = re.findall(r'govuk-service-navigation__item--active">\s*<a[^>]*>\s*(?:<strong[^>]*>)?'
                        r'\s*([^<]+?)\s*<', page.get_data(as_text=True))
    assert active == ["Break-glass alerts"]
