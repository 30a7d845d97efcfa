"""The review status machine: plain Python, no Flask."""

from ..errors import ValidationError
from ..models.scr import DecisionOutcome, ReviewStatus

S = ReviewStatus
TRANSITIONS = {
    S.REFERRED: {S.DECISION_PENDING},
    S.DECISION_PENDING: {S.IN_PROGRESS, S.NOT_HELD},
    S.IN_PROGRESS: {S.REPORT_RECEIVED},
    S.REPORT_RECEIVED: {S.APPROVED_BY_BOARD},
    S.APPROVED_BY_BOARD: {S.PUBLISHED, S.PUBLICATION_DEFERRED},
    S.PUBLICATION_DEFERRED: {S.PUBLISHED, S.CLOSED},
    S.PUBLISHED: {S.CLOSED},
    S.NOT_HELD: set(),
    S.CLOSED: set(),
}
# Leaving "decision pending" takes a recorded decision (outcome, by whom, why), not a button.
BY_DECISION = {(S.DECISION_PENDING, S.IN_PROGRESS), (S.DECISION_PENDING, S.NOT_HELD)}

STATUS_AFTER_DECISION = {
    DecisionOutcome.CRITERIA_MET: S.IN_PROGRESS,
    DecisionOutcome.OTHER_LEARNING_REVIEW: S.IN_PROGRESS,
    DecisionOutcome.CRITERIA_NOT_MET: S.NOT_HELD,
}

# The date each status records, when a review moves into it.
DATE_FIELDS = {
    S.REPORT_RECEIVED: "report_received_on",
    S.APPROVED_BY_BOARD: "approved_on",
    S.PUBLISHED: "published_on",
    S.CLOSED: "closed_on",
}


def next_statuses(current):
    """The statuses a review can be moved to by a status change (not by the decision)."""
    current = ReviewStatus(current)
    return [s for s in ReviewStatus
            if s in TRANSITIONS[current] and (current, s) not in BY_DECISION]


def check_move(current, new):
    """Refuse a move the table does not allow, saying where the review can go instead."""
    current, new = ReviewStatus(current), ReviewStatus(new)
    if current is S.DECISION_PENDING:
        raise ValidationError("Record the decision to move this review on from "
                              "'Decision pending'")
    if not TRANSITIONS[current]:
        raise ValidationError(f"A review that is '{current.label}' cannot change status")
    if new not in TRANSITIONS[current]:
        allowed = " or ".join(f"'{s.label}'" for s in next_statuses(current))
        raise ValidationError(
            f"A review that is '{current.label}' cannot move to '{new.label}'. "
            f"It can move to {allowed}"
        )
