"""The demo dataset has a past meeting with signed-off reviews and an upcoming one."""

from sqlalchemy import func, select

from cdop_scr.cases.clocks import today
from cdop_scr.demo import load_demo, load_demo_panels
from cdop_scr.models.actions import Action
from cdop_scr.models.cases import Case
from cdop_scr.models.panels import Analysis, PanelMeeting


def test_demo_panels_load_once_with_a_past_and_an_upcoming_meeting(app, db):
    load_demo()
    meetings = db.session.scalars(select(PanelMeeting).order_by(PanelMeeting.meets_on)).all()
    assert len(meetings) == 2
    past, upcoming = meetings
    assert past.meets_on < today() < upcoming.meets_on
    assert upcoming.agenda
    for item in past.agenda:
        case = db.session.get(Case, item.case_id)
        analysis = db.session.scalar(select(Analysis).where(Analysis.case_id == case.id))
        assert analysis.is_locked and case.status == "reviewed"
        assert case.review_completed_on == past.meets_on
    # The safer-sleep recommendation of the past meeting is a tracked action for the board.
    [action] = [a for a in db.session.scalars(select(Action))
                if a.recommendation.plan.source_type == "cdop_case"]
    assert action.agency_name == "Example Community Health NHS Trust"

    assert load_demo_panels() is False
    assert db.session.scalar(select(func.count()).select_from(PanelMeeting)) == 2
