"""Actions: statuses, the evidence rule, not-accepted evidence, challenges; written for any plan."""

import io
import uuid
from datetime import date

import pytest
from sqlalchemy import text

from cdop_scr.actions import rules
from cdop_scr.actions import services as actions
from cdop_scr.audit import AuditEvent
from cdop_scr.errors import Conflict, ValidationError
from cdop_scr.models.actions import Action, ActionStatus

from ..helpers import audit_events, error_summary, text_of
from ..scr.builders import add_action, make_review
from ..scr.documents import EXECUTABLE, MINIMAL_PDF

S = ActionStatus


@pytest.fixture
def action(app, board_manager):
    return add_action(board_manager, make_review(board_manager))


def fresh(db, action):
    db.session.expire_all()
    return db.session.get(Action, action.id)


def test_a_plan_works_for_a_cdop_case_as_well_as_a_review(app, db, board_manager):
    case_id = uuid.uuid4()
    plan = actions.ensure_plan("cdop_case", case_id, "CDR-2025-0042")
    recommendation = actions.add_recommendation(board_manager, plan, "Safe sleep messages.")
    made = actions.add_action(board_manager, recommendation, "Leaflet at birth visits.",
                              "Health visiting", "health_provider", "Lead HV",
                              date(2025, 9, 1), "Audit of visit records.")
    assert made.label == "1.1"
    assert actions.plan_for("cdop_case", case_id).actions == [made]
    assert actions.plan_for("scr_review", case_id) is None


def test_a_new_action_has_not_started(action):
    assert action.status == "not_started"
    assert action.label == "1.1"


def test_an_action_cannot_be_completed_without_evidence(app, db, board_manager, action):
    with pytest.raises(ValidationError, match="without at least one evidence entry"):
        actions.accept_evidence(board_manager, action, action.version)
    assert fresh(db, action).status == "not_started"
    assert fresh(db, action).completed_on is None


def test_the_rule_itself_refuses_completion_with_no_evidence_even_if_submitted(app, db,
                                                                             board_manager,
                                                                             action):
    db.session.execute(Action.__table__.update().values(status="evidence_submitted"))
    db.session.commit()
    with pytest.raises(ValidationError, match="without at least one evidence entry"):
        rules.check_can_complete(fresh(db, action))


def test_submitting_evidence_then_accepting_it_completes_the_action(app, db, board_manager,
                                                                    action):
    actions.submit_evidence(board_manager, action, action.version,
                            "Canary-evidence: training register attached.",
                            on=date(2025, 5, 1))
    action = fresh(db, action)
    assert action.status == "evidence_submitted"
    actions.accept_evidence(board_manager, action, action.version, on=date(2025, 5, 2))
    action = fresh(db, action)
    assert (action.status, action.completed_on) == ("completed", date(2025, 5, 2))
    assert [e.outcome for e in action.evidence] == ["accepted"]
    raw = db.session.execute(text("SELECT note FROM action_evidence")).scalar()
    assert b"Canary" not in bytes(raw)
    assert [r.event for r in audit_events()[-4:]] == [
        "action_evidence_submitted", "action_updated", "action_evidence_accepted",
        "action_updated"]


def test_evidence_not_accepted_goes_back_to_the_agency_with_the_reason(app, db, board_manager,
                                                                     action):
    actions.submit_evidence(board_manager, action, action.version, "A plan to train.")
    action = fresh(db, action)
    actions.reject_evidence(board_manager, action, action.version,
                            "A plan is not evidence: send the attendance register.")
    action = fresh(db, action)
    assert action.status == "not_accepted"
    assert action.evidence[0].reason == "A plan is not evidence: send the attendance register."
    # Not accepted is not completed, and completing needs new evidence.
    with pytest.raises(ValidationError):
        actions.accept_evidence(board_manager, action, action.version)
    actions.submit_evidence(board_manager, action, action.version, "The register.")
    action = fresh(db, action)
    actions.accept_evidence(board_manager, action, action.version)
    action = fresh(db, action)
    assert action.status == "completed"
    assert [e.outcome for e in action.evidence] == ["not_accepted", "accepted"]


def test_evidence_needs_a_description(app, board_manager, action):
    with pytest.raises(ValidationError, match="Describe the evidence"):
        actions.submit_evidence(board_manager, action, action.version, "  ")


def test_a_completed_action_takes_no_more_evidence_or_changes(app, db, board_manager, action):
    actions.submit_evidence(board_manager, action, action.version, "Done.")
    action = fresh(db, action)
    actions.accept_evidence(board_manager, action, action.version)
    action = fresh(db, action)
    with pytest.raises(ValidationError, match="is completed"):
        actions.submit_evidence(board_manager, action, action.version, "More.")
    with pytest.raises(ValidationError, match="is completed"):
        actions.start_action(board_manager, action, action.version)


# The action status table, written out by hand from issue 6: "not_started, in_progress,
# evidence_submitted, completed (only after the board manager accepts the evidence),
# not_accepted (with the reason; back to the agency)". Evidence may come at any stage before
# completion, and more may follow evidence already waiting; an action whose evidence was not
# accepted is back with the agency, to work on or to send new evidence. Nothing goes back to
# not started, and completed is final.
EXPECTED = {
    "not_started": {"in_progress", "evidence_submitted"},
    "in_progress": {"evidence_submitted"},
    "evidence_submitted": {"evidence_submitted", "completed", "not_accepted"},
    "not_accepted": {"in_progress", "evidence_submitted"},
    "completed": set(),
}
TARGETS = ("in_progress", "evidence_submitted", "completed", "not_accepted")
ALLOWED_MOVES = [(a, b) for a in EXPECTED for b in TARGETS if b in EXPECTED[a]]
REFUSED_MOVES = [(a, b) for a in EXPECTED for b in TARGETS if b not in EXPECTED[a]]
# Why each refused move is refused, as the board manager reads it.
REFUSAL = {
    ("not_started", "completed"): "cannot be completed without at least one evidence entry",
    ("not_started", "not_accepted"): "has no evidence awaiting a decision",
    ("in_progress", "in_progress"): "is 'In progress': it cannot move to 'In progress'",
    ("in_progress", "completed"): "cannot be completed without at least one evidence entry",
    ("in_progress", "not_accepted"): "has no evidence awaiting a decision",
    ("evidence_submitted", "in_progress"):
        "is 'Evidence submitted': it cannot move to 'In progress'",
    ("not_accepted", "completed"): "has no evidence awaiting a decision",
    ("not_accepted", "not_accepted"): "has no evidence awaiting a decision",
    **{("completed", b): "is completed: it cannot change" for b in TARGETS},
}


def test_the_action_status_table_is_the_one_the_issue_describes():
    assert {s.value for s in S} == set(EXPECTED)
    assert {a.value: {b.value for b in moves} for a, moves in rules.TRANSITIONS.items()} == \
        EXPECTED
    assert set(REFUSAL) == set(REFUSED_MOVES)


def action_in(actor, status):
    """An action brought to `status` through the services, as the board manager would."""
    made = add_action(actor, make_review(actor))
    if status == "not_started":
        return made
    actions.start_action(actor, made, made.version)
    if status == "in_progress":
        return made
    actions.submit_evidence(actor, made, made.version, "Training register.")
    if status == "not_accepted":
        actions.reject_evidence(actor, made, made.version, "Send the attendance list.")
    elif status == "completed":
        actions.accept_evidence(actor, made, made.version)
    return made


def move(actor, action, new):
    """Ask for a move the way the pages do: one service per target status."""
    if new == "in_progress":
        actions.start_action(actor, action, action.version)
    elif new == "evidence_submitted":
        actions.submit_evidence(actor, action, action.version, "More evidence.")
    elif new == "completed":
        actions.accept_evidence(actor, action, action.version)
    else:
        actions.reject_evidence(actor, action, action.version, "Not enough.")


def test_an_action_reaches_each_starting_status_through_the_services(app, db, board_manager):
    for status in EXPECTED:
        assert fresh(db, action_in(board_manager, status)).status == status


@pytest.mark.parametrize(("current", "new"), ALLOWED_MOVES,
                         ids=[f"{a}->{b}" for a, b in ALLOWED_MOVES])
def test_an_allowed_action_move_is_made_and_audited(app, db, board_manager, current, new):
    made = action_in(board_manager, current)
    evidence_before = len(made.evidence)
    before = len(audit_events(AuditEvent.ACTION_UPDATED))
    move(board_manager, made, new)
    made = fresh(db, made)
    assert made.status == new
    [row] = audit_events(AuditEvent.ACTION_UPDATED)[before:]
    assert row.detail == f'{{"from":"{current}","to":"{new}"}}'
    if new == "evidence_submitted":
        assert len(made.evidence) == evidence_before + 1
    if new == "completed":
        assert made.completed_on is not None
        assert made.evidence[-1].outcome == "accepted"
    if new == "not_accepted":
        assert made.evidence[-1].reason == "Not enough."


@pytest.mark.parametrize(("current", "new"), REFUSED_MOVES,
                         ids=[f"{a}->{b}" for a, b in REFUSED_MOVES])
def test_a_refused_action_move_says_why_and_changes_nothing(app, db, board_manager, current,
                                                            new):
    made = action_in(board_manager, current)
    version, evidence = made.version, [(e.id, e.outcome) for e in made.evidence]
    before = len(audit_events())
    with pytest.raises(ValidationError) as refused:
        move(board_manager, made, new)
    db.session.rollback()
    made = fresh(db, made)
    assert refused.value.message == f"Action 1.1 {REFUSAL[current, new]}"
    assert (made.status, made.version) == (current, version)
    assert [(e.id, e.outcome) for e in made.evidence] == evidence
    assert len(audit_events()) == before


def test_more_evidence_can_follow_evidence_waiting_and_acceptance_decides_on_all_of_it(
        app, db, board_manager):
    made = action_in(board_manager, "evidence_submitted")
    actions.submit_evidence(board_manager, made, made.version, "The second half of the list.")
    made = fresh(db, made)
    assert made.status == "evidence_submitted"
    assert [e.outcome for e in made.evidence] == [None, None]
    actions.accept_evidence(board_manager, made, made.version)
    assert [e.outcome for e in fresh(db, made).evidence] == ["accepted", "accepted"]


def test_an_action_whose_evidence_was_not_accepted_goes_back_to_work_and_on_to_completion(
        app, db, board_manager):
    made = action_in(board_manager, "not_accepted")
    actions.start_action(board_manager, made, made.version)
    assert fresh(db, made).status == "in_progress"
    made = fresh(db, made)
    actions.submit_evidence(board_manager, made, made.version, "The attendance list.")
    made = fresh(db, made)
    actions.accept_evidence(board_manager, made, made.version)
    made = fresh(db, made)
    assert made.status == "completed"
    assert [e.outcome for e in made.evidence] == ["not_accepted", "accepted"]


def test_a_stale_version_is_a_conflict_and_changes_nothing(app, db, board_manager, action):
    stale = action.version
    actions.start_action(board_manager, action, stale)
    with pytest.raises(Conflict):
        actions.submit_evidence(board_manager, fresh(db, action), stale, "Evidence.")
    assert fresh(db, action).evidence == []


def test_overdue_means_past_due_and_not_completed(app, db, board_manager, action):
    due = action.due_on
    assert not action.is_overdue(due)
    assert action.days_overdue(date.fromordinal(due.toordinal() + 3)) == 3
    actions.submit_evidence(board_manager, action, action.version, "Done.")
    actions.accept_evidence(board_manager, fresh(db, action), fresh(db, action).version)
    assert fresh(db, action).days_overdue(date.fromordinal(due.toordinal() + 3)) == 0


def test_the_challenge_log_records_what_was_asked_and_the_response(app, db, board_manager,
                                                                   action):
    challenge = actions.record_challenge(board_manager, action, "Why is training late?",
                                         on=date(2025, 7, 2))
    actions.record_challenge_response(board_manager, challenge, "Trainer was off sick.",
                                      on=date(2025, 7, 9))
    action = fresh(db, action)
    [logged] = action.challenges
    assert (logged.challenged_on, logged.asked, logged.responded_on, logged.response) == (
        date(2025, 7, 2), "Why is training late?", date(2025, 7, 9), "Trainer was off sick.")
    raw = db.session.execute(text("SELECT asked, response FROM action_challenge")).one()
    assert all(b"Trainer" not in bytes(v) and b"training" not in bytes(v) for v in raw)


# Through the pages ------------------------------------------------------------------------------

def _url(action, suffix=""):
    review_id = action.recommendation.plan.source_id
    return f"/reviews/{review_id}/actions/{action.id}{suffix}"


def test_the_board_manager_submits_evidence_with_a_document_and_accepts_it(
        app, db, client, signed_in_manager):
    made = add_action(signed_in_manager, make_review(signed_in_manager))
    response = client.post(_url(made, "/evidence/new"), data={
        "note": "Attendance register for all officers.", "version": made.version,
        "document": (io.BytesIO(MINIMAL_PDF), "register.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    page = text_of(response)
    assert "Evidence for action 1.1 has been submitted." in page
    assert "register.pdf" in page
    made = fresh(db, made)
    evidence = made.evidence[0]
    download = client.get(_url(made, f"/evidence/{evidence.id}"))
    assert download.data == MINIMAL_PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert audit_events(AuditEvent.DOCUMENT_DOWNLOADED)[-1].target_id == str(
        evidence.document_id)

    response = client.post(_url(made, "/accept-evidence"), data={"version": made.version},
                           follow_redirects=True)
    assert "action 1.1 is completed" in text_of(response)
    assert fresh(db, made).status == "completed"


def test_accepting_with_no_evidence_from_the_page_shows_why_and_changes_nothing(
        app, db, client, signed_in_manager):
    made = add_action(signed_in_manager, make_review(signed_in_manager))
    response = client.post(_url(made, "/accept-evidence"), data={"version": made.version})
    assert response.status_code == 400
    assert "cannot be completed without at least one evidence entry" in text_of(response)
    assert fresh(db, made).status == "not_started"


def test_evidence_with_a_renamed_executable_is_refused_and_nothing_is_kept(
        app, db, client, signed_in_manager):
    made = add_action(signed_in_manager, make_review(signed_in_manager))
    response = client.post(_url(made, "/evidence/new"), data={
        "note": "See attached.", "version": made.version,
        "document": (io.BytesIO(EXECUTABLE), "evidence.pdf")},
        content_type="multipart/form-data")
    assert error_summary(response) == ["The selected file must be a PDF, DOCX or ODT"]
    made = fresh(db, made)
    assert (made.status, made.evidence) == ("not_started", [])


def test_not_accepting_evidence_from_the_page_needs_a_reason(app, db, client,
                                                             signed_in_manager):
    made = add_action(signed_in_manager, make_review(signed_in_manager))
    actions.submit_evidence(signed_in_manager, made, made.version, "A promise.")
    made = fresh(db, made)
    response = client.post(_url(made, "/evidence-not-accepted"),
                           data={"reason": "", "version": made.version})
    assert error_summary(response) == ["Enter why the evidence is not accepted"]
    response = client.post(_url(made, "/evidence-not-accepted"),
                           data={"reason": "Send the register.", "version": made.version},
                           follow_redirects=True)
    page = text_of(response)
    assert "Evidence not accepted" in page
    assert "Send the register." in page


def test_editing_an_action_from_a_stale_form_is_a_conflict_that_keeps_the_input(
        app, db, client, signed_in_manager):
    made = add_action(signed_in_manager, make_review(signed_in_manager))
    stale = made.version
    actions.start_action(signed_in_manager, made, stale)
    response = client.post(_url(made, "/edit"), data={
        "description": "Typed text kept", "agency_name": "Kent Police", "agency_type": "police",
        "owner_name": "Someone", "due_on": ["1", "9", "2025"], "expected_evidence": "Register",
        "version": stale})
    assert response.status_code == 409
    assert "Typed text kept" in response.get_data(as_text=True)
    assert fresh(db, made).description == "Train front-line officers on referrals."


def test_an_action_of_another_review_is_not_found(app, client, signed_in_manager):
    made = add_action(signed_in_manager, make_review(signed_in_manager))
    other = make_review(signed_in_manager)
    assert client.get(f"/reviews/{other.id}/actions/{made.id}").status_code == 404
