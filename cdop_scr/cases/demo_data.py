"""A synthetic, obviously fictional case load for demonstrations (`flask demo load`).

About 34 reviews signed off in each financial year from five years ago to the current one (so
the statutory return and its charts have real numbers on first sign-in), and about 20 open
cases in every status, with agency reports (some overdue), delays with coded reasons, one
transfer and one withdrawal. Dates are relative to today so the clocks mean something.
Names end in "-Demo" and NHS numbers start 999, so nobody mistakes them for real children.
"""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from .. import audit
from ..audit import AuditEvent
from ..extensions import db
from ..models.cases import (
    AgencyReportRequest,
    AgencyReportStatus,
    Case,
    CaseStatus,
    FamilyMember,
    WithdrawalReason,
)
from . import services
from .clocks import add_months, today

FORENAMES = {
    "female": ["Ava", "Isla", "Freya", "Amara", "Zara", "Maya", "Poppy", "Aisha", "Ruby",
               "Lily", "Niamh", "Sofia", "Hana", "Ivy", "Esme"],
    "male": ["Noah", "Oscar", "Leo", "Arlo", "Musa", "Theo", "Ethan", "Kai", "Finley",
             "Rohan", "Jayden", "Alfie", "Yusuf", "Reggie", "Tomasz"],
}
SURNAMES = ["Ashdown", "Brightwell", "Cobham", "Dunmore", "Elmstead", "Fairlight", "Greystone",
            "Hawkridge", "Ivychurch", "Kingsdown", "Larkfield", "Marden", "Northiam",
            "Oakhurst", "Pembury", "Queensway", "Ringmer", "Sandhurst", "Tenterden", "Underhill"]
TOWNS = ["Demotown", "Sampleford", "Exampleton", "Fictionby"]
POSTCODES = ["CT1 2AB", "ME14 1XX", "TN23 7PL", "DA1 1DD", "CT20 1QR", "ME7 4LT"]
# (category, event, age band in days (low, high), expected?, weight: roughly how often)
PROFILES = [
    (8, "neonatal", (0, 27), "expected", 26),
    (8, "neonatal", (1, 20), "unexpected", 10),
    (7, "none", (2, 300), "expected", 10),
    (7, "life_limiting", (30, 2000), "expected", 8),
    (10, "sudden_unexpected", (40, 300), "unexpected", 8),
    (4, "life_limiting", (800, 5000), "expected", 6),
    (6, "life_limiting", (400, 6000), "expected", 7),
    (9, "none", (30, 3000), "unexpected", 8),
    (5, "none", (200, 6000), "unexpected", 7),
    (3, "road_traffic", (1500, 6400), "unexpected", 4),
    (3, "drowning", (500, 3000), "unexpected", 2),
    (2, "suicide", (4500, 6500), "unexpected", 3),
    (1, "homicide", (60, 2000), "unexpected", 2),
]
REVIEWS_PER_YEAR = 34
YEARS_BACK = 5
AGENCIES = ["gp", "health_visitor", "school", "police", "hospital", "childrens_social_care",
            "midwifery", "ambulance"]
CONTACTS = ["Jo Example", "Sam Placeholder", "Alex Sample", "Chris Fictional", "Pat Demo"]


def _nhs(n):
    """A valid (modulus-11) NHS number in the 999 range used for test data."""
    while True:
        body = f"999{n % 10**6:06d}"
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return body + str(check)
        n += 1


def _plan(now):
    """(status, date of death, extra) for each demo case, oldest first."""
    rng = random.Random(2026)  # noqa: S311 (reproducible fictional data, not security)
    plan = []
    # Reviews signed off through each financial year from five years ago to today, each 4 to
    # 14 months after the death.
    current = now.year if now.month >= 4 else now.year - 1
    for year in range(current - YEARS_BACK, current + 1):
        first, last = date(year, 4, 1), min(date(year + 1, 3, 31), now - timedelta(days=1))
        span = (last - first).days + 1
        for i in range(REVIEWS_PER_YEAR if span > 0 else 0):
            completed = first + timedelta(days=int(span * (i + rng.random()) / REVIEWS_PER_YEAR))
            died = add_months(completed, -rng.randint(4, 14)) - timedelta(days=rng.randint(0, 9))
            plan.append(("closed" if i % 5 == 0 else "reviewed", died, {"completed": completed}))
    # Open cases: recent notifications, information gathering (some late), ready for panel.
    for days in (3, 9, 17, 26, 40):
        plan.append(("notified", now - timedelta(days=days), {}))
    for months, reason in ((2, None), (4, None), (5, None), (7, None), (8, None), (10, None),
                           (13, "awaiting_inquest"), (15, "awaiting_criminal_proceedings"),
                           (19, "awaiting_review_or_investigation"), (14, None)):
        plan.append(("gathering_information", add_months(now, -months) - timedelta(days=3),
                     {"delay_reason": reason}))
    for months in (3, 6, 9, 16):
        plan.append(("ready_for_panel", add_months(now, -months) - timedelta(days=5),
                     {"delay_reason": "panel_capacity" if months > 12 else None}))
    plan.append(("withdrawn", now - timedelta(days=60), {"withdrawal": "transferred"}))
    plan.append(("withdrawn", now - timedelta(days=95), {"withdrawal": "not_eligible"}))
    return sorted(plan, key=lambda p: p[1]), rng


def _report(case, rng, agency, requested, due, status, received=None):
    report = AgencyReportRequest(case_id=case.id, agency_type=agency, requested_on=requested,
                                 due_on=due, status=status)
    report.contact_name = rng.choice(CONTACTS)
    report.contact_email = f"{report.contact_name.split()[0].lower()}@agency.example"
    if status == AgencyReportStatus.RECEIVED:
        report.received_on = received
        report.summary = ("Fictional demo summary: the agency knew the family and had no "
                          "concerns before the death.")
        report.key_facts = {
            "known_to_agency": {"answer": "yes", "details": None},
            "safeguarding_concerns": {"answer": rng.choice(["no", "no", "not_known"]),
                                      "details": None},
            "recent_contact": {"answer": rng.choice(["yes", "no", "not_applicable"]),
                               "details": None},
        }
    elif status == AgencyReportStatus.WAIVED:
        report.waive_reason = "Fictional demo: the agency had no involvement with the child."
    case.agency_reports.append(report)


def build_demo_cases():
    """Create the demo cases unless any case exists; returns how many were created."""
    if db.session.scalar(select(func.count()).select_from(Case)):
        return 0
    now = today()
    plan, rng = _plan(now)
    created = []
    for number, (status, died, extra) in enumerate(plan, start=1):
        category, event, (low, high), expectation, _ = rng.choices(
            PROFILES, [p[-1] for p in PROFILES])[0]
        if died + timedelta(days=high) > now:
            high = max(low, (now - died).days)
        age = rng.randint(low, high)
        born = died - timedelta(days=age)
        sex = rng.choice(["female", "male", "male", "female", "not_known"] if age < 2
                         else ["female", "male"])
        name_sex = sex if sex != "not_known" else "female"
        surname = f"{SURNAMES[number % len(SURNAMES)]}-Demo"
        notified = min(died + timedelta(days=rng.randint(0, 3)), now)
        unexpected = expectation == "unexpected"
        case = Case(status=CaseStatus.NOTIFIED.value)
        services.apply_details(case, {
            "forename": rng.choice(FORENAMES[name_sex]),
            "surname": surname,
            "other_names": [],
            "date_of_birth": born,
            "sex": sex,
            "ethnicity": rng.choice("AAAAAABCDFHJKMNRSZ"),
            "nhs_number": _nhs(1000 + number * 37),
            "address": f"{rng.randint(1, 99)} Example Street, {rng.choice(TOWNS)}",
            "postcode": rng.choice(POSTCODES),
            "local_authority": "Demoshire County Council",
            "resident": extra.get("withdrawal") != "transferred",
            "gp_practice": "Fictional Lane Surgery",
            "school": "Sample Primary School" if age > 4 * 365 else None,
            "date_of_death": died,
            "time_of_death": f"{rng.randint(0, 23):02d}:{rng.choice(['05', '20', '40'])}",
            "place_type": rng.choice(["hospital", "hospital", "home", "other"]),
            "place_of_death_name": "Demo General Hospital",
            "death_expectation": expectation if rng.random() > 0.08 else "not_known",
            "circumstances": "Fictional demonstration record: no real child is described.",
            "notifier_name": rng.choice(CONTACTS),
            "notifier_role": rng.choice(["Paediatrician", "Police officer", "GP",
                                         "Ward manager"]),
            "notifier_agency": "Demo NHS Foundation Trust",
            "notifier_contact": "01632 960 000",
            "notified_on": notified,
        })
        case.case_ref = services.allocate_case_refs(notified.year, 1)[0]
        for position, relation in enumerate(["mother", "father"] if number % 3 else ["carer"]):
            member = FamilyMember(position=position, relation=relation)
            member.name = f"{rng.choice(FORENAMES[rng.choice(['female', 'male'])])} {surname}"
            case.family_members.append(member)
        if unexpected:
            case.jar_meeting_on = min(died + timedelta(days=rng.randint(1, 4)), now)
            case.post_mortem_on = min(died + timedelta(days=rng.randint(2, 9)), now)

        agencies = rng.sample(AGENCIES, rng.randint(2, 4))
        requested = notified + timedelta(days=2)
        if status in ("reviewed", "closed", "ready_for_panel"):
            for agency in agencies:
                if rng.random() < 0.15:
                    _report(case, rng, agency, requested, requested + timedelta(days=28),
                            AgencyReportStatus.WAIVED.value)
                else:
                    _report(case, rng, agency, requested, requested + timedelta(days=28),
                            AgencyReportStatus.RECEIVED.value,
                            requested + timedelta(days=rng.randint(10, 40)))
        elif status == "gathering_information":
            for index, agency in enumerate(agencies):
                due = requested + timedelta(days=28)
                if index == 0 and due <= now - timedelta(days=5):
                    _report(case, rng, agency, requested, due, AgencyReportStatus.RECEIVED.value,
                            due - timedelta(days=3))
                elif index % 2:
                    # Chased recently: a fresh due date still ahead.
                    _report(case, rng, agency, requested, now + timedelta(days=5 + 4 * index),
                            AgencyReportStatus.REQUESTED.value)
                else:
                    # Past the due date: the overdue list has work in it.
                    _report(case, rng, agency, requested, due, AgencyReportStatus.REQUESTED.value)
        if status in ("reviewed", "closed"):
            completed = extra["completed"]
            case.review_meeting_on = completed - timedelta(days=21)
            case.status = status
            modifiable = rng.choices(
                ["modifiable", "not_modifiable", "insufficient_information"], [25, 65, 10])[0]
            case.set_review_outcome(category, modifiable, event, completed)
            if add_months(died, 12) <= completed:
                case.delay_reason = rng.choice(["awaiting_inquest", "awaiting_agency_information"])
            if category in (1, 2, 3):
                case.inquest_opened_on = died + timedelta(days=10)
                case.inquest_concluded_on = completed - timedelta(days=40)
            if category == 1:
                case.criminal_proceedings = True
                case.scr_referred_on = died + timedelta(days=14)
        elif status == "withdrawn":
            case.status = status
            case.withdrawal_reason = extra["withdrawal"]
            if extra["withdrawal"] == WithdrawalReason.TRANSFERRED:
                case.transferred_to = "Kent and Medway"
                case.withdrawal_reason_text = "Child normally resident in Kent; passed to " \
                                              "that CDOP."
            else:
                case.withdrawal_reason_text = "Stillbirth notified in error: outside CDOP scope."
        else:
            case.status = status
            case.delay_reason = extra.get("delay_reason")
        db.session.add(case)
        created.append(case)
    db.session.flush()
    for case in created:
        audit.record(AuditEvent.CASE_CREATED, actor=None, target=case, detail={"source": "demo"})
    db.session.commit()
    return len(created)
