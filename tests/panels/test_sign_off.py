"""The chair signs off: the case is reviewed, the analysis locked; re-opening is audited."""

from datetime import timedelta

from sqlalchemy import select

from cdop_scr.audit import AuditEvent
from cdop_scr.cases.clocks import today
from cdop_scr.models.cases import Case
from cdop_scr.models.panels import Analysis, ReviewSignOff
from cdop_scr.panels import services

from ..audit.reasons import audit_table_text, reasons_shown
from ..helpers import audit_events, error_summary, text_of
from .test_analysis import analysis_url, draft, factor, stored

DASHBOARD = "/reviews/dashboard"


def dmy(day):
    return [str(day.day), str(day.month), str(day.year)]


def prepared(client, login_as, member, meeting, case, db):
    login_as(user=member)
    client.post(analysis_url(meeting, case), data=draft())
    client.post(analysis_url(meeting, case, "/factors"), data=factor(stored(db, case).version))
    return stored(db, case).version


def sign_off(client, meeting, case, version, day):
    return client.post(f"/panel-meetings/{meeting.id}/cases/{case.id}/sign-off", data={
        "sign_off-version": str(version), "sign_off-completed_on": dmy(day)})


def test_sign_off_locks_the_analysis_and_marks_the_case_reviewed(
        client, login_as, chair, member, make_ready_case, make_meeting, db):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    version = prepared(client, login_as, member, meeting, case, db)
    completed = today() - timedelta(days=1)

    login_as(user=chair)
    assert sign_off(client, meeting, case, version, completed).status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == "reviewed"
    assert (case.category, case.modifiable, case.event, case.review_completed_on) == (
        10, "modifiable", "sudden_unexpected", completed)
    analysis = stored(db, case)
    assert analysis.is_locked and analysis.review_completed_on == completed
    assert audit_events(AuditEvent.REVIEW_SIGNED_OFF)[-1].actor_id == chair.id

    # Locked: members cannot change it, and the page no longer offers the forms.
    login_as(user=member)
    response = client.post(analysis_url(meeting, case), data=draft(version=analysis.version))
    assert response.status_code == 403
    assert "signed off, so the analysis is locked" in text_of(response)
    response = client.post(analysis_url(meeting, case, "/factors"),
                           data=factor(analysis.version))
    assert response.status_code == 403
    page = client.get(analysis_url(meeting, case))
    assert b"data-analysis-form" not in page.data and b"data-locked" in page.data


def test_only_a_chair_can_sign_off(client, login_as, member, make_ready_case, make_meeting,
                                   db):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    version = prepared(client, login_as, member, meeting, case, db)
    assert sign_off(client, meeting, case, version, today()).status_code == 403
    assert db.session.get(Case, case.id).status == "ready_for_panel"


def test_sign_off_needs_category_event_and_the_scr_decision(
        client, login_as, chair, make_ready_case, make_meeting, db):
    case = make_ready_case()
    meeting = make_meeting([case])
    login_as(user=chair)
    response = sign_off(client, meeting, case, 0, today())
    assert response.status_code == 200
    message = " ".join(error_summary(response))
    assert "Select the category of death" in message
    assert "Select the event leading to death" in message
    assert "Say whether to refer the case for serious case review consideration" in message
    assert db.session.get(Case, case.id).status == "ready_for_panel"


def test_sign_off_without_the_scr_decision_says_so_and_changes_nothing(
        client, login_as, chair, member, make_ready_case, make_meeting, db):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    data = draft()
    del data["analysis-refer_for_scr"]
    client.post(analysis_url(meeting, case), data=data)
    version = stored(db, case).version
    login_as(user=chair)
    response = sign_off(client, meeting, case, version, today())
    assert error_summary(response) == [
        "Say whether to refer the case for serious case review consideration"]
    assert db.session.get(Case, case.id).status == "ready_for_panel"
    assert not stored(db, case).is_locked


def test_signing_off_with_a_referral_for_scr_records_the_referral_date(
        client, login_as, chair, member, make_ready_case, make_meeting, db):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    login_as(user=member)
    client.post(analysis_url(meeting, case), data=draft(refer_for_scr="yes"))
    assert stored(db, case).refer_for_scr is True
    assert db.session.get(Case, case.id).scr_referred_on is None
    completed = today() - timedelta(days=2)
    login_as(user=chair)
    assert sign_off(client, meeting, case, stored(db, case).version,
                    completed).status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).scr_referred_on == completed
    assert '"refer_for_scr":true' in audit_events(AuditEvent.REVIEW_SIGNED_OFF)[-1].detail


def test_a_conflicted_chair_can_neither_override_nor_sign_off(
        client, login_as, chair, member, make_ready_case, make_meeting, db):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    version = prepared(client, login_as, member, meeting, case, db)
    login_as(user=chair)
    client.post(f"/panel-meetings/{meeting.id}/conflicts", data={"cases": [str(case.id)]})

    response = client.post(analysis_url(meeting, case, "/outcome"), data={
        "override-version": version, "override-outcome": "not_modifiable",
        "override-reason": "The panel took a different view"})
    assert response.status_code == 403
    assert "You have declared a conflict of interest in this case" in text_of(response)
    response = sign_off(client, meeting, case, version, today())
    assert response.status_code == 403
    assert "You have declared a conflict of interest in this case" in text_of(response)

    analysis = stored(db, case)
    assert analysis.override_outcome is None and not analysis.is_locked
    assert db.session.get(Case, case.id).status == "ready_for_panel"
    assert audit_events(AuditEvent.REVIEW_SIGNED_OFF) == []
    assert len(audit_events(AuditEvent.ANALYSIS_REFUSED)) == 2


def test_reopening_needs_a_reason_is_audited_and_the_latest_sign_off_counts(
        client, login_as, chair, member, make_ready_case, make_meeting, db):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    version = prepared(client, login_as, member, meeting, case, db)
    login_as(user=chair)
    sign_off(client, meeting, case, version, today() - timedelta(days=10))
    reopen = f"/panel-meetings/{meeting.id}/cases/{case.id}/reopen"

    version = stored(db, case).version
    response = client.post(reopen, data={"reopen-version": str(version)})
    assert "Enter the reason for re-opening the review" in error_summary(response)
    assert stored(db, case).is_locked

    response = client.post(reopen, data={"reopen-version": str(version),
                                         "reopen-reason": "Inquest found a new cause"})
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == "ready_for_panel"
    assert case.review_completed_on is None and case.category is None
    assert not stored(db, case).is_locked
    event = audit_events(AuditEvent.REVIEW_REOPENED)[-1]
    assert (event.actor_id, event.reason) == (chair.id, None)
    assert reasons_shown(AuditEvent.REVIEW_REOPENED, case.id) == ["Inquest found a new cause"]
    assert "inquest found" not in audit_table_text()

    # The panel changes its view and signs off again: the new sign-off is the one that counts.
    analysis = stored(db, case)
    client.post(analysis_url(meeting, case), data=draft(version=analysis.version, category="9"))
    assert sign_off(client, meeting, case, stored(db, case).version, today()).status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.status, case.category, case.review_completed_on) == ("reviewed", 9, today())
    history = db.session.scalars(select(ReviewSignOff).order_by(
        ReviewSignOff.signed_off_at)).all()
    assert [h.category for h in history] == [10, 9]
    assert history[0].reopen_reason == "Inquest found a new cause"
    assert services.latest_sign_off(case.id).id == history[1].id


def test_a_member_cannot_reopen(client, login_as, chair, member, make_ready_case,
                                make_meeting, db):
    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    version = prepared(client, login_as, member, meeting, case, db)
    login_as(user=chair)
    sign_off(client, meeting, case, version, today())
    login_as(user=member)
    response = client.post(f"/panel-meetings/{meeting.id}/cases/{case.id}/reopen",
                           data={"reopen-version": str(stored(db, case).version),
                                 "reopen-reason": "I want to"})
    assert response.status_code == 403
    assert db.session.scalar(select(Analysis.status)) == "signed_off"


def test_recommendations_become_tracked_actions_at_sign_off_once_even_after_reopening(
        client, login_as, chair, member, make_ready_case, make_meeting, db):
    from cdop_scr.actions import services as action_services
    from cdop_scr.models.actions import Action

    case = make_ready_case()
    meeting = make_meeting([case], members=[member])
    version = prepared(client, login_as, member, meeting, case, db)
    due = today() + timedelta(days=90)
    client.post(analysis_url(meeting, case, "/recommendations"), data={
        "recommendation-version": str(version),
        "recommendation-text": "Share safe sleeping advice at every health visitor contact.",
        "recommendation-owner_agency": "Example Community Health",
        "recommendation-due_on": dmy(due)})
    login_as(user=chair)
    assert sign_off(client, meeting, case, stored(db, case).version,
                    today()).status_code == 302

    def tracked():
        db.session.expire_all()
        return db.session.scalars(select(Action)).all()

    [action] = tracked()
    assert (action.agency_name, action.due_on, action.status) == (
        "Example Community Health", due, "not_started")
    assert action.description.startswith("Share safe sleeping advice")
    assert action.recommendation.plan.source_type == "cdop_case"
    counts = action_services.counts_by_agency("cdop_case")
    assert [c.agency_name for c in counts] == ["Example Community Health"]
    login_as("board_manager")
    dashboard = client.get(DASHBOARD).get_data(as_text=True)
    assert 'data-agency="Example Community Health"' in dashboard.split(
        'id="panel-actions-by-agency"')[1]
    login_as(user=chair)

    client.post(f"/panel-meetings/{meeting.id}/cases/{case.id}/reopen", data={
        "reopen-version": str(stored(db, case).version), "reopen-reason": "New evidence"})
    sign_off(client, meeting, case, stored(db, case).version, today())
    assert len(tracked()) == 1


def test_the_board_manager_progresses_a_panel_action_to_completed_on_the_shared_pages(
        client, login_as, chair, member, make_ready_case, make_meeting, db):
    from cdop_scr.models.actions import Action

    case, other = make_ready_case(), make_ready_case()
    meeting = make_meeting([case, other], members=[member])
    version = prepared(client, login_as, member, meeting, case, db)
    client.post(analysis_url(meeting, case, "/recommendations"), data={
        "recommendation-version": str(version),
        "recommendation-text": "Offer a bereavement follow-up visit to every family.",
        "recommendation-owner_agency": "Example Community Health",
        "recommendation-due_on": dmy(today() + timedelta(days=60))})
    login_as(user=chair)
    sign_off(client, meeting, case, stored(db, case).version, today())
    action = db.session.scalars(select(Action)).one()
    action_url = f"/panel-actions/{case.id}/actions/{action.id}"

    for role in ("coordinator", "panel_member", "panel_chair", "admin"):
        login_as(role)
        assert client.get("/panel-actions").status_code == 403
        assert client.get(action_url).status_code == 403

    login_as("board_manager")
    listing = client.get("/panel-actions")
    assert case.case_ref in text_of(listing)
    assert action_url in listing.get_data(as_text=True)
    # Through another case's address, or a case the panel gave no plan, nothing is found.
    assert client.get(f"/panel-actions/{other.id}/actions/{action.id}").status_code == 404
    assert client.get(f"/panel-actions/{other.id}/action-plan").status_code == 404

    page = text_of(client.get(f"/panel-actions/{case.id}/action-plan"))
    assert "Offer a bereavement follow-up visit" in page
    client.post(action_url + "/start", data={"version": action.version})
    db.session.expire_all()
    assert action.status == "in_progress"
    client.post(action_url + "/evidence/new", data={
        "note": "Visits offered to all families since April.", "version": action.version},
        content_type="multipart/form-data")
    db.session.expire_all()
    assert action.status == "evidence_submitted"
    response = client.post(action_url + "/accept-evidence", data={"version": action.version},
                           follow_redirects=True)
    assert "is completed" in text_of(response)
    db.session.expire_all()
    assert action.status == "completed"
    dashboard = client.get(DASHBOARD).get_data(as_text=True).split(
        'id="panel-actions-by-agency"')[1]
    assert 'data-status="completed">1<' in dashboard


def test_the_statistics_move_a_review_to_the_year_of_its_latest_sign_off(
        client, login_as, chair, member, make_ready_case, make_meeting, db):
    from datetime import date

    from cdop_scr.reporting import queries

    def completed(year):
        return (queries.total("reviews_completed", year),
                queries.counts("reviews_completed", year, "category"))

    case = make_ready_case()  # died 9 February 2024
    meeting = make_meeting([case], members=[member])
    version = prepared(client, login_as, member, meeting, case, db)
    login_as(user=chair)
    assert sign_off(client, meeting, case, version, date(2024, 3, 20)).status_code == 302
    assert completed("2023-24") == (1, {10: 1})
    assert completed("2024-25") == (0, {})

    response = client.post(f"/panel-meetings/{meeting.id}/cases/{case.id}/reopen", data={
        "reopen-version": str(stored(db, case).version),
        "reopen-reason": "The inquest reported a new cause"})
    assert response.status_code == 302
    assert completed("2023-24") == (0, {})

    client.post(analysis_url(meeting, case),
                data=draft(version=stored(db, case).version, category="9"))
    assert sign_off(client, meeting, case, stored(db, case).version,
                    date(2024, 6, 5)).status_code == 302
    assert completed("2023-24") == (0, {})
    assert completed("2024-25") == (1, {9: 1})
    # At 31 March 2024 the review was still open: the second sign-off came after it.
    assert queries.total("open_reviews", "2023-24") == 1
