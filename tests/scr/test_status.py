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
ALL_MOVES = [(a, b) for a in S for b in S]
ALLOWED = [(a, b) for a, b in ALL_MOVES if b in rules.TRANSITIONS[a]
           and (a, b) not in rules.BY_DECISION]
REFUSED = [(a, b) for a, b in ALL_MOVES if b not in rules.TRANSITIONS[a]]


def review_in(actor, db, status):
    review = make_review(actor)
    db.session.execute(Review.__table__.update().where(Review.id == review.id)
                       .values(status=status.value))
    db.session.commit()
    db.session.refresh(review)
    return review


def test_the_table_has_the_documented_path():
    assert rules.TRANSITIONS[S.REFERRED] == {S.DECISION_PENDING}
    assert rules.TRANSITIONS[S.APPROVED_BY_BOARD] == {S.PUBLISHED, S.PUBLICATION_DEFERRED}
    assert rules.TRANSITIONS[S.PUBLICATION_DEFERRED] == {S.PUBLISHED, S.CLOSED}
    assert rules.TRANSITIONS[S.PUBLISHED] == {S.CLOSED}
    assert rules.TRANSITIONS[S.CLOSED] == rules.TRANSITIONS[S.NOT_HELD] == set()


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
    assert current.label in refused.value.message or "decision" in refused.value.message


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
