"""Each review clock: its due date in working days or months, its done date, and its breach."""

import re
from datetime import date

import pytest
import time_machine

from cdop_scr.models.scr import Review
from cdop_scr.scr.clocks import ClockState, clocks_for

from ..helpers import text_of
from .builders import make_review


def review(**fields):
    values = {"framework": "lcspr", "referred_on": date(2024, 12, 2)}
    values.update(fields)
    return Review(**values)


def clock(review, key, on):
    return {c.key: c for c in clocks_for(review, on)}[key]


def test_notification_is_due_five_working_days_after_the_local_authority_learned(app):
    # Learned Monday 23 December 2024: 24, 27, 30, 31 December and 2 January.
    notification = clock(review(la_learned_on=date(2024, 12, 23)), "notification",
                         date(2024, 12, 24))
    assert notification.due == date(2025, 1, 2)
    assert notification.state is ClockState.RUNNING
    assert not notification.breached


def test_notification_not_made_by_its_due_date_is_in_breach(app):
    notification = clock(review(la_learned_on=date(2024, 12, 23)), "notification",
                         date(2025, 1, 3))
    assert notification.state is ClockState.OVERDUE
    assert notification.breached


def test_notification_made_late_is_shown_as_missed(app):
    notification = clock(review(la_learned_on=date(2024, 12, 23), notified_on=date(2025, 1, 3)),
                         "notification", date(2025, 3, 1))
    assert (notification.done, notification.state) == (date(2025, 1, 3), ClockState.MISSED)
    assert notification.breached


def test_notification_made_on_its_due_date_is_met(app):
    notification = clock(review(la_learned_on=date(2024, 12, 23), notified_on=date(2025, 1, 2)),
                         "notification", date(2025, 3, 1))
    assert notification.state is ClockState.MET
    assert not notification.breached


def test_notification_waits_until_the_date_the_local_authority_learned_is_known(app):
    notification = clock(review(), "notification", date(2025, 3, 1))
    assert notification.due is None
    assert notification.state is ClockState.WAITING
    assert not notification.breached


def test_rapid_review_is_due_fifteen_working_days_after_notification(app):
    # Notified Thursday 28 March 2024: Good Friday and Easter Monday do not count.
    rapid = clock(review(notified_on=date(2024, 3, 28)), "rapid_review", date(2024, 4, 1))
    assert rapid.due == date(2024, 4, 22)
    assert rapid.state is ClockState.RUNNING


def test_rapid_review_not_held_by_its_due_date_is_in_breach(app):
    rapid = clock(review(notified_on=date(2024, 3, 28)), "rapid_review", date(2024, 4, 23))
    assert rapid.breached


def test_rapid_review_held_in_time_is_met(app):
    rapid = clock(review(notified_on=date(2024, 3, 28), rapid_review_on=date(2024, 4, 10)),
                  "rapid_review", date(2024, 6, 1))
    assert rapid.state is ClockState.MET


def test_rapid_review_held_after_its_due_date_is_missed(app):
    # Due Monday 22 April 2024; held the next day.
    rapid = clock(review(notified_on=date(2024, 3, 28), rapid_review_on=date(2024, 4, 23)),
                  "rapid_review", date(2024, 6, 1))
    assert (rapid.due, rapid.done, rapid.state) == (
        date(2024, 4, 22), date(2024, 4, 23), ClockState.MISSED)
    assert rapid.breached


def test_rapid_review_held_on_its_due_date_is_met(app):
    rapid = clock(review(notified_on=date(2024, 3, 28), rapid_review_on=date(2024, 4, 22)),
                  "rapid_review", date(2024, 6, 1))
    assert rapid.state is ClockState.MET
    assert not rapid.breached


def test_rapid_review_does_not_apply_to_a_serious_case_review(app):
    rapid = clock(review(framework="scr", notified_on=date(2017, 3, 1)), "rapid_review",
                  date(2017, 6, 1))
    assert rapid.state is ClockState.NOT_APPLICABLE
    assert not rapid.breached


def test_decision_is_due_one_month_after_referral(app):
    decision = clock(review(referred_on=date(2025, 1, 31)), "decision", date(2025, 2, 1))
    assert decision.due == date(2025, 2, 28)
    assert decision.state is ClockState.RUNNING


def test_decision_not_taken_within_a_month_is_in_breach(app):
    decision = clock(review(referred_on=date(2025, 1, 31)), "decision", date(2025, 3, 1))
    assert decision.breached


def test_decision_taken_late_is_missed(app):
    decision = clock(review(referred_on=date(2025, 1, 10), decided_on=date(2025, 2, 11)),
                     "decision", date(2025, 3, 1))
    assert decision.state is ClockState.MISSED


def test_decision_taken_within_the_month_is_met(app):
    decision = clock(review(referred_on=date(2025, 1, 10), decided_on=date(2025, 2, 10)),
                     "decision", date(2025, 3, 1))
    assert (decision.due, decision.done, decision.state) == (
        date(2025, 2, 10), date(2025, 2, 10), ClockState.MET)
    assert not decision.breached


def test_decision_taken_late_is_in_breach(app):
    decision = clock(review(referred_on=date(2025, 1, 10), decided_on=date(2025, 2, 11)),
                     "decision", date(2025, 3, 1))
    assert decision.breached


def test_the_decision_target_is_configurable(make_app):
    app = make_app(SCR_DECISION_MONTHS=2)
    with app.app_context():
        running = clock(review(referred_on=date(2025, 1, 10)), "decision", date(2025, 3, 1))
        met = clock(review(referred_on=date(2025, 1, 10), decided_on=date(2025, 3, 5)),
                    "decision", date(2025, 4, 1))
    assert (running.due, running.rule, running.state) == (
        date(2025, 3, 10), "2 months after referral", ClockState.RUNNING)
    assert met.state is ClockState.MET  # late under the default of one month


def test_completion_is_due_six_months_after_the_decision(app):
    completion = clock(review(decided_on=date(2025, 2, 10), decision_outcome="criteria_met"),
                       "completion", date(2025, 8, 10))
    assert completion.due == date(2025, 8, 10)
    assert completion.state is ClockState.RUNNING


def test_completion_not_approved_within_six_months_is_in_breach(app):
    completion = clock(review(decided_on=date(2025, 2, 10), decision_outcome="criteria_met"),
                       "completion", date(2025, 8, 11))
    assert completion.breached


def test_completion_approved_in_time_is_met(app):
    completion = clock(review(decided_on=date(2025, 2, 10), decision_outcome="criteria_met",
                              approved_on=date(2025, 7, 1)), "completion", date(2025, 9, 1))
    assert completion.state is ClockState.MET


def test_completion_waits_for_the_decision(app):
    completion = clock(review(), "completion", date(2025, 9, 1))
    assert completion.state is ClockState.WAITING


def test_completion_does_not_apply_when_no_review_is_held(app):
    completion = clock(review(decided_on=date(2025, 2, 10), decision_outcome="criteria_not_met"),
                       "completion", date(2026, 1, 1))
    assert completion.state is ClockState.NOT_APPLICABLE


def test_the_completion_target_is_configurable(make_app):
    app = make_app(SCR_COMPLETION_MONTHS=9)
    with app.app_context():
        completion = clock(review(decided_on=date(2025, 2, 10), decision_outcome="criteria_met"),
                           "completion", date(2025, 9, 1))
    assert completion.due == date(2025, 11, 10)


@pytest.mark.parametrize(
    ("today", "state"), [(date(2025, 1, 2), "running"), (date(2025, 1, 3), "overdue")]
)
def test_clocks_use_today_when_no_date_is_given(app, today, state):
    with time_machine.travel(today, tick=False):
        notification = {c.key: c for c in clocks_for(review(la_learned_on=date(2024, 12, 23)))}[
            "notification"]
    assert notification.state == state


def test_the_review_page_shows_each_clock_with_due_date_done_date_and_breach(
        app, client, frozen_at):
    actor = frozen_at(date(2025, 3, 3))
    # Learned 6 January, notified 14 January (due 13th: missed); referred 8 January, no
    # decision by 8 February (overdue).
    made = make_review(actor, notified_on=date(2025, 1, 14))
    page = client.get(f"/reviews/{made.id}")
    html = page.get_data(as_text=True)
    rows = dict(re.findall(r'data-clock="(\w+)">(.*?)</tr>', html, re.S))
    assert "13 January 2025" in rows["notification"]
    assert "14 January 2025" in rows["notification"]
    assert 'data-clock-state="missed"' in rows["notification"]
    assert "8 February 2025" in rows["decision"]
    assert 'data-clock-state="overdue"' in rows["decision"]
    assert 'data-clock-state="waiting"' in rows["completion"]
    assert "Overdue" in text_of(page)
