"""Working-day arithmetic: weekends and England and Wales bank holidays are not working days."""

from datetime import date

import pytest
import time_machine

from cdop_scr.workdays import (
    add_months,
    add_working_days,
    is_working_day,
    today,
    working_days_between,
)


def test_five_working_days_from_a_monday_is_the_next_monday():
    assert add_working_days(date(2024, 3, 4), 5) == date(2024, 3, 11)


def test_a_weekend_is_skipped():
    # Thursday + 2 working days: Friday, then Monday.
    assert add_working_days(date(2024, 3, 7), 2) == date(2024, 3, 11)


def test_counting_from_a_saturday_starts_on_monday():
    assert add_working_days(date(2024, 3, 9), 1) == date(2024, 3, 11)


def test_zero_working_days_is_the_same_day():
    assert add_working_days(date(2024, 3, 9), 0) == date(2024, 3, 9)


def test_good_friday_and_easter_monday_are_skipped():
    # Thursday 28 March 2024 + 1: Good Friday 29th, weekend, Easter Monday 1 April: Tuesday 2nd.
    assert add_working_days(date(2024, 3, 28), 1) == date(2024, 4, 2)
    assert not is_working_day(date(2024, 3, 29))
    assert not is_working_day(date(2024, 4, 1))


def test_christmas_and_boxing_day_are_skipped():
    # Tuesday 24 December 2024 + 1: Christmas Wednesday, Boxing Day Thursday: Friday 27th.
    assert add_working_days(date(2024, 12, 24), 1) == date(2024, 12, 27)


def test_substitute_days_are_skipped_when_christmas_falls_at_a_weekend():
    # Christmas 2021 was a Saturday: the bank holidays were Monday 27 and Tuesday 28 December.
    assert not is_working_day(date(2021, 12, 27))
    assert not is_working_day(date(2021, 12, 28))
    assert add_working_days(date(2021, 12, 24), 1) == date(2021, 12, 29)


def test_the_notification_clock_over_christmas_2022_skips_three_substitute_days():
    # Learned Thursday 22 December 2022: Friday 23rd (1); Christmas and Boxing Day fell at the
    # weekend and on Monday, so Tuesday 27th was a substitute day; 28, 29, 30 (2-4); New Year's
    # Day was a Sunday, so Monday 2 January was a substitute day: the fifth is Tuesday 3rd.
    assert add_working_days(date(2022, 12, 22), 5) == date(2023, 1, 3)
    assert not is_working_day(date(2022, 12, 27))
    assert not is_working_day(date(2023, 1, 2))


def test_negative_working_days_count_backwards():
    assert add_working_days(date(2024, 4, 2), -1) == date(2024, 3, 28)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 3, 4), date(2024, 3, 11), 5),
        (date(2024, 3, 28), date(2024, 4, 2), 1),
        (date(2024, 12, 20), date(2025, 1, 2), 6),
        (date(2024, 3, 11), date(2024, 3, 4), -5),
        (date(2024, 3, 9), date(2024, 3, 10), 0),
    ],
)
def test_working_days_between_counts_working_days_after_the_start(start, end, expected):
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize("n", [0, 1, 5, 15, 40])
def test_working_days_between_undoes_add_working_days(n):
    start = date(2022, 12, 20)
    assert working_days_between(start, add_working_days(start, n)) == n


def test_add_months_keeps_the_day_or_uses_the_last_day_of_a_short_month():
    assert add_months(date(2024, 1, 15), 1) == date(2024, 2, 15)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)


def test_today_follows_a_frozen_clock():
    with time_machine.travel(date(2025, 6, 2), tick=False):
        assert today() == date(2025, 6, 2)


def test_a_test_app_can_fix_today_with_cdop_today(make_app):
    app = make_app(CDOP_TODAY="2025-01-15")
    with app.app_context():
        assert today() == date(2025, 1, 15)


def test_cdop_today_is_ignored_outside_tests(make_app):
    app = make_app(CDOP_TODAY="2025-01-15", TESTING=False)
    with app.app_context():
        assert today() != date(2025, 1, 15)
