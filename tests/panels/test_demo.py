"""The demo dataset has a past meeting with signed-off reviews and an upcoming one."""

import pytest
from sqlalchemy import func, select

from cdop_scr.cases.clocks import today
from cdop_scr.demo import DEMO_PASSWORD, DEMO_USERS, load_demo, load_demo_panels
from cdop_scr.models.actions import Action
from cdop_scr.models.cases import Case
from cdop_scr.models.panels import Analysis, PanelMeeting
from cdop_scr.users import services as user_services


def meetings(db):
    return db.session.scalars(select(PanelMeeting).order_by(PanelMeeting.meets_on)).all()


def agenda_cases(db, meeting):
    return [db.session.get(Case, item.case_id) for item in meeting.agenda]


def test_demo_panels_load_once_with_a_past_and_an_upcoming_meeting(app, db):
    load_demo()
    assert len(meetings(db)) == 2
    past, upcoming = meetings(db)
    assert past.meets_on < today() < upcoming.meets_on
    assert len(past.agenda) == 2
    for case in agenda_cases(db, past):
        analysis = db.session.scalar(select(Analysis).where(Analysis.case_id == case.id))
        assert analysis.is_locked and case.status == "reviewed"
        assert case.review_completed_on == past.meets_on
    # The upcoming meeting has two cases still to review, one with a draft analysis.
    assert [c.status for c in agenda_cases(db, upcoming)] == ["ready_for_panel"] * 2
    drafts = db.session.scalars(select(Analysis).where(
        Analysis.case_id.in_([i.case_id for i in upcoming.agenda]))).all()
    assert [a.status for a in drafts] == ["draft"]
    # The safer-sleep recommendation of the past meeting is a tracked action for the board.
    [action] = [a for a in db.session.scalars(select(Action))
                if a.recommendation.plan.source_type == "cdop_case"]
    assert action.agency_name == "Example Community Health NHS Trust"

    assert load_demo_panels() is False
    assert db.session.scalar(select(func.count()).select_from(PanelMeeting)) == 2


def test_with_too_few_ready_cases_the_demo_still_gives_the_upcoming_meeting_an_agenda(
        app, db, make_ready_case):
    for email, name, roles in DEMO_USERS:
        user_services.create_user(None, email, name, roles, password=DEMO_PASSWORD)
    only = make_ready_case()  # one case ready for panel, where the demo needs four

    assert load_demo_panels() is True
    past, upcoming = meetings(db)
    assert only.id in [i.case_id for i in past.agenda]
    assert [c.status for c in agenda_cases(db, past)] == ["reviewed"] * 2
    upcoming_cases = agenda_cases(db, upcoming)
    assert [c.status for c in upcoming_cases] == ["ready_for_panel"] * 2
    assert all(c.surname.endswith("-Demo") for c in upcoming_cases)


def test_the_demo_meetings_refuse_to_load_without_the_demo_users(app, db, make_ready_case):
    make_ready_case()
    with pytest.raises(RuntimeError, match="demo users"):
        load_demo_panels()
    assert meetings(db) == []
