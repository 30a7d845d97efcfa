"""Today's date, calendar arithmetic, and the 6- and 12-month clocks on open cases.

Everything asks `today()` for the date, so tests can freeze time in one place.
"""

import calendar
import enum
from datetime import date


def today():
    return date.today()


def add_months(day, months):
    """The same day `months` calendar months later; the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_of_month(day):
    return day.replace(day=1)


def anniversary(born, years):
    """The date a person born on `born` reaches `years` (29 February birthdays: 1 March)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


AMBER_MONTHS = 6
RED_MONTHS = 12


class Rag(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self):
        return {"green": "Under 6 months", "amber": "6 to 12 months", "red": "Over 12 months"}[
            self.value
        ]


def rag_for(date_of_death, on=None):
    """The flag for a review still open on `on`: amber from 6 months, red from 12 months."""
    on = on or today()
    if on >= add_months(date_of_death, RED_MONTHS):
        return Rag.RED
    if on >= add_months(date_of_death, AMBER_MONTHS):
        return Rag.AMBER
    return Rag.GREEN


def boundary_month(months, on=None):
    """The death month whose cases cross the `months` mark this month (first day of it).

    Deaths in an earlier month are past the mark today; deaths in a later month are not;
    only deaths in this month need their exact date to decide.
    """
    return first_of_month(add_months(first_of_month(on or today()), -months))


def days_since(day, on=None):
    return ((on or today()) - day).days
