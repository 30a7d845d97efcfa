"""Panel fixtures: cases ready for panel, full of identifiers, and a meeting maker."""

import html
import re
from datetime import date, timedelta

import pytest

from cdop_scr.cases import services as case_services
from cdop_scr.cases.clocks import today
from cdop_scr.extensions import db as _db
from cdop_scr.models.cases import Case
from cdop_scr.panels import services
from cdop_scr.pseudonymise import HONORIFICS, date_forms

from ..cases.conftest import details
from ..factories import UserFactory

FAMILY = [("mother", "Marigold Quennell-Ashby"), ("father", "Thaddeus Ashby")]
# Contact details the agency wrote into its report, which the record holds nowhere else.
REPORT_PHONE, REPORT_EMAIL = "01632 960111", "visitor@example.org"
REPORT = ("Health visitor saw {forename} ({nickname}) at 14 Larkspur Close, Exampleton "
          "{postcode} on {dob}. Mother Marigold said {forename}'s cot was shared. "
          f"NHS {{nhs}}. Call {REPORT_PHONE} or {REPORT_EMAIL}. {{surname}} family known to "
          "Pretend Primary School.")


def identifiable_details(n=0):
    """A case whose narrative is laced with its own identifiers in varied written forms."""
    dob, dod = date(2023, 5, 17), date(2024, 2, 9 + n)
    values = details(
        forename=f"Ottoline{n}" if n else "Ottoline", surname="Quennell-Ashby",
        other_names=["Ottie"], date_of_birth=dob, date_of_death=dod,
        address="14 Larkspur Close, Exampleton", postcode="EX1 4QZ",
        school="Pretend Primary School", gp_practice="Imaginary Lane Surgery",
        place_of_death_name="St Example's Hospital", notified_on=dod + timedelta(days=1),
        nhs_number=case_services_nhs(n), sex="female", place_type="home",
        notifier_name="Dr Philippa Notifier-Wexcombe",
    )
    forename = values["forename"]
    values["circumstances"] = (
        f"{forename} Quennell-Ashby, born 17/05/2023, was found unresponsive at home "
        f"(14 Larkspur Close, EX1 4QZ) on {dod.day} February 2024 by her mother Marigold. "
        f"{forename.upper()}'s father Thaddeus Ashby called 999. Ottie attended Pretend "
        f"Primary School. Seen at St Example's Hospital on {dod.isoformat()}, NHS number "
        f"{values['nhs_number'][:3]} {values['nhs_number'][3:6]} {values['nhs_number'][6:]}. "
        f"Mrs Quennell-Ashby said {forename.lower()} had a cold since May 17th, 2023.")
    return values


def _name_parts(name):
    """A name and each of its words and hyphenated pieces, honorifics left out."""
    parts = {name}
    for piece in re.split(r"[\s-]+", name):
        piece = piece.strip(".,'()")
        if len(piece) >= 2 and piece.casefold() not in HONORIFICS:
            parts.add(piece)
    return parts


def _time_forms(hh_mm):
    """14:30 as people write it: 14:30, 14.30, 2:30pm, 2.30 pm ..."""
    hour, minute = (int(p) for p in hh_mm.split(":"))
    twelve, half = (hour % 12 or 12), ("am" if hour < 12 else "pm")
    forms = {f"{hour:02d}:{minute:02d}", f"{hour:02d}.{minute:02d}"}
    for sep in ":.":
        forms |= {f"{twelve}{sep}{minute:02d}{half}", f"{twelve}{sep}{minute:02d} {half}"}
    return forms


def record_identifiers(case_id):
    """Every identifier the stored record of the case holds, in the forms people write them:
    names and their parts, NHS number, address lines, postcode, school, GP practice, place of
    death, notifier and agency contacts, the dates of birth, death and notification, and the
    time of death. Read from the database, so nothing the record holds is left off."""
    _db.session.expire_all()
    case = _db.session.get(Case, case_id)
    found = set()
    names = [case.forename, case.surname, *(case.other_names or []),
             *(m.name for m in case.family_members), case.notifier_name,
             *(r.contact_name for r in case.agency_reports)]
    for name in filter(None, names):
        found |= _name_parts(name)
    nhs = case.nhs_number
    found |= {nhs, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}", f"{nhs[:3]}-{nhs[3:6]}-{nhs[6:]}"}
    found |= {case.postcode, case.postcode.replace(" ", "")}
    found |= {line.strip() for line in re.split(r"[,\n]", case.address or "") if line.strip()}
    found |= {case.address, case.school, case.gp_practice, case.place_of_death_name,
              case.notifier_agency, case.notifier_contact,
              *(r.contact_email for r in case.agency_reports)}
    for day in (case.date_of_birth, case.date_of_death, case.notified_on):
        found |= date_forms(day)
    if case.time_of_death:
        found |= _time_forms(case.time_of_death)
    found |= {REPORT_PHONE, REPORT_EMAIL}
    return sorted(v for v in found if v)


def leaks_of(page, case_id):
    """The identifiers of the case that appear in the page's HTML (text and attributes alike),
    as whole words, ignoring case and HTML escaping."""
    shown = html.unescape(page)
    return [i for i in record_identifiers(case_id)
            if re.search(r"(?<!\w)" + re.escape(i) + r"(?!\w)", shown, re.IGNORECASE)]


def case_services_nhs(n):
    from ..cases.conftest import nhs_number

    return nhs_number(943476591 + n * 7919)


def identifiers_of(values):
    """Every identifier a member must never see, in the forms people write them."""
    dob, dod = values["date_of_birth"], values["date_of_death"]
    nhs = values["nhs_number"]
    found = [values["forename"], "Quennell", "Ashby", "Ottie", "Marigold", "Thaddeus",
             nhs, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}", values["postcode"], "EX14QZ",
             "Larkspur", "Pretend Primary", "Imaginary Lane", "St Example",
             "01632 960111", "visitor@example.org", "01632 960000", "Wexcombe", "Wexford",
             "hv@example.org"]
    for d in (dob, dod):
        found += [d.strftime("%d/%m/%Y"), d.strftime("%-d/%-m/%Y"), d.isoformat(),
                  d.strftime("%-d %B %Y"), d.strftime("%B %-d"), d.strftime("%d.%m.%y")]
    return found


@pytest.fixture
def coordinator(db):
    return UserFactory(roles=["coordinator"], full_name="Casey Coordinator")


@pytest.fixture
def chair(db):
    return UserFactory(roles=["panel_chair"], full_name="Priya Chair")


@pytest.fixture
def member(db):
    return UserFactory(roles=["panel_member"], full_name="Morgan Member")


@pytest.fixture
def make_ready_case(db, coordinator):
    """A case through notification, a received agency report and ready for panel."""
    counter = iter(range(1000))

    def maker(**overrides):
        n = next(counter)
        values = identifiable_details(n)
        values.update(overrides)
        case = case_services.notify_death(coordinator, values, FAMILY, confirmed_new=True)
        report = case_services.request_agency_report(
            coordinator, case, "health_visitor", "Hana Wexford", "hv@example.org", today())
        summary = REPORT.format(forename=values["forename"], nickname="Ottie",
                                postcode=values["postcode"], dob="17 May 2023",
                                nhs=values["nhs_number"], surname="Quennell-Ashby")
        case_services.record_agency_report(coordinator, case, report, today(), summary, {})
        case_services.change_status(coordinator, case, case.version, "ready_for_panel")
        return case

    return maker


@pytest.fixture
def make_meeting(db, coordinator, chair):
    def maker(cases, members=(), meets_on=None, chair_user=None):
        return services.create_meeting(
            coordinator, meets_on or today() + timedelta(days=7), (chair_user or chair).id,
            [m.id for m in members], [c.id for c in cases])

    return maker
