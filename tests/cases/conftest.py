"""Case fixtures: valid notification details, a form post builder and a case maker."""

from datetime import date

import pytest

from cdop_scr.cases import services

from ..factories import UserFactory

VALID_NHS = "9434765919"  # passes the modulus-11 check
OTHER_NHS = "4010232137"


def details(**overrides):
    """Valid details for services.notify_death (plain values)."""
    values = {
        "forename": "Canary-Forename",
        "surname": "Testchild-Zephyrine",
        "other_names": ["Zed"],
        "date_of_birth": date(2015, 4, 3),
        "sex": "female",
        "ethnicity": "D",
        "nhs_number": VALID_NHS,
        "nhs_number_unavailable_reason": None,
        "address": "1 Fictional Row, Exampleton",
        "postcode": "SW1A 1AA",
        "local_authority": "Exampleshire",
        "resident": True,
        "gp_practice": "Imaginary Lane Surgery",
        "school": "Pretend Primary School",
        "date_of_death": date(2024, 1, 10),
        "time_of_death": "14:30",
        "place_type": "hospital",
        "place_of_death_name": "St Example's Hospital",
        "death_expectation": "unexpected",
        "circumstances": "Collapsed at home; taken to hospital by ambulance.",
        "notifier_name": "Dr Notifier Example",
        "notifier_role": "Paediatrician",
        "notifier_agency": "St Example's Hospital",
        "notifier_contact": "01632 960000",
        "notified_on": date(2024, 1, 11),
    }
    values.update(overrides)
    return values


def _day_month_year(value):
    return [str(value.day), str(value.month), str(value.year)]


def form_data(**overrides):
    """A notification/edit form post: dates as GOV.UK day, month and year fields."""
    values = details()
    data = {}
    for name, value in values.items():
        if isinstance(value, date):
            data[name] = _day_month_year(value)
        elif name == "other_names":
            data[name] = "\n".join(value)
        elif name == "resident":
            data[name] = "yes" if value else "no"
        elif value is not None:
            data[name] = value
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def coordinator(db):
    return UserFactory(roles=["coordinator"])


@pytest.fixture
def make_case(db, coordinator):
    """Create a case through the service (as a coordinator), returning it."""

    def maker(family=(), **overrides):
        return services.notify_death(coordinator, details(**overrides), list(family),
                                     confirmed_new=True)

    return maker


def nhs_number(seed):
    """A valid (modulus-11) NHS number made from a seed, for tests that need many."""
    n = seed
    while True:
        body = f"{n % 10**9:09d}"
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return body + str(check)
        n += 1
