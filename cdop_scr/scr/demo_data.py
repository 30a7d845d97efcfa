"""Three fictional reviews at different stages, so a new board manager sees the dashboard work.

One in progress with an action plan (one action overdue past escalation, one completed on
accepted evidence, one awaiting a decision on its evidence); one just referred whose
notification clock is in breach; one older SCR approved with publication deferred.
"""

from datetime import date, timedelta

from sqlalchemy import select

from ..actions import services as actions
from ..extensions import db
from ..models.cases import Case
from ..models.scr import Review
from ..workdays import today
from . import services


def _days_ago(n):
    return today() - timedelta(days=n)


def build_demo_reviews(manager):
    """Create the demo reviews unless any review exists; returns how many were created."""
    if db.session.scalar(select(Review.id).limit(1)) is not None:
        return 0

    # 1. In progress: clocks met, an action plan under way.
    harm = services.create_review(
        manager, child_name="Riley Demo-Ashcombe", child_date_of_birth=date(2013, 5, 14),
        incident_type="serious_harm", incident_on=_days_ago(150),
        incident_summary="Fictional: a 12-year-old admitted with serious injuries after "
                         "months of missed school and unanswered home visits.",
        looked_after=False, la_learned_on=_days_ago(149), referred_on=_days_ago(147),
        notified_on=_days_ago(146), reviewer_name="Dr Jo Independent", methodology="silp")
    services.update_review(manager, harm, harm.version, rapid_review_on=_days_ago(130))
    services.change_status(manager, harm, harm.version, "decision_pending", on=_days_ago(129))
    services.record_decision(manager, harm, harm.version, "criteria_met", _days_ago(125),
                             "Partnership independent chair",
                             "Fictional: agencies held pieces of the picture that were not "
                             "shared; the criteria for a review are met.")
    for name, kind, requested, received in (
            ("Exampleshire Police", "police", 120, 80),
            ("Exampleshire Children's Social Care", "childrens_social_care", 120, 75),
            ("Example Academy Trust", "education", 120, None)):
        services.add_agency(manager, harm, name, kind, _days_ago(requested),
                            _days_ago(received) if received else None)
    services.add_meeting(manager, harm, _days_ago(110), "Terms of reference agreed.")

    first = services.add_recommendation(
        manager, harm, "Schools escalate repeated absence with no contact to children's "
                       "social care within five school days.")
    overdue = actions.add_action(
        manager, first, "Issue revised attendance escalation guidance to every school.",
        "Example Academy Trust", "education", "Head of Safeguarding", _days_ago(45),
        "The guidance, and a register of schools that confirmed receipt.")
    actions.start_action(manager, overdue, overdue.version)
    actions.record_challenge(manager, overdue, "The guidance is past its due date: when will "
                                               "it be issued?", on=_days_ago(10))
    done = actions.add_action(
        manager, first, "Add absence alerts to the social care front door triage.",
        "Exampleshire Children's Social Care", "childrens_social_care", "Service Manager, MASH",
        _days_ago(20), "Screenshots of the triage form and a dip-sample of ten contacts.")
    actions.submit_evidence(manager, done, done.version, "Triage form updated; dip sample of "
                            "ten contacts attached to the quality sub-group minutes.",
                            on=_days_ago(25))
    actions.accept_evidence(manager, done, done.version, on=_days_ago(22))
    second = services.add_recommendation(
        manager, harm, "Police share no-reply welfare checks with the school and social care.")
    submitted = actions.add_action(
        manager, second, "Change the welfare-check procedure to notify partners the same day.",
        "Exampleshire Police", "police", "Detective Inspector, PVP", today() + timedelta(days=30),
        "The revised procedure and an audit of 20 welfare checks.")
    actions.submit_evidence(manager, submitted, submitted.version,
                            "Revised procedure published on the force intranet.",
                            on=_days_ago(3))

    # 2. Just referred: the notification to the national panel is late (a clock in breach).
    # From the demo's most recent CDOP referral when it is recent, so the two are linked.
    referred_case = db.session.scalars(
        select(Case).where(Case.scr_referred_on >= _days_ago(90))
        .order_by(Case.scr_referred_on.desc())
    ).first()
    if referred_case is not None and referred_case.scr_review is None:
        death = services.create_review_from_case(
            manager, referred_case, la_learned_on=referred_case.scr_referred_on)
    else:
        death = services.create_review(
            manager, child_name="Sam Demo-Birchwood", child_date_of_birth=_days_ago(300),
            incident_type="death", incident_on=_days_ago(14),
            incident_summary="Fictional: an infant died; neglect is suspected.",
            la_learned_on=_days_ago(12), referred_on=_days_ago(10))

    # 3. An SCR from before Working Together 2018: approved, publication deferred.
    scr = services.create_review(
        manager, child_name="Alex Demo-Carrow", child_date_of_birth=date(2009, 2, 2),
        incident_type="death", incident_on=date(2018, 3, 12),
        incident_summary="Fictional: a looked-after teenager died; criminal proceedings "
                         "followed.", looked_after=True, la_learned_on=date(2018, 3, 12),
        referred_on=date(2018, 3, 14), notified_on=date(2018, 3, 16),
        reviewer_name="Independent Author Ltd", methodology="imr")
    services.change_status(manager, scr, scr.version, "decision_pending", on=date(2018, 3, 20))
    services.record_decision(manager, scr, scr.version, "criteria_met", date(2018, 4, 10),
                             "LSCB chair", "Fictional: the SCR criteria are met.")
    services.change_status(manager, scr, scr.version, "report_received", on=date(2019, 1, 15))
    services.change_status(manager, scr, scr.version, "approved_by_board", on=date(2019, 2, 1))
    services.change_status(manager, scr, scr.version, "publication_deferred",
                           on=date(2019, 2, 1), deferral_reason="criminal_proceedings",
                           deferral_review_on=today() + timedelta(days=60))
    return len([harm, death, scr])
