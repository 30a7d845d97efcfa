"""Counts for reports, as SQL GROUP BY over clear columns of child_death_case: no decryption.

A measure picks which cases count for a financial year; a dimension names the clear column (or
SQL expression) a count is grouped by. Withdrawn cases, including those transferred to another
CDOP, never count.

Every table of one measure and year counts the same cases, whatever its dimensions, so their
totals agree (the suppression of linked tables relies on it): a review completed without a
category, outcome or time to review is not counted at all (data quality lists it), and a case
not yet reviewed counts as "Not yet reviewed" when another measure is tabulated by the panel's
outcome.
"""

from dataclasses import replace
from datetime import date

from sqlalchemy import and_, case, func, or_, select

from ..extensions import db
from ..models.cases import Case, CaseStatus
from . import dimensions as d

MEASURES = {
    "reviews_completed": "Reviews completed",
    "deaths_notified": "Deaths notified",
    "deaths": "Deaths",
    "open_reviews": "Reviews open at the end of the year",
}

TIME_SINCE_DEATH = d.Dimension("time_since_death", "Time since death at the end of the year",
                               d.TIMES_TO_REVIEW)
YEAR_DIMENSIONS = ("year_of_death",)
COLUMN_DIMENSIONS = ("category", "modifiable", "age_band", "sex", "ethnicity_group",
                     "death_expectation", "year_of_death", "event", "time_to_review",
                     "delay_reason", "scr")


def _first_of_month_before(day, months):
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def time_since_death_at(end):
    """Completed months from death to `end`, banded, from the clear month of death.

    Exact when `end` is the last day of a month (every financial year ends on 31 March): the
    completed months from any day of month M to the last day of month E are E - M.
    """
    under_6 = _first_of_month_before(end, 5)
    under_12 = _first_of_month_before(end, 11)
    return case(
        (Case.month_of_death >= under_6, "under_6_months"),
        (Case.month_of_death >= under_12, "6_to_12_months"),
        else_="over_12_months",
    )


def expression(name, year):
    """The SQL expression a dimension groups by."""
    _, end = d.financial_year_bounds(year)
    return {
        "category": Case.category,
        "modifiable": Case.modifiable,
        "age_band": Case.age_band,
        "sex": Case.sex,
        "ethnicity_group": Case.ethnicity_group,
        "death_expectation": Case.death_expectation,
        "year_of_death": Case.financial_year_of_death,
        "event": Case.event,
        "time_to_review": Case.time_to_review,
        "delay_reason": Case.delay_reason,
        "scr": Case.scr_referred_on.is_not(None),
        "time_since_death": time_since_death_at(end),
    }[name]


# The panel's outcome: known only for reviewed cases.
OUTCOME_DIMENSIONS = ("category", "modifiable", "time_to_review")
NOT_REVIEWED = ("not_reviewed", "Not yet reviewed")


def dimension(name, year=None, measure=None):
    """The dimension as a table of `measure` in `year` lists it (every table of that measure
    and year lists it the same way)."""
    if name == "time_since_death":
        return TIME_SINCE_DEATH
    if name == "year_of_death":
        last = year or d.financial_year_of(date.today())
        first = years_before(last, 4)
        if measure:
            # Every year a counted case died in, however long before.
            earliest, latest = db.session.execute(
                select(func.min(Case.financial_year_of_death),
                       func.max(Case.financial_year_of_death)).where(condition(measure, last))
            ).one()
            first, last = min(first, earliest or first), max(last, latest or last)
        return d.year_dimension(first, last)
    found = d.DIMENSIONS[name]
    if measure not in (None, "reviews_completed") and name in OUTCOME_DIMENSIONS:
        return replace(found, items=found.items + (NOT_REVIEWED,), blank=NOT_REVIEWED[0])
    return found


def years_before(year, n):
    """The financial year label `n` years before `year`."""
    start, _ = d.financial_year_bounds(year)
    return d.financial_year_of(date(start.year - n, 4, 1))


def signed_off(year):
    """Reviews the panel signed off in the year, whether or not their outcome is complete."""
    start, end = d.financial_year_bounds(year)
    return and_(Case.status.in_([CaseStatus.REVIEWED, CaseStatus.CLOSED]),
                Case.review_completed_on.between(start, end))


def condition(measure, year):
    """Which cases a measure counts in financial year `year`."""
    start, end = d.financial_year_bounds(year)
    counted = Case.status != CaseStatus.WITHDRAWN
    if measure == "reviews_completed":
        # Only reviews every table can place, so that all of them count the same cases.
        return and_(signed_off(year), *(expression(name, year).is_not(None)
                                        for name in OUTCOME_DIMENSIONS))
    if measure == "deaths_notified":
        return and_(counted, Case.notified_on.between(start, end))
    if measure == "deaths":
        return and_(counted, Case.financial_year_of_death == year)
    if measure == "open_reviews":
        return and_(counted, Case.notified_on <= end,
                    or_(Case.review_completed_on.is_(None), Case.review_completed_on > end))
    raise ValueError(f"unknown measure {measure!r}")


def counts(measure, year, rows, cols=None):
    """{row_code: n} or {(row_code, col_code): n} for the cases the measure counts."""
    keys = [expression(rows, year)] + ([expression(cols, year)] if cols else [])
    query = select(*keys, func.count()).where(condition(measure, year)).group_by(*keys)
    result = {}
    for *key, n in db.session.execute(query):
        key = [_code(name, value) for name, value in zip([rows, cols], key, strict=False)]
        result[tuple(key) if cols else key[0]] = result.get(tuple(key) if cols else key[0], 0) + n
    return result


def _code(name, value):
    if name == "scr":
        return bool(value)
    return value


def total(measure, year):
    return db.session.scalar(select(func.count()).select_from(Case).where(
        condition(measure, year)))
