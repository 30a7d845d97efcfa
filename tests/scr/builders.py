"""Reviews and action plans built through the services, as the board manager would."""

from datetime import date

from cdop_scr.actions import services as actions
from cdop_scr.models.actions import AgencyType
from cdop_scr.scr import services

CHILD_NAME = "Zebedee Quillfeather"  # a canary: must never appear in clear in the database


def make_review(actor, **fields):
    values = {
        "child_name": CHILD_NAME,
        "child_date_of_birth": date(2015, 4, 1),
        "child_nhs_number": "9434765919",
        "incident_type": "serious_harm",
        "incident_on": date(2025, 1, 6),
        "incident_summary": "Admitted with unexplained fractures after repeated missed visits.",
        "la_learned_on": date(2025, 1, 6),
        "referred_on": date(2025, 1, 8),
    }
    values.update(fields)
    return services.create_review(actor, **values)


def decide(actor, review, outcome="criteria_met", on=date(2025, 1, 20)):
    if review.status == "referred":
        services.change_status(actor, review, review.version, "decision_pending", on=on)
    return services.record_decision(actor, review, review.version, outcome, on, "Chair Person",
                                    "Abuse suspected and agencies did not share information.")


def add_action(actor, review, due_on=date(2025, 6, 30), agency="Kent Police",
               agency_type=AgencyType.POLICE.value, recommendation=None):
    recommendation = recommendation or services.add_recommendation(
        actor, review, "Agencies share information about missed health appointments.")
    return actions.add_action(actor, recommendation, "Train front-line officers on referrals.",
                              agency, agency_type, "Inspector Ada Lovelace", due_on,
                              "Training records for 90% of officers.")


def referred_case(coordinator, referred_on=date(2024, 1, 20)):
    """A CDOP case referred for SCR consideration, through the cases services."""
    from cdop_scr.cases import services as case_services

    from ..cases.conftest import details

    case = case_services.notify_death(coordinator, details(), confirmed_new=True)
    case_services.update_key_dates(coordinator, case, case.version,
                                   {"scr_referred_on": referred_on})
    return case
