"""The review status machine: every allowed move works, every other move is refused cleanly."""

from datetime import date

import pytest
from sqlalchemy import select

from cdop_scr.audit import AuditEvent
from cdop_scr.errors import ValidationError
from cdop_scr.models.scr import Review, ReviewStatus
from cdop_scr.scr import rules, services

from ..helpers import audit_events, error_summary, text_of
from .builders import make_review

S = ReviewStatus
# The review status table, written out by hand from issue 6: "referred -> decision_pending ->
# in_progress -> report_received -> approved_by_board -> published or publication_deferred
# (reason, e.g. criminal proceedings, with review date) -> closed; not_held after a 'criteria
# not met' decision". A deferral has a review date because publication is held back, not
# abandoned (domain.md section 7: "possibly held back during criminal proceedings"), so a
# deferred report can still be published.
EXPECTED = {
    "referred": {"decision_pending"},
    "decision_pending": {"in_progress", "not_held"},
    "in_progress": {"report_received"},
    "report_received": {"approved_by_board"},
    "approved_by_board": {"published", "publication_deferred"},
    "publication_deferred": {"published", "closed"},
    "published": {"closed"},
    "closed": set(),
    "not_held": set(),
}
# Leaving decision_pending takes the recorded decision, not a status change.
BY_DECISION = {("decision_pending", "in_progress"), ("decision_pending", "not_held")}
ALL_MOVES = [(a, b) for a in EXPECTED for b in EXPECTED]
ALLOWED = [(S(a), S(b)) for a, b in ALL_MOVES if b in EXPECTED[a] and (a, b) not in BY_DECISION]
REFUSED = [(S(a), S(b)) for a, b in ALL_MOVES if b not in EXPECTED[a] or (a, b) in BY_DECISION]


def test_the_review_status_table_is_the_one_the_issue_describes():
    assert {s.value for s in S} == set(EXPECTED)
    assert {a.value: {b.value for b in moves} for a, moves in rules.TRANSITIONS.items()} == \
        EXPECTED
    assert {(a.value, b.value) for a, b in rules.BY_DECISION} == BY_DECISION


def review_in(actor, db, status):
    review = make_review(actor)
    db.session.execute(Review.__table__.update().where(Review.id == review.id)
                       .values(status=status.value))
    db.session.commit()
    db.session.refresh(review)
    return review


@pytest.mark.parametrize(("current", "new"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_an_allowed_status_change_is_made_dated_and_audited(app, db, board_manager, current,
                                                            new):
    review = review_in(board_manager, db, current)
    extra = {}
    if new is S.PUBLICATION_DEFERRED:
        extra = {"deferral_reason": "criminal_proceedings",
                 "deferral_review_on": date(2026, 12, 1)}
    services.change_status(board_manager, review, review.version, new.value,
                           on=date(2025, 5, 1), **extra)
    stored = db.session.scalar(select(Review).filter_by(id=review.id))
    assert stored.status == new.value
    if new in rules.DATE_FIELDS:
        assert getattr(stored, rules.DATE_FIELDS[new]) == date(2025, 5, 1)
    if new is S.PUBLICATION_DEFERRED:
        assert (stored.deferral_reason, stored.deferral_review_on) == (
            "criminal_proceedings", date(2026, 12, 1))
    [row] = audit_events(AuditEvent.REVIEW_STATUS_CHANGED)
    assert row.detail == f'{{"from":"{current.value}","to":"{new.value}"}}'


@pytest.mark.parametrize(("current", "new"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_a_refused_status_change_says_why_and_changes_nothing(app, db, board_manager, current,
                                                              new):
    review = review_in(board_manager, db, current)
    version = review.version
    with pytest.raises(ValidationError) as refused:
        services.change_status(board_manager, review, version, new.value)
    db.session.rollback()
    stored = db.session.get(Review, review.id)
    assert stored.status == current.value
    assert stored.version == version
    assert audit_events(AuditEvent.REVIEW_STATUS_CHANGED) == []
    if current is S.DECISION_PENDING:
        assert refused.value.message == ("Record the decision to move this review on from "
                                         "'Decision pending'")
    elif not EXPECTED[current.value]:
        assert refused.value.message == (
            f"A review that is '{current.label}' cannot change status")
    else:
        assert refused.value.message.startswith(
            f"A review that is '{current.label}' cannot move to '{new.label}'. It can move to ")


@pytest.mark.parametrize("status", [s for s in S if s is not S.DECISION_PENDING],
                         ids=[s.value for s in S if s is not S.DECISION_PENDING])
def test_a_decision_is_refused_unless_the_review_is_decision_pending(app, db, board_manager,
                                                                     status):
    review = review_in(board_manager, db, status)
    version = review.version
    with pytest.raises(ValidationError, match="only be recorded while the review is "
                                              "'Decision pending'"):
        services.record_decision(board_manager, review, version, "criteria_met",
                                 date(2025, 1, 20), "Chair Person", "Reasons.")
    db.session.rollback()
    stored = db.session.get(Review, review.id)
    assert (stored.status, stored.version, stored.decision_outcome) == (
        status.value, version, None)
    assert audit_events(AuditEvent.REVIEW_DECISION_RECORDED) == []


def test_leaving_decision_pending_needs_the_decision_not_a_status_change(app, db, board_manager):
    review = review_in(board_manager, db, S.DECISION_PENDING)
    with pytest.raises(ValidationError, match="Record the decision"):
        services.change_status(board_manager, review, review.version, S.IN_PROGRESS.value)


@pytest.mark.parametrize(("outcome", "status"), [
    ("criteria_met", "in_progress"),
    ("other_learning_review", "in_progress"),
    ("criteria_not_met", "not_held"),
])
def test_the_decision_moves_a_pending_review_on(app, db, board_manager, outcome, status):
    review = review_in(board_manager, db, S.DECISION_PENDING)
    services.record_decision(board_manager, review, review.version, outcome, date(2025, 1, 20),
                             "Chair Person", "Reasons given in full.")
    stored = db.session.get(Review, review.id)
    assert (stored.status, stored.decision_outcome) == (status, outcome)
    assert stored.decision_rationale == "Reasons given in full."


def test_a_decision_cannot_be_recorded_before_the_review_is_pending(app, db, board_manager):
    review = make_review(board_manager)
    with pytest.raises(ValidationError, match="Decision pending"):
        services.record_decision(board_manager, review, review.version, "criteria_met",
                                 date(2025, 1, 20), "Chair", "Why")
    assert db.session.get(Review, review.id).status == "referred"


def test_deferring_publication_needs_a_reason_and_a_review_date(app, db, board_manager):
    review = review_in(board_manager, db, S.APPROVED_BY_BOARD)
    with pytest.raises(ValidationError, match="Select why publication is deferred"):
        services.change_status(board_manager, review, review.version, "publication_deferred")
    with pytest.raises(ValidationError, match="date to review the deferral"):
        services.change_status(board_manager, review, review.version, "publication_deferred",
                               deferral_reason="inquest")


def test_the_status_page_offers_only_the_allowed_moves(app, db, client, signed_in_manager):
    review = review_in(signed_in_manager, db, S.APPROVED_BY_BOARD)
    page = client.get(f"/reviews/{review.id}/status")
    html = page.get_data(as_text=True)
    assert 'value="published"' in html and 'value="publication_deferred"' in html
    assert 'value="closed"' not in html


def test_a_refused_move_posted_to_the_page_shows_the_reason_and_changes_nothing(
        app, db, client, signed_in_manager):
    review = make_review(signed_in_manager)
    response = client.post(f"/reviews/{review.id}/status",
                           data={"status": "published", "version": review.version})
    assert response.status_code == 200
    assert error_summary(response) == [
        "A review that is 'Referred' cannot move to 'Published'. It can move to "
        "'Decision pending'"
    ]
    assert db.session.get(Review, review.id).status == "referred"


def test_the_board_manager_moves_a_review_on_from_the_page(app, db, client, signed_in_manager):
    review = make_review(signed_in_manager)
    response = client.post(f"/reviews/{review.id}/status",
                           data={"status": "decision_pending", "version": review.version},
                           follow_redirects=True)
    assert "is now 'Decision pending'" in text_of(response)
    assert db.session.get(Review, review.id).status == "decision_pending"


def test_a_status_change_from_a_stale_page_is_a_conflict_that_keeps_the_choice(
        app, db, client, signed_in_manager):
    review = make_review(signed_in_manager)
    stale = review.version
    services.update_review(signed_in_manager, review, stale, reviewer_name="New Reviewer")
    response = client.post(f"/reviews/{review.id}/status",
                           data={"status": "decision_pending", "version": stale})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This review has changed" in html
    assert 'value="decision_pending" checked' in html
    assert db.session.get(Review, review.id).status == "referred"
