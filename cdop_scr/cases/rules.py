"""Plain rules about a child's identifiers and dates: NHS number, postcode, age, periods."""

import re
import unicodedata

from ..models.cases import AgeBand
from ..reporting.dimensions import age_band_for
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


def age_band(date_of_birth, date_of_death):
    """The age band at death: one definition, the one reports count by (and check against).

    Under one year is 28-364 days even on day 365, the day before a first birthday that
    follows a 29 February: the child is not yet one (see reporting.dimensions.age_band_for).
    """
    return AgeBand(age_band_for(date_of_birth, date_of_death))


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



# The key dates, as the form labels them, in form order.
KEY_DATE_LABELS = {
    "jar_meeting_on": "Joint agency response meeting",
    "post_mortem_on": "Post-mortem examination",
    "review_meeting_on": "Child death review meeting",
    "inquest_opened_on": "Inquest opened",
    "inquest_concluded_on": "Inquest concluded",
    "criminal_proceedings_concluded_on": "Criminal proceedings concluded",
    "scr_referred_on": "Referred for serious case review consideration",
}
# Everything here follows the death, except the referral for serious case review
# consideration: a child seriously harmed may be referred while alive and die later (the
# review then covers the death too), so that date need only follow the birth.
AFTER_DEATH = ("jar_meeting_on", "post_mortem_on", "review_meeting_on", "inquest_opened_on",
               "inquest_concluded_on", "criminal_proceedings_concluded_on")


def check_key_dates(dates, date_of_birth, date_of_death, today):
    """GOV.UK messages for the key dates, by field; {} when they are consistent.

    `dates` holds every key date field (None when empty) and `criminal_proceedings`
    (True, False or None for not yet known)."""
    problems = {}
    for name, label in KEY_DATE_LABELS.items():
        value = dates.get(name)
        if value is None:
            continue
        if value > today:
            problems[name] = f"{label} must be today or in the past"
        elif name in AFTER_DEATH and date_of_death and value < date_of_death:
            problems[name] = f"{label} must be on or after the date of death"
        elif date_of_birth and value < date_of_birth:
            problems[name] = f"{label} must be on or after the date of birth"
    opened, concluded = dates.get("inquest_opened_on"), dates.get("inquest_concluded_on")
    if (opened and concluded and concluded < opened
            and not problems.keys() & {"inquest_opened_on", "inquest_concluded_on"}):
        problems["inquest_concluded_on"] = ("Inquest concluded must be on or after the date "
                                            "the inquest opened")
    if (dates.get("criminal_proceedings_concluded_on")
            and dates.get("criminal_proceedings") is not True
            and "criminal_proceedings_concluded_on" not in problems):
        problems["criminal_proceedings_concluded_on"] = (
            "Select yes for criminal proceedings, or remove the date they concluded")
    return problems

# A reference carried over from a previous system: a plain code, never the child's identity.
SAFE_CASE_REF = re.compile(r"^[A-Z0-9][A-Z0-9/-]{2,19}$")
LONG_DIGIT_RUN = re.compile(r"[0-9]{8,}")
CASE_REF_SHAPE = "must be 3 to 20 letters, digits, hyphens or slashes"
CASE_REF_DIGITS = ("must not contain 8 or more digits in a row: it could be an NHS number or a "
                   "date of birth")
CASE_REF_IDENTIFIERS = ("must not contain the child's identifiers (name, date of birth or NHS "
                        "number)")


def _name_parts(name):
    """A name's parts in plain capitals ("Zoë O'Brien" gives ZOE, BRIEN; O is too short)."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().upper()
    return [part for part in re.split(r"[^A-Z]+", text) if len(part) >= 2]


def case_ref_problem(case_ref, forename=None, surname=None, date_of_birth=None, nhs_number=None):
    """Why an imported case reference is refused (never quoting it), or None when it is safe.

    `case_ref` is already normalised (upper case). Eight digits in a row could be an NHS number
    or a date. The row's own names, date of birth and NHS number are looked for with the
    separators taken out, so "SMITH-2012/05/06" is caught as well as "SMITH20120506".
    """
    if not SAFE_CASE_REF.match(case_ref):
        return CASE_REF_SHAPE
    if LONG_DIGIT_RUN.search(case_ref):
        return CASE_REF_DIGITS
    bare = re.sub(r"[^0-9A-Z]", "", case_ref)
    runs = set(re.findall(r"[A-Z]+|[0-9]+", case_ref))
    for part in _name_parts(forename) + _name_parts(surname):
        # A short part (Ng, Li) counts when it stands alone; a longer one anywhere.
        if part in runs or (len(part) >= 4 and part in bare):
            return CASE_REF_IDENTIFIERS
    if date_of_birth:
        if any(date_of_birth.strftime(f) in bare for f in ("%Y%m%d", "%d%m%Y", "%m%d%Y")):
            return CASE_REF_IDENTIFIERS
        # Two-digit years only as a whole run of digits: CDR-2012-0501 is not 20 December 2005.
        if runs & {date_of_birth.strftime(f) for f in ("%d%m%y", "%y%m%d")}:
            return CASE_REF_IDENTIFIERS
    if nhs_number and nhs_number in bare:
        return CASE_REF_IDENTIFIERS
    return None
