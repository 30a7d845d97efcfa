"""Recording the analysis: draft, factors, derived grades and outcome, override, 409."""

from sqlalchemy import select

from cdop_scr.audit import AuditEvent
from cdop_scr.models.panels import Analysis

from ..audit.reasons import audit_table_text, reasons_shown
from ..factories import UserFactory
from ..helpers import audit_events, error_summary, text_of


def analysis_url(meeting, case, tail=""):
    return f"/panel-meetings/{meeting.id}/cases/{case.id}/analysis{tail}"


def draft(version=0, **values):
    data = {"analysis-version": str(version), "analysis-category": "10",
            "analysis-event": "sudden_unexpected", "analysis-refer_for_scr": "no",
            "analysis-learning_points": "Safer sleep advice for Child A's family."}
    data.update({f"analysis-{k}": v for k, v in values.items()})
    return data


def factor(version, domain="social", grade="2", modifiable=True, theme="co_sleeping",
           description="Child A shared a sofa with a parent who had been drinking"):
    data = {"factor-version": str(version), "factor-domain": domain, "factor-grade": grade,
            "factor-theme": theme, "factor-description": description}
    if modifiable:
        data["factor-modifiable"] = "y"
    return data


def stored(db, case):
    db.session.expire_all()
    return db.session.scalar(select(Analysis).where(Analysis.case_id == case.id))


def test_member_saves_a_draft_analysis_and_its_narrative_is_encrypted(
        client, login_as, member, make_ready_case, make_meeting, db):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    page = client.get(analysis_url(meeting, case))
    assert "if more than one fits, choose the first in the list" in text_of(page)

    response = client.post(analysis_url(meeting, case), data=draft())
    assert response.status_code == 302
    analysis = stored(db, case)
    assert (analysis.category, analysis.event, analysis.refer_for_scr) == (
        10, "sudden_unexpected", False)
    assert analysis.learning_points == "Safer sleep advice for Child A's family."
    raw = db.session.execute(db.text(
        "SELECT learning_points FROM panel_analysis")).scalar()
    assert b"Safer sleep" not in raw
    assert audit_events(AuditEvent.ANALYSIS_UPDATED)[-1].actor_id == member.id


def test_factors_grade_their_domains_and_derive_the_outcome(
        client, login_as, member, make_ready_case, make_meeting, db):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    assert client.post(analysis_url(meeting, case, "/factors"),
                       data=factor(0, domain="child", grade="0", modifiable=False,
                                   theme="other")).status_code == 302
    assert client.post(analysis_url(meeting, case, "/factors"),
                       data=factor(stored(db, case).version)).status_code == 302
    assert client.post(analysis_url(meeting, case, "/factors"),
                       data=factor(stored(db, case).version, grade="1", modifiable=False,
                                   theme="parental_smoking")).status_code == 302

    html = client.get(analysis_url(meeting, case)).get_data(as_text=True)
    grades = text_of_section(html, "data-domain-grades")
    assert "Factors intrinsic to the child 0" in grades
    assert "Social environment, including family and parenting capacity 2" in grades
    assert "Physical environment Not graded" in grades
    assert 'data-final-outcome="modifiable"' in html
    analysis = stored(db, case)
    assert [(f.domain, f.grade, f.modifiable, f.theme_code) for f in analysis.factors] == [
        ("child", 0, False, "other"), ("social", 2, True, "co_sleeping"),
        ("social", 1, False, "parental_smoking")]
    raw = db.session.execute(db.text("SELECT description FROM panel_analysis_factor")).all()
    assert all(b"sofa" not in row[0] for row in raw)


def text_of_section(html, marker):
    import re

    start = html.index(marker)
    end = html.index("</dl>", start)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:end]))


def test_only_a_grade_2_factor_can_be_modifiable(client, login_as, member, make_ready_case,
                                                 make_meeting, db):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    response = client.post(analysis_url(meeting, case, "/factors"),
                           data=factor(0, grade="1", modifiable=True))
    assert response.status_code == 200
    assert ("Only a factor graded 2 (may have contributed) can be modifiable"
            in error_summary(response))
    assert stored(db, case) is None


def test_the_factor_themes_come_from_the_coded_table(db):
    from cdop_scr.panels.services import themes

    labels = [t.label for t in themes()]
    assert len(labels) >= 18
    assert {"Unsafe sleeping arrangement", "Co-sleeping", "Domestic abuse", "Water safety",
            "Self-harm history", "Other"} <= set(labels)


def test_a_conflicted_member_cannot_record_the_analysis(
        client, login_as, member, make_ready_case, make_meeting, db):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    client.post(f"/panel-meetings/{meeting.id}/conflicts", data={"cases": [str(case.id)]})

    page = client.get(analysis_url(meeting, case))
    assert "You have declared a conflict of interest in this case" in text_of(page)
    assert b"data-analysis-form" not in page.data

    for tail, data in (("", draft()), ("/factors", factor(0))):
        response = client.post(analysis_url(meeting, case, tail), data=data)
        assert response.status_code == 403
        assert ("You have declared a conflict of interest in this case, so you cannot record "
                "or change its analysis.") in text_of(response)
    assert stored(db, case) is None
    refused = audit_events(AuditEvent.ANALYSIS_REFUSED)
    assert len(refused) == 2 and refused[0].outcome == "refused"


def test_another_members_conflict_does_not_stop_you(client, login_as, member,
                                                    make_ready_case, make_meeting, db):
    other = UserFactory(roles=["panel_member"])
    case = make_ready_case()
    meeting = make_meeting([case], members=[member, other])
    login_as(user=other)
    client.post(f"/panel-meetings/{meeting.id}/conflicts", data={"cases": [str(case.id)]})
    login_as(user=member)
    assert client.post(analysis_url(meeting, case), data=draft()).status_code == 302


def test_concurrent_edits_never_silently_overwrite(client, login_as, member,
                                                   make_ready_case, make_meeting, db):
    other = UserFactory(roles=["panel_member"])
    case = make_ready_case()
    meeting = make_meeting([case], members=[member, other])
    # Both open the page at version 0; the other member saves first.
    login_as(user=other)
    assert client.post(analysis_url(meeting, case),
                       data=draft(learning_points="Their learning")).status_code == 302
    login_as(user=member)
    response = client.post(analysis_url(meeting, case),
                           data=draft(version=0, learning_points="My learning", category="3"))
    assert response.status_code == 409
    assert any("Someone else changed this analysis" in m for m in error_summary(response))
    assert "My learning" in response.get_data(as_text=True)  # their input is kept
    analysis = stored(db, case)
    assert (analysis.learning_points, analysis.category) == ("Their learning", 10)

    # The same holds for adding a factor from a stale page.
    response = client.post(analysis_url(meeting, case, "/factors"), data=factor(0))
    assert response.status_code == 409
    assert stored(db, case).factors == []


def test_override_of_the_outcome_needs_a_reason(client, login_as, chair, member,
                                                make_ready_case, make_meeting, db):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    client.post(analysis_url(meeting, case), data=draft())
    version = stored(db, case).version

    assert client.post(analysis_url(meeting, case, "/outcome"), data={
        "override-version": version, "override-outcome": "modifiable",
        "override-reason": "x"}).status_code == 403  # members cannot override

    login_as(user=chair)
    response = client.post(analysis_url(meeting, case, "/outcome"), data={
        "override-version": version, "override-outcome": "modifiable"})
    assert "Enter the reason for overriding the outcome" in error_summary(response)
    assert stored(db, case).override_outcome is None

    response = client.post(analysis_url(meeting, case, "/outcome"), data={
        "override-version": version, "override-outcome": "modifiable",
        "override-reason": "Panel agreed the sleeping advice was not followed"})
    assert response.status_code == 302
    analysis = stored(db, case)
    assert analysis.override_outcome == "modifiable"
    assert analysis.override_reason == "Panel agreed the sleeping advice was not followed"
    event = audit_events(AuditEvent.OUTCOME_OVERRIDDEN)[-1]
    assert reasons_shown(AuditEvent.OUTCOME_OVERRIDDEN, case.id) == [
        "Panel agreed the sleeping advice was not followed"]
    assert event.reason is None and "sleeping advice" not in audit_table_text()
    html = client.get(analysis_url(meeting, case)).get_data(as_text=True)
    assert 'data-derived-outcome="not_modifiable"' in html
    assert 'data-final-outcome="modifiable"' in html


def test_each_view_of_a_page_with_narrative_writes_exactly_one_audit_row(
        client, login_as, member, make_ready_case, make_meeting):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    for url, event in ((f"/panel-meetings/{meeting.id}/cases/{case.id}",
                        AuditEvent.PANEL_CASE_VIEWED),
                       (analysis_url(meeting, case), AuditEvent.ANALYSIS_VIEWED),
                       (f"/panel-meetings/{meeting.id}/pack", AuditEvent.PANEL_PACK_DOWNLOADED)):
        before = len(audit_events())
        assert client.get(url).status_code == 200
        rows = audit_events()[before:]
        assert [r.event for r in rows] == [event.value], url
        assert rows[0].actor_id == member.id


def test_the_factor_themes_are_exactly_the_coded_list_of_the_issue(db):
    from cdop_scr.panels.services import themes

    assert [t.label for t in themes()] == [
        "Unsafe sleeping arrangement", "Co-sleeping", "Smoking in pregnancy",
        "Parental smoking", "Alcohol or substance misuse by carer", "Domestic abuse",
        "Parental mental health", "Housing or overcrowding", "Access to services",
        "Delay in seeking care", "Service provision shortfall", "Road safety", "Water safety",
        "Fire safety", "Supervision", "Bullying", "Self-harm history", "Other"]
