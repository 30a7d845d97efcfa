"""Today's date, calendar months and working days (England and Wales bank holidays excluded).

Every SCR and action-plan clock asks `today()` for the date, so tests can freeze time in one
place (time_machine), and a browser test can fix a live server's date with CDOP_TODAY.
"""

import calendar
from datetime import date, timedelta

import holidays
from flask import current_app, has_app_context

# The maintained calendar: England (and Wales: the same bank holidays), substitute days included.
# The object fills in each year on first use.
BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")


def today():
    """Today's date; a test app may fix it with CDOP_TODAY (never honoured outside tests)."""
    if has_app_context() and current_app.testing:
        fixed = current_app.config.get("CDOP_TODAY")
        if fixed:
            return fixed if isinstance(fixed, date) else date.fromisoformat(fixed)
    return date.today()


def is_working_day(day):
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def add_working_days(day, n):
    """The date `n` working days after `day` (before it when n is negative)."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start, end):
    """Working days after `start` up to and including `end` (negative when end is earlier).

    The inverse of add_working_days: working_days_between(d, add_working_days(d, n)) == n.
    """
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def add_months(day, months):
    """The same day `months` calendar months later; the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
