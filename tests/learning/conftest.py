"""Learning fixtures: a case whose review is signed off, a board-approved review, users."""

from datetime import date, timedelta

import pytest

from cdop_scr.cases.clocks import today
from cdop_scr.learning import services
from cdop_scr.models.learning import SourceKind
from cdop_scr.panels import services as panels

from ..factories import UserFactory
from ..panels.conftest import (  # noqa: F401  (fixtures shared with the panel tests)
    FAMILY,
    chair,
    coordinator,
    identifiable_details,
    identifiers_of,
    make_meeting,
    make_ready_case,
    member,
)
from ..scr.builders import make_review

LEARNING = ("{forename}'s mother Marigold had been told about safer sleep at 14 Larkspur Close "
            "in May 2023; nobody repeated it.")
RECOMMENDATION = "Health visitors repeat safer sleep advice to Thaddeus Ashby at every contact."


@pytest.fixture
def make_reviewed_case(db, make_ready_case, make_meeting, member, chair):  # noqa: F811
    """A case through panel: analysis with factors and a recommendation, signed off."""

    def maker(**overrides):
        case = make_ready_case(**overrides)
        meeting = make_meeting([case], members=[member])
        analysis = panels.save_analysis(
            member, meeting.id, case.id, 0, category=10, event="sudden_unexpected",
            refer_for_scr=False, learning_points=LEARNING.format(forename=case.forename))
        panels.add_factor(member, meeting.id, case.id, analysis.version, "social",
                          "co_sleeping", 2, True, "Marigold slept with the baby on a sofa.")
        panels.add_factor(member, meeting.id, case.id, analysis.version, "social",
                          "parental_smoking", 2, True, "Both carers smoked.")
        panels.add_recommendation(member, meeting.id, case.id, analysis.version, RECOMMENDATION,
                                  "Health visiting", today() + timedelta(days=60))
        panels.sign_off_review(chair, meeting.id, case.id, analysis.version, today())
        return case

    return maker


@pytest.fixture
def reviewed_case(make_reviewed_case):
    return make_reviewed_case()


@pytest.fixture
def board_manager(db):
    return UserFactory(roles=["board_manager"], full_name="Bola Board")


@pytest.fixture
def second_manager(db):
    return UserFactory(roles=["board_manager"], full_name="Remi Second")


@pytest.fixture
def approved_review(db, board_manager):
    """A serious harm review the board has approved (status set as the review issue does)."""
    review = make_review(board_manager, incident_summary=(
        "Zebedee Quillfeather, born 01/04/2015, was admitted on 6 January 2025 with fractures. "
        "His school, Hillcrest Academy, had noted 12 missed days; call 01632 960222."))
    review.status = "approved_by_board"
    review.approved_on = date(2025, 9, 1)
    db.session.commit()
    return review


@pytest.fixture
def make_summary(db, coordinator):  # noqa: F811
    """Draft a summary from a case through the service (as the coordinator by default)."""

    def maker(case, pseudonym="Ashley", actor=None):
        return services.draft_summary(actor or coordinator, SourceKind.CDOP_CASE, case.id,
                                      pseudonym)

    return maker
