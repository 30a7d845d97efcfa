"""Plain rules about a child's identifiers and dates: NHS number, postcode, age, periods."""

import re

from ..models.cases import AgeBand
from .clocks import anniversary

POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]([0-9ABEHMNPRV-Y])?|[0-9][A-HJKPS-UW])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)
TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


def nhs_number_digits(value):
    """The number without spaces or dashes; None if anything else is in it."""
    text = re.sub(r"[\s-]", "", value or "")
    return text if text.isdigit() else None


def nhs_number_is_valid(value):
    """Ten digits whose last is the modulus-11 check digit of the first nine."""
    digits = nhs_number_digits(value)
    if digits is None or len(digits) != 10:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def format_nhs_number(digits):
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if digits and len(digits) == 10 else digits


def normalise_postcode(value):
    """Upper case with one space before the inward code; None if it is not a UK postcode."""
    text = re.sub(r"\s+", "", (value or "").upper())
    if len(text) < 5:
        return None
    text = f"{text[:-3]} {text[-3:]}"
    return text if POSTCODE.match(text) else None


def normalise_time(value):
    match = TIME.match((value or "").strip())
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def is_under_18_at(date_of_birth, date_of_death):
    """A child: died before the 18th birthday (the birthday itself is out of scope)."""
    return date_of_death < anniversary(date_of_birth, 18)


def completed_years(date_of_birth, on):
    years = on.year - date_of_birth.year
    if on < anniversary(date_of_birth, years):
        years -= 1
    return years


def age_band(date_of_birth, date_of_death):
    days = (date_of_death - date_of_birth).days
    if days < 28:
        return AgeBand.DAYS_0_27
    years = completed_years(date_of_birth, date_of_death)
    if years < 1:
        return AgeBand.DAYS_28_364
    if years < 5:
        return AgeBand.YEARS_1_4
    if years < 10:
        return AgeBand.YEARS_5_9
    if years < 15:
        return AgeBand.YEARS_10_14
    return AgeBand.YEARS_15_17


def financial_year(day):
    """The financial year (1 April to 31 March) a date falls in, labelled like `2011-12`."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def check_dates(date_of_birth, date_of_death, notified_on, today):
    """GOV.UK messages for the date rules, by field; {} when the dates are consistent.

    Missing dates are reported by whoever parses them; this checks the dates it is given.
    """
    problems = {}
    for name, label, value in (("date_of_birth", "Date of birth", date_of_birth),
                               ("date_of_death", "Date of death", date_of_death),
                               ("notified_on", "Date notification received", notified_on)):
        if value is not None and value > today:
            problems[name] = f"{label} must be today or in the past"
    if date_of_birth and date_of_death and "date_of_birth" not in problems:
        if date_of_birth > date_of_death:
            problems["date_of_birth"] = "Date of birth must be on or before the date of death"
        elif not is_under_18_at(date_of_birth, date_of_death):
            problems["date_of_death"] = ("Date of death must be before the child's 18th "
                                         "birthday")
    if (date_of_death and notified_on and not problems.keys() & {"notified_on", "date_of_death"}
            and notified_on < date_of_death):
        problems["notified_on"] = ("Date notification received must be on or after the date "
                                   "of death")
    return problems
