"""The action status machine and the evidence rule: plain Python, no Flask."""

from ..errors import ValidationError
from ..models.actions import ActionStatus

S = ActionStatus
# Evidence is submitted for an action at any stage before completion (more evidence may follow
# evidence already submitted); only accepting evidence completes an action.
TRANSITIONS = {
    S.NOT_STARTED: {S.IN_PROGRESS, S.EVIDENCE_SUBMITTED},
    S.IN_PROGRESS: {S.EVIDENCE_SUBMITTED},
    S.EVIDENCE_SUBMITTED: {S.EVIDENCE_SUBMITTED, S.COMPLETED, S.NOT_ACCEPTED},
    S.NOT_ACCEPTED: {S.IN_PROGRESS, S.EVIDENCE_SUBMITTED},
    S.COMPLETED: set(),
}


def can_move(current, new):
    return ActionStatus(new) in TRANSITIONS[ActionStatus(current)]


def check_move(action, new):
    """Refuse a move the table does not allow, saying what the action can do instead."""
    current, new = ActionStatus(action.status), ActionStatus(new)
    if new in TRANSITIONS[current]:
        return
    if current is S.COMPLETED:
        raise ValidationError(f"Action {action.label} is completed: it cannot change")
    if new is S.COMPLETED:
        raise ValidationError(
            f"Action {action.label} cannot be completed until its evidence has been submitted "
            "and accepted"
        )
    raise ValidationError(
        f"Action {action.label} is '{current.label}': it cannot move to '{new.label}'"
    )


def check_can_decide(action, new):
    """Accepting evidence (completed) or not (not accepted) needs evidence awaiting a decision."""
    if ActionStatus(action.status) is S.COMPLETED:
        check_move(action, new)  # says the action is completed
    if new is S.COMPLETED and not action.evidence:
        raise ValidationError(
            f"Action {action.label} cannot be completed without at least one evidence entry"
        )
    if not action.pending_evidence:
        raise ValidationError(f"Action {action.label} has no evidence awaiting a decision")
    check_move(action, new)


def check_can_complete(action):
    """An action is not complete without evidence (the board's own finding: "fully evidenced")."""
    check_can_decide(action, S.COMPLETED)
