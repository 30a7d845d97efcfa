"""`flask demo load`: demo users (and, as features land, a demo dataset), loaded once."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .extensions import db
from .models import User
from .permissions import Role
from .users import services as user_services

demo_cli = AppGroup("demo", help="Load the demonstration users and dataset.")

# Demo accounts only (development data, printed by `make run`): not a secret.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105
DEMO_USERS = [
    ("admin@demo.example", "Alex Admin", [Role.ADMIN]),
    ("coordinator@demo.example", "Casey Coordinator", [Role.COORDINATOR]),
    ("chair@demo.example", "Priya Chair", [Role.PANEL_CHAIR]),
    ("member@demo.example", "Morgan Member", [Role.PANEL_MEMBER]),
    ("member2@demo.example", "Sam Member", [Role.PANEL_MEMBER]),
    ("board@demo.example", "Bola Board-Manager", [Role.BOARD_MANAGER]),
]


def load_demo():
    """Create the demo accounts unless they exist; returns True when anything was created."""
    created = False
    for email, name, roles in DEMO_USERS:
        if db.session.scalar(select(User).filter_by(email=email)) is None:
            user_services.create_user(None, email, name, roles, password=DEMO_PASSWORD)
            created = True
    created = load_demo_cases() or created
    created = load_demo_panels() or created
    created = load_demo_reviews() or created
    created = load_demo_learning() or created
    return created


def load_demo_cases():
    """About 60 fictional child death cases in every status, unless any case exists."""
    from .cases.demo_data import build_demo_cases

    return build_demo_cases() > 0



def load_demo_reviews():
    """Three case reviews at different stages, with an action plan, unless any review exists."""
    from .scr.demo_data import build_demo_reviews

    manager = db.session.scalar(select(User).filter_by(email="board@demo.example"))
    return manager is not None and build_demo_reviews(manager) > 0

DEMO_ANALYSES = [
    # (category, event, factors [(domain, theme, grade, modifiable, description)], learning)
    (10, "sudden_unexpected",
     [("social", "co_sleeping", 2, True, "The baby slept on a sofa with a parent after the "
       "parent had been drinking."),
      ("social", "parental_smoking", 2, True, "Both carers smoked in the home."),
      ("services", "access_to_services", 1, False, "Safer sleep advice was given at the "
       "health visitor's new birth visit.")],
     "Safer sleep messages should be repeated when circumstances change, not only at birth."),
    (6, "life_limiting",
     [("child", "other", 2, False, "A known life-limiting condition, well managed."),
      ("services", "service_provision_shortfall", 1, False, "Palliative care plan in place "
       "and followed.")],
     "Advance care planning worked well and should be shared as good practice."),
]


DEMO_PANEL_CASES = 4  # two signed off at the past meeting, two on the upcoming agenda


def load_demo_panels():
    """Two panel meetings, unless any exists: one past with signed-off reviews, one upcoming
    with an agenda (and a draft analysis), from the cases that are ready for panel."""
    from datetime import timedelta

    from .cases.clocks import today
    from .models.cases import Case, CaseStatus
    from .models.panels import PanelMeeting
    from .panels import services as panels

    if db.session.scalar(select(PanelMeeting.id).limit(1)) is not None:
        return False
    users = {email: db.session.scalar(select(User).filter_by(email=email))
             for email, _, _ in DEMO_USERS}
    coordinator, chair = users["coordinator@demo.example"], users["chair@demo.example"]
    members = [users["member@demo.example"], users["member2@demo.example"]]
    if not (coordinator and chair and all(members)):
        raise RuntimeError("The demo panel meetings need the demo users: load them first")

    def ready_cases():
        return db.session.scalars(select(Case).where(Case.status == CaseStatus.READY_FOR_PANEL)
                                  .order_by(Case.case_ref)).all()

    # Two cases for each meeting: the demo makes fictional ones when too few are ready, so the
    # upcoming meeting never has an empty agenda.
    for n in range(len(ready_cases()), DEMO_PANEL_CASES):
        _demo_ready_case(coordinator, n)
    ready = ready_cases()
    past_cases, upcoming_cases = ready[:2], ready[2:DEMO_PANEL_CASES]
    held_on = today() - timedelta(days=14)

    past = panels.create_meeting(coordinator, held_on, chair.id, [m.id for m in members],
                                 [c.id for c in past_cases])
    panels.record_attendance(coordinator, past.id, [members[0].id])
    for case, (category, event, factors, learning) in zip(past_cases, DEMO_ANALYSES,
                                                          strict=False):
        analysis = panels.save_analysis(members[0], past.id, case.id, 0, category=category,
                                        event=event, refer_for_scr=False,
                                        learning_points=learning)
        for domain, theme, grade, modifiable, description in factors:
            panels.add_factor(members[0], past.id, case.id, analysis.version, domain, theme,
                              grade, modifiable, description)
        if category == 10:  # the panel's recommendation becomes a tracked action
            panels.add_recommendation(
                members[0], past.id, case.id, analysis.version,
                "Health visitors to repeat safer sleep advice whenever a family's "
                "circumstances change, and record that they did.",
                "Example Community Health NHS Trust", held_on + timedelta(days=90))
        panels.sign_off_review(chair, past.id, case.id, analysis.version, held_on)

    upcoming = panels.create_meeting(coordinator, today() + timedelta(days=21), chair.id,
                                     [m.id for m in members], [c.id for c in upcoming_cases])
    panels.save_analysis(members[1], upcoming.id, upcoming_cases[0].id, 0,
                         learning_points="Draft: the panel to consider agency reports.")
    return True


def _demo_ready_case(coordinator, n):
    """A fictional case ready for panel, made through the case services as the coordinator
    would make it (a notification, one agency report received)."""
    from datetime import timedelta

    from .cases import services as cases
    from .cases.clocks import today

    died = today() - timedelta(days=90 + 7 * n)
    case = cases.notify_death(coordinator, {
        "forename": "Robin", "surname": f"Agenda{n + 1}-Demo", "other_names": [],
        "date_of_birth": died - timedelta(days=200), "sex": "not_known", "ethnicity": "Z",
        "nhs_number": None, "nhs_number_unavailable_reason": "Fictional demonstration record",
        "address": "1 Example Street, Demotown", "postcode": "CT1 2AB",
        "local_authority": "Demoshire County Council", "resident": True,
        "gp_practice": "Fictional Lane Surgery", "school": None,
        "date_of_death": died, "time_of_death": "09:20", "place_type": "hospital",
        "place_of_death_name": "Demo General Hospital", "death_expectation": "unexpected",
        "circumstances": "Fictional demonstration record: no real child is described.",
        "notifier_name": "Pat Demo", "notifier_role": "Paediatrician",
        "notifier_agency": "Demo NHS Foundation Trust", "notifier_contact": "01632 960 000",
        "notified_on": died + timedelta(days=1)}, confirmed_new=True)
    report = cases.request_agency_report(coordinator, case, "gp", "Jo Example", None, today())
    cases.record_agency_report(coordinator, case, report, today(), "Fictional demo summary: "
                               "the GP knew the family and had no concerns.", {})
    cases.change_status(coordinator, case, case.version, "ready_for_panel")
    return case


def load_demo_learning():
    """A published learning summary and a draft awaiting approval, unless any summary exists."""
    from .learning import services as learning
    from .models.cases import Case, CaseStatus
    from .models.learning import LearningSummary, SourceKind
    from .models.panels import Analysis

    if db.session.scalar(select(LearningSummary.id).limit(1)) is not None:
        return False
    coordinator = db.session.scalar(select(User).filter_by(email="coordinator@demo.example"))
    manager = db.session.scalar(select(User).filter_by(email="board@demo.example"))
    reviewed = db.session.scalars(
        select(Case).join(Analysis, Analysis.case_id == Case.id)
        .where(Case.status == CaseStatus.REVIEWED).order_by(Case.case_ref)).all()
    if coordinator is None or manager is None or len(reviewed) < 2:
        return False
    published = learning.draft_summary(coordinator, SourceKind.CDOP_CASE, reviewed[0].id,
                                       "Ashley")
    for move, actor in (("submit", coordinator), ("approve", manager), ("publish", manager)):
        learning.change_status(actor, published.id, published.version, move)
    waiting = learning.draft_summary(coordinator, SourceKind.CDOP_CASE, reviewed[1].id,
                                     "Rebecca")
    learning.change_status(coordinator, waiting.id, waiting.version, "submit")
    return True


@demo_cli.command("load")
def load():
    """Load the demo users and dataset once; existing data is kept."""
    if load_demo():
        click.echo("Loaded the demo users and dataset.")
    else:
        click.echo("Demo data already present: kept as it is.")
    click.echo(f"\nDemo sign-in (password for every account: {DEMO_PASSWORD}):")
    for email, _, roles in DEMO_USERS:
        click.echo(f"  {email:<28} {', '.join(r.label for r in roles)}")
    click.echo("Administrator and board manager accounts set up two-factor sign-in at first "
               "sign-in (any TOTP authenticator app).")
