"""The four review clocks: due date, done date, and breach.

Notification to Ofsted / the national panel: 5 working days after the local authority learned
of the incident. Rapid review (LCSPR only): 15 working days after notification. Decision: one
month after referral (our rule, SCR_DECISION_MONTHS). Completion: the board approves the report
within SCR_COMPLETION_MONTHS of the decision (our rule). Working days exclude weekends and
England and Wales bank holidays.
"""

import enum
from dataclasses import dataclass
from datetime import date

from flask import current_app

from ..models.scr import DecisionOutcome, Framework
from ..workdays import add_months, add_working_days, today

NOTIFICATION_WORKING_DAYS = 5
RAPID_REVIEW_WORKING_DAYS = 15


class ClockState(enum.StrEnum):
    NOT_APPLICABLE = "not_applicable"
    WAITING = "waiting"  # its start date is not known yet
    RUNNING = "running"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"  # done, but after the due date

    @property
    def label(self):
        return {
            "not_applicable": "Does not apply",
            "waiting": "Not started",
            "running": "Running",
            "overdue": "Overdue",
            "met": "Met",
            "missed": "Missed",
        }[self.value]

    @property
    def colour(self):
        return {"not_applicable": "grey", "waiting": "grey", "running": "blue",
                "overdue": "red", "met": "green", "missed": "red"}[self.value]


@dataclass(frozen=True)
class Clock:
    key: str
    label: str
    rule: str
    due: date | None
    done: date | None
    state: ClockState
    note: str = ""

    @property
    def breached(self):
        return self.state in (ClockState.OVERDUE, ClockState.MISSED)


def _state(due, done, on):
    if due is None:
        return ClockState.MET if done else ClockState.WAITING
    if done is not None:
        return ClockState.MET if done <= due else ClockState.MISSED
    return ClockState.OVERDUE if on > due else ClockState.RUNNING


def _clock(key, label, rule, due, done, on, note=""):
    return Clock(key, label, rule, due, done, _state(due, done, on), note if due is None else "")


def clocks_for(review, on=None):
    """The review's clocks as of `on` (today by default)."""
    on = on or today()
    config = current_app.config
    decision_months = config["SCR_DECISION_MONTHS"]
    completion_months = config["SCR_COMPLETION_MONTHS"]

    notification_due = (add_working_days(review.la_learned_on, NOTIFICATION_WORKING_DAYS)
                        if review.la_learned_on else None)
    clocks = [
        _clock("notification", "Notification to Ofsted and the national panel",
               f"{NOTIFICATION_WORKING_DAYS} working days after the local authority learned of "
               "the incident", notification_due, review.notified_on, on,
               note="Starts when you enter the date the local authority learned of it"),
    ]
    if review.framework == Framework.LCSPR:
        rapid_due = (add_working_days(review.notified_on, RAPID_REVIEW_WORKING_DAYS)
                     if review.notified_on else None)
        clocks.append(_clock("rapid_review", "Rapid review",
                             f"{RAPID_REVIEW_WORKING_DAYS} working days after notification",
                             rapid_due, review.rapid_review_on, on,
                             note="Starts at notification"))
    else:
        clocks.append(Clock("rapid_review", "Rapid review", "LCSPR only", None, None,
                            ClockState.NOT_APPLICABLE))
    month_word = "month" if decision_months == 1 else "months"
    clocks.append(_clock("decision", "Decision",
                         f"{decision_months} {month_word} after referral",
                         add_months(review.referred_on, decision_months), review.decided_on, on))
    if review.decision_outcome == DecisionOutcome.CRITERIA_NOT_MET:
        clocks.append(Clock("completion", "Completion", "No review held", None, None,
                            ClockState.NOT_APPLICABLE))
    else:
        completion_due = (add_months(review.decided_on, completion_months)
                          if review.decided_on else None)
        clocks.append(_clock("completion", "Completion (report approved by the board)",
                             f"{completion_months} months after the decision", completion_due,
                             review.approved_on, on, note="Starts at the decision"))
    return clocks
