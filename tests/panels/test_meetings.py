"""Arranging meetings: date, chair, members, an agenda of ready cases; attendance; conflicts."""

from datetime import timedelta

from sqlalchemy import select

from cdop_scr.audit import AuditEvent
from cdop_scr.cases.clocks import today
from cdop_scr.models.panels import ConflictDeclaration, PanelMeeting

from ..factories import UserFactory
from ..helpers import audit_events, error_summary, text_of


def dmy(day):
    return [str(day.day), str(day.month), str(day.year)]


def test_coordinator_arranges_a_meeting_with_an_agenda_of_ready_cases(
        client, login_as, coordinator, chair, member, make_ready_case, db):
    first, second = make_ready_case(), make_ready_case()
    login_as(user=coordinator)
    form = client.get("/panel-meetings/new").get_data(as_text=True)
    assert first.case_ref in form and second.case_ref in form
    assert "Ottoline" not in form  # the agenda names cases by reference, not by name

    response = client.post("/panel-meetings/new", data={
        "meets_on": dmy(today() + timedelta(days=14)), "chair": str(chair.id),
        "members": [str(member.id)], "cases": [str(first.id), str(second.id)]})
    assert response.status_code == 302
    meeting = db.session.scalars(select(PanelMeeting)).one()
    assert meeting.chair_id == chair.id
    assert [m.user_id for m in meeting.members] == [member.id]
    assert [(i.case_id, i.pseudonym) for i in meeting.agenda] == [
        (first.id, "Child A"), (second.id, "Child B")]
    assert audit_events(AuditEvent.PANEL_MEETING_CREATED)[-1].actor_id == coordinator.id

    page = client.get(response.headers["Location"])
    assert "Child A" in text_of(page) and second.case_ref in text_of(page)


def test_a_case_not_ready_for_panel_cannot_go_on_an_agenda(client, login_as, coordinator,
                                                          chair, make_ready_case, db):
    from cdop_scr.cases import services as case_services

    from ..cases.conftest import details

    notified = case_services.notify_death(coordinator, details(), [], confirmed_new=True)
    login_as(user=coordinator)
    assert notified.case_ref not in client.get("/panel-meetings/new").get_data(as_text=True)
    response = client.post("/panel-meetings/new", data={
        "meets_on": dmy(today()), "chair": str(chair.id), "cases": [str(notified.id)]})
    assert response.status_code == 200
    assert db.session.scalars(select(PanelMeeting)).all() == []


def test_a_meeting_needs_a_date_and_a_chair(client, login_as, coordinator):
    login_as(user=coordinator)
    response = client.post("/panel-meetings/new", data={})
    assert "Enter the date of the meeting" in error_summary(response)
    assert "Select the chair" in error_summary(response)


def test_attendance_is_recorded_and_audited(client, login_as, coordinator, member,
                                            make_ready_case, make_meeting, db):
    absent = UserFactory(roles=["panel_member"], full_name="Absent Member")
    meeting = make_meeting([make_ready_case()], members=[member, absent])
    login_as(user=coordinator)
    response = client.post(f"/panel-meetings/{meeting.id}/attendance",
                           data={"attended": [str(member.id)]})
    assert response.status_code == 302
    attended = {m.user_id: m.attended for m in db.session.get(PanelMeeting, meeting.id).members}
    assert attended == {member.id: True, absent.id: False}
    assert "Morgan Member (attended)" in text_of(client.get(f"/panel-meetings/{meeting.id}"))
    assert audit_events(AuditEvent.PANEL_ATTENDANCE_RECORDED)


def test_a_member_cannot_change_the_meeting(client, login_as, member, make_ready_case,
                                            make_meeting):
    meeting = make_meeting([make_ready_case()], members=[member])
    login_as(user=member)
    assert client.get(f"/panel-meetings/{meeting.id}/edit").status_code == 403
    assert client.post(f"/panel-meetings/{meeting.id}/attendance").status_code == 403


def test_members_declare_and_withdraw_conflicts_of_interest(
        client, login_as, member, make_ready_case, make_meeting, db):
    first, second = make_ready_case(), make_ready_case()
    meeting = make_meeting([first, second], members=[member])
    login_as(user=member)
    client.post(f"/panel-meetings/{meeting.id}/conflicts",
                data={"cases": [str(second.id)], "details": "I was the family's GP"})
    declared = db.session.scalars(select(ConflictDeclaration)).all()
    assert [(d.case_id, d.user_id) for d in declared] == [(second.id, member.id)]
    assert declared[0].details == "I was the family's GP"
    raw = db.session.execute(db.text("SELECT details FROM panel_conflict")).scalar()
    assert b"family" not in raw
    assert "Morgan Member" in text_of(client.get(f"/panel-meetings/{meeting.id}"))

    client.post(f"/panel-meetings/{meeting.id}/conflicts", data={})
    assert db.session.scalars(select(ConflictDeclaration)).all() == []
    assert [e.event for e in audit_events() if "conflict" in e.event] == [
        "conflict_declared", "conflict_withdrawn"]


def test_a_chair_arranges_a_meeting_they_chair_and_then_sees_it(
        client, login_as, chair, member, make_ready_case, db):
    case = make_ready_case()
    login_as(user=chair)
    response = client.post("/panel-meetings/new", data={
        "meets_on": dmy(today() + timedelta(days=10)), "chair": str(chair.id),
        "members": [str(member.id)], "cases": [str(case.id)]})
    assert response.status_code == 302
    meeting = db.session.scalars(select(PanelMeeting)).one()
    assert (meeting.created_by_id, meeting.chair_id) == (chair.id, chair.id)
    assert [i.case_id for i in meeting.agenda] == [case.id]
    assert audit_events(AuditEvent.PANEL_MEETING_CREATED)[-1].actor_id == chair.id
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and case.case_ref in text_of(page)
    assert str(meeting.id) in client.get("/panel-meetings").get_data(as_text=True)


def test_a_chair_cannot_arrange_a_meeting_they_are_not_part_of(
        client, login_as, chair, member, make_ready_case, db):
    other_chair = UserFactory(roles=["panel_chair"], full_name="Olu Otherchair")
    case = make_ready_case()
    login_as(user=chair)
    response = client.post("/panel-meetings/new", data={
        "meets_on": dmy(today() + timedelta(days=10)), "chair": str(other_chair.id),
        "members": [str(member.id)], "cases": [str(case.id)]})
    assert response.status_code == 200
    assert ("You must chair or be a member of a meeting you arrange"
            in error_summary(response))
    assert db.session.scalars(select(PanelMeeting)).all() == []
