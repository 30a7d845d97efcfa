"""The dimensions that reports count by: codes in display order, with their labels.

The single source of truth for these code lists; forms and models import them from here. The
codes match the clear columns on `child_death_case`, so a GROUP BY result maps straight in.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Dimension:
    """A named, ordered list of (code, label); `blank` is the code a missing value counts as."""

    name: str
    title: str
    items: tuple
    blank: object = None
    # Columns whose value it would be harmful to reveal for everyone in a small group.
    sensitive: bool = False

    def __post_init__(self):
        object.__setattr__(self, "items", tuple(tuple(item) for item in self.items))

    @property
    def codes(self):
        return [code for code, _ in self.items]

    @property
    def labels(self):
        return [label for _, label in self.items]

    def choices(self):
        return list(self.items)

    def label_for(self, code):
        return dict(self.items)[self.code_for(code)]

    def code_for(self, value):
        """The code `value` counts as (blank to `blank`); ValueError for an unknown code."""
        if (value is None or value == "") and self.blank is not None:
            return self.blank
        if value in dict(self.items):
            return value
        raise ValueError(f"{value!r} is not a {self.name} code")


CATEGORIES = [
    (1, "Deliberately inflicted injury, abuse or neglect"),
    (2, "Suicide or deliberate self-inflicted harm"),
    (3, "Trauma and other external factors"),
    (4, "Malignancy"),
    (5, "Acute medical or surgical condition"),
    (6, "Chronic medical condition"),
    (7, "Chromosomal, genetic and congenital anomalies"),
    (8, "Perinatal/neonatal event"),
    (9, "Infection"),
    (10, "Sudden unexpected, unexplained death"),
]
CATEGORY = Dimension("category", "Category of death", CATEGORIES, sensitive=True)

MODIFIABLE_OUTCOMES = [
    ("modifiable", "Modifiable"),
    ("not_modifiable", "Not modifiable"),
    ("insufficient_information", "Insufficient information"),
]
MODIFIABLE = Dimension("modifiable", "Modifiable factors", MODIFIABLE_OUTCOMES, sensitive=True)

AGE_BANDS = [
    ("0_27_days", "0-27 days"),
    ("28_364_days", "28-364 days"),
    ("1_4_years", "1-4 years"),
    ("5_9_years", "5-9 years"),
    ("10_14_years", "10-14 years"),
    ("15_17_years", "15-17 years"),
]
AGE_BAND = Dimension("age_band", "Age at death", AGE_BANDS)

SEXES = [("male", "Male"), ("female", "Female"), ("not_known", "Not known")]
SEX = Dimension("sex", "Sex", SEXES, blank="not_known")

ETHNICITIES = [
    ("A", "White: British"),
    ("B", "White: Irish"),
    ("C", "White: any other White background"),
    ("D", "Mixed: White and Black Caribbean"),
    ("E", "Mixed: White and Black African"),
    ("F", "Mixed: White and Asian"),
    ("G", "Mixed: any other mixed background"),
    ("H", "Asian or Asian British: Indian"),
    ("J", "Asian or Asian British: Pakistani"),
    ("K", "Asian or Asian British: Bangladeshi"),
    ("L", "Asian or Asian British: any other Asian background"),
    ("M", "Black or Black British: Caribbean"),
    ("N", "Black or Black British: African"),
    ("P", "Black or Black British: any other Black background"),
    ("R", "Other ethnic groups: Chinese"),
    ("S", "Other ethnic groups: any other ethnic group"),
    ("Z", "Not stated"),
]
ETHNICITY = Dimension("ethnicity", "Ethnicity", ETHNICITIES, blank="Z")

ETHNICITY_GROUPS = [
    ("white", "White"),
    ("mixed", "Mixed"),
    ("asian", "Asian"),
    ("black", "Black"),
    ("other", "Other"),
    ("not_known", "Not known"),
]
ETHNICITY_GROUP = Dimension("ethnicity_group", "Ethnicity", ETHNICITY_GROUPS, blank="not_known")
_GROUP_OF_ETHNICITY = {
    **dict.fromkeys("ABC", "white"),
    **dict.fromkeys("DEFG", "mixed"),
    **dict.fromkeys("HJKL", "asian"),
    **dict.fromkeys("MNP", "black"),
    **dict.fromkeys("RS", "other"),
    "Z": "not_known",
}


def ethnicity_group_for(ethnicity):
    """The broad group of an NHS ethnic category code; `not_known` for Z or none."""
    return _GROUP_OF_ETHNICITY[ETHNICITY.code_for(ethnicity)]


DEATH_EXPECTATIONS = [("expected", "Expected"), ("unexpected", "Unexpected"),
                      ("not_known", "Not known")]
DEATH_EXPECTATION = Dimension("death_expectation", "Expected or unexpected death",
                              DEATH_EXPECTATIONS, blank="not_known")

EVENTS = [
    ("neonatal", "Neonatal"),
    ("life_limiting", "Life-limiting condition"),
    ("sudden_unexpected", "Sudden unexpected death in infancy or childhood"),
    ("road_traffic", "Road traffic collision"),
    ("drowning", "Drowning"),
    ("fire_burns", "Fire and burns"),
    ("poisoning", "Poisoning"),
    ("other_injury", "Other non-intentional injury"),
    ("substance_misuse", "Substance misuse"),
    ("homicide", "Apparent homicide"),
    ("suicide", "Apparent suicide"),
    ("none", "None of these"),
]
EVENT = Dimension("event", "Event leading to death", EVENTS, blank="none", sensitive=True)

TIMES_TO_REVIEW = [
    ("under_6_months", "Under 6 months"),
    ("6_to_12_months", "6 to 12 months"),
    ("over_12_months", "Over 12 months"),
]
TIME_TO_REVIEW = Dimension("time_to_review", "Time from death to completed review",
                           TIMES_TO_REVIEW)

DELAY_REASONS = [
    ("awaiting_inquest", "Awaiting inquest"),
    ("awaiting_criminal_proceedings", "Awaiting criminal proceedings"),
    ("awaiting_review_or_investigation", "Awaiting SCR/LCSPR or other investigation"),
    ("awaiting_agency_information", "Awaiting agency information"),
    ("panel_capacity", "Panel capacity"),
    ("other", "Other"),
]
# Open reviews under 12 months need no reason, so the report counts them in a column of their own.
DELAY_REASON = Dimension("delay_reason", "Reason for delay",
                         DELAY_REASONS + [("not_recorded", "No reason recorded")],
                         blank="not_recorded", sensitive=True)

# Codes are booleans so that GROUP BY (scr_referred_on IS NOT NULL) maps straight in.
SCR_HELD = [(True, "Yes"), (False, "No")]
SCR = Dimension("scr", "Serious case review held or considered", SCR_HELD, sensitive=True)

DIMENSIONS = {d.name: d for d in (CATEGORY, MODIFIABLE, AGE_BAND, SEX, ETHNICITY_GROUP,
                                  DEATH_EXPECTATION, EVENT, TIME_TO_REVIEW, DELAY_REASON, SCR)}


def _add_months(day, months):
    """The same day `months` calendar months later; the month's last day when it has no such day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _completed_years(date_of_birth, on):
    """Whole years of age on `on` (a 29 February birthday comes on 1 March in common years)."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday


def age_band_for(date_of_birth, date_of_death):
    """The age band at death: by days in the first year, then by birthdays (years)."""
    days = (date_of_death - date_of_birth).days
    if days < 0:
        raise ValueError("The date of death is before the date of birth")
    years = _completed_years(date_of_birth, date_of_death)
    if years >= 18:
        raise ValueError("A death on or after the 18th birthday is not a child death")
    if days <= 27:
        return "0_27_days"
    # The band is "28-364 days", but it is the post-neonatal band: from 28 days to the first
    # birthday (ONS: "28 days and over but under one year"). When a 29 February falls in the
    # first year, day 365 comes the day before the first birthday: still under one year.
    if years < 1:
        return "28_364_days"
    for code, upper in (("1_4_years", 4), ("5_9_years", 9), ("10_14_years", 14)):
        if years <= upper:
            return code
    return "15_17_years"


def time_to_review_for(date_of_death, review_completed_on):
    """Calendar months from death to completed review, banded as the 6- and 12-month clocks are."""
    if review_completed_on < date_of_death:
        raise ValueError("The review was completed before the date of death")
    if review_completed_on < _add_months(date_of_death, 6):
        return "under_6_months"
    if review_completed_on < _add_months(date_of_death, 12):
        return "6_to_12_months"
    return "over_12_months"


# ASCII digits only, the whole label (\d would take other scripts' digits, $ a newline).
FINANCIAL_YEAR = re.compile(r"([0-9]{4})-([0-9]{2})")


def financial_year_of(day):
    """The financial year (1 April to 31 March) a date falls in, labelled like `2011-12`."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def financial_year_bounds(label):
    """The first and last day of a financial year label such as `2011-12`."""
    match = FINANCIAL_YEAR.fullmatch(label or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{label!r} is not a financial year like 2011-12")
    start = int(match.group(1))
    return date(start, 4, 1), date(start + 1, 3, 31)


def financial_years(first, last):
    """The financial year labels from `first` to `last`, inclusive."""
    start, end = financial_year_bounds(first)[0].year, financial_year_bounds(last)[0].year
    if end < start:
        raise ValueError(f"{last} is before {first}")
    return [financial_year_of(date(year, 4, 1)) for year in range(start, end + 1)]


def year_dimension(first, last, name="year_of_death", title="Year of death"):
    """A dimension of financial years, oldest first (codes and labels are the year labels)."""
    return Dimension(name, title, [(year, year) for year in financial_years(first, last)])
