"""The Caldicott report of a case lists every access to it, including those recorded against
the records that belong to it (a meeting's panel pack, learning summaries, action plans,
documents, public notifications), with user, role, time and the reason given."""

import re

from lxml import html as lxml_html

from cdop_scr.audit.services import REPLACED
from cdop_scr.panels import services as panel_services
from cdop_scr.scr import services as scr_services

from ..reliability.world import World
from .reasons import audit_table_text

REASON = "Safeguarding strategy meeting about a sibling this afternoon"
TIME = re.compile(r"^\d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}$")


def report_rows(response):
    """The report's table as a user reads it: one dict per row, oldest first."""
    assert response.status_code == 200
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    rows = []
    for tr in doc.xpath("//table[@data-accesses]/tbody/tr"):
        cells = [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        rows.append(dict(zip(("time", "user", "role", "did", "about", "outcome", "reason"),
                             cells, strict=True), event=tr.get("data-event")))
    return rows


def access_link(response):
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    return [a.get("href") for a in doc.xpath("//a[@data-access-report]")]


def report_url(case):
    return f"/audit/records/child_death_case/{case.id}"


def test_the_report_shows_a_view_a_pack_download_and_break_glass_with_who_when_and_why(
    app, client, login_as
):
    w = World()
    u = w.users
    login_as(user=u["coordinator"])
    assert client.get(f"/cases/{w.case_a.id}").status_code == 200
    login_as(user=u["member"])
    assert client.get(f"/panel-meetings/{w.meeting.id}/pack").status_code == 200
    case_url = f"/panel-meetings/{w.meeting.id}/cases/{w.case_a.id}"
    assert client.post(f"{case_url}/break-glass", data={"reason": REASON}).status_code == 302

    # The board manager finds the report from the break-glass alert.
    login_as(user=u["manager"])
    alerts = client.get("/break-glass-alerts")
    assert access_link(alerts) == [report_url(w.case_a)]
    rows = report_rows(client.get(report_url(w.case_a)))

    by_event = {}
    for row in rows:
        assert TIME.match(row["time"]), row
        by_event.setdefault(row["event"], []).append(row)
    [viewed] = [r for r in by_event["case_viewed"] if r["user"] == "Casey Coordinator"]
    assert (viewed["role"], viewed["about"]) == ("CDOP coordinator", "This record")
    [pack] = by_event["panel_pack_downloaded"]
    assert (pack["user"], pack["role"], pack["about"]) == ("Ama Member", "Panel member",
                                                          "Panel meeting")
    [glass] = by_event["break_glass_granted"]
    assert (glass["user"], glass["role"], glass["reason"]) == ("Ama Member", "Panel member",
                                                              REASON)
    events = [r["event"] for r in rows]
    assert events.index("case_viewed") < events.index("panel_pack_downloaded") \
        < events.index("break_glass_granted")
    # The reason is read from the grant: the audit log holds no copy of it.
    assert "sibling this afternoon" not in audit_table_text()

    # Case C was on no agenda: its report has no pack download, nor case A's views.
    other = report_rows(client.get(report_url(w.case_c)))
    assert {r["event"] for r in other}.isdisjoint({"panel_pack_downloaded",
                                                   "break_glass_granted"})
    assert "Casey Coordinator" in {r["user"] for r in other}  # who created it


def test_the_report_lists_what_was_recorded_against_the_records_belonging_to_the_case(
    app, db, client, login_as
):
    w = World()
    u = w.users
    b, plan = w.case_b, w.case_plan
    login_as(user=u["coordinator"])
    assert client.get(f"/learning/summaries/{w.summaries['draft'].id}").status_code == 200
    assert client.get(f"/notifications/{w.notification.id}").status_code == 200
    assert client.post(f"/notifications/{w.notification.id}/link",
                       data={"case_id": str(b.id)}).status_code == 302
    login_as(user=u["manager"])
    action = f"/panel-actions/{b.id}/actions/{plan.submitted.id}"
    assert client.get(f"/panel-actions/{b.id}/action-plan").status_code == 200
    assert client.get(action).status_code == 200
    assert client.get(f"{action}/evidence/{plan.evidence.id}").status_code == 200

    rows = report_rows(client.get(report_url(b)))
    seen = {(r["event"], r["user"], r["about"]) for r in rows}
    assert {
        ("learning_summary_viewed", "Casey Coordinator", "Learning summary"),
        ("public_notification_viewed", "Casey Coordinator", "Public notification"),
        ("public_notification_linked", "Casey Coordinator", "Public notification"),
        ("action_plan_viewed", "Bola Board", "This record"),
        ("action_viewed", "Bola Board", "Action"),
        ("document_downloaded", "Bola Board", "Document"),
    } - seen == set()
    # Those records belong to case B only: case A's report has none of them.
    assert {r["event"] for r in report_rows(client.get(report_url(w.case_a)))}.isdisjoint(
        {"learning_summary_viewed", "public_notification_viewed", "action_viewed",
         "document_downloaded"})


def test_a_review_of_the_case_links_to_the_report_which_lists_the_reviews_views(
    app, client, login_as
):
    w = World()
    manager = w.users["manager"]
    review = scr_services.create_review_from_case(manager, w.case_c)
    login_as(user=manager)
    page = client.get(f"/reviews/{review.id}")
    assert access_link(page) == [report_url(w.case_c)]
    rows = report_rows(client.get(report_url(w.case_c)))
    assert ("review_viewed", "Bola Board", "Serious case review") in {
        (r["event"], r["user"], r["about"]) for r in rows}
    login_as(user=w.users["coordinator"])
    assert client.get(report_url(w.case_c)).status_code == 403


def test_an_overridden_outcome_shows_its_reason_and_an_earlier_one_says_it_was_replaced(
    app, db, client, login_as
):
    w = World()
    chair, meeting, case = w.users["chair"], w.meeting, w.case_a
    for reason in ("The panel agreed the advice was given", "Inquest evidence changed it"):
        panel_services.override_outcome(chair, meeting.id, case.id, w.analysis(case).version,
                                        "not_modifiable", reason)
    login_as(user=w.users["manager"])
    rows = [r for r in report_rows(client.get(report_url(case)))
            if r["event"] == "outcome_overridden"]
    assert [(r["user"], r["role"], r["reason"]) for r in rows] == [
        ("Ada Chair", "Panel chair", REPLACED), ("Ada Chair", "Panel chair",
                                                 "Inquest evidence changed it")]
    assert "inquest evidence" not in audit_table_text()
