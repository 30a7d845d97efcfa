"""Need to know: members see only cases on the agendas of their meetings; others are 404."""

import pytest
from sqlalchemy import func, select

from cdop_scr.cases.clocks import today
from cdop_scr.models.learning import LearningSummary
from cdop_scr.panels import services

from ..factories import UserFactory


def urls(meeting, case):
    base = f"/panel-meetings/{meeting.id}/cases/{case.id}"
    return [base, base + "/analysis"]


def test_panel_member_cannot_see_cases_not_on_their_agenda(
        client, login_as, member, make_ready_case, make_meeting):
    on_a, only_on_b = make_ready_case(), make_ready_case()
    meeting_a = make_meeting([on_a], members=[member])
    meeting_b = make_meeting([only_on_b], members=[UserFactory(roles=["panel_member"])])
    login_as(user=member)

    for url in urls(meeting_a, on_a):
        assert client.get(url).status_code == 200, url
    # The case exists, but only on meeting B: not found, whichever meeting the URL names.
    for url in urls(meeting_a, only_on_b) + urls(meeting_b, only_on_b):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/panel-meetings/{meeting_b.id}").status_code == 404
    assert client.get(f"/panel-meetings/{meeting_b.id}/pack").status_code == 404
    response = client.post(urls(meeting_b, only_on_b)[1] + "/factors", data={})
    assert response.status_code == 404


def test_meeting_list_shows_a_member_only_their_meetings(
        client, login_as, member, make_ready_case, make_meeting):
    mine = make_meeting([make_ready_case()], members=[member])
    other = make_meeting([make_ready_case()])
    login_as(user=member)
    html = client.get("/panel-meetings").get_data(as_text=True)
    assert str(mine.id) in html
    assert str(other.id) not in html


def test_the_chair_sees_only_the_meetings_they_chair_or_attend(
        client, login_as, chair, make_ready_case, make_meeting):
    other_chair = UserFactory(roles=["panel_chair"])
    theirs = make_meeting([make_ready_case()], chair_user=other_chair)
    login_as(user=chair)
    assert client.get(f"/panel-meetings/{theirs.id}").status_code == 404
    case = theirs.agenda[0].case
    assert client.get(urls(theirs, case)[0]).status_code == 404


def test_the_coordinator_sees_every_meeting(client, login_as, coordinator, make_ready_case,
                                            make_meeting):
    meeting = make_meeting([make_ready_case()])
    login_as(user=coordinator)
    assert client.get(f"/panel-meetings/{meeting.id}").status_code == 200
    assert client.get(urls(meeting, meeting.agenda[0].case)[0]).status_code == 200


@pytest.mark.parametrize("role", ["admin", "board_manager"])
def test_admin_and_board_manager_see_no_panel_case(client, login_as, make_ready_case,
                                                   make_meeting, role):
    case = make_ready_case()
    meeting = make_meeting([case])
    login_as(role)
    assert client.get("/panel-meetings").status_code == 403
    for url in urls(meeting, case) + [f"/panel-meetings/{meeting.id}",
                                      f"/panel-meetings/{meeting.id}/pack"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert case.case_ref.encode() not in response.data


def test_an_unknown_meeting_or_case_is_not_found(client, login_as, member, make_ready_case,
                                                 make_meeting):
    import uuid

    meeting = make_meeting([make_ready_case()], members=[member])
    login_as(user=member)
    assert client.get(f"/panel-meetings/{uuid.uuid4()}").status_code == 404
    assert client.get(f"/panel-meetings/{meeting.id}/cases/{uuid.uuid4()}").status_code == 404


# --- drafting learning: a chair drafts only from their own meetings' cases --------------------

def signed_off(meeting, case, recorder, chair_user):
    analysis = services.save_analysis(recorder, meeting.id, case.id, 0, category=10,
                                      event="sudden_unexpected", refer_for_scr=False)
    services.sign_off_review(chair_user, meeting.id, case.id, analysis.version, today())
    return case


def test_a_chair_drafts_learning_only_from_cases_on_meetings_they_chair_or_attend(
        client, login_as, chair, member, coordinator, make_ready_case, make_meeting, db):
    other_chair = UserFactory(roles=["panel_chair"])
    chaired, attended, elsewhere = make_ready_case(), make_ready_case(), make_ready_case()
    signed_off(make_meeting([chaired], members=[member]), chaired, member, chair)
    # The chair sits on the second meeting as an invited member; the third is not theirs.
    signed_off(make_meeting([attended], members=[chair], chair_user=other_chair), attended,
               chair, other_chair)
    signed_off(make_meeting([elsewhere], members=[member], chair_user=other_chair), elsewhere,
               member, other_chair)

    login_as(user=chair)
    listing = client.get("/learning/new").get_data(as_text=True)
    assert chaired.case_ref in listing and attended.case_ref in listing
    assert elsewhere.case_ref not in listing
    for method in ("get", "post"):
        response = getattr(client, method)(f"/learning/new/case/{elsewhere.id}",
                                           data={"pseudonym": "Ashley"})
        assert response.status_code == 404, method
        assert elsewhere.case_ref not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LearningSummary)) == 0
    assert client.get(f"/learning/new/case/{attended.id}").status_code == 200
    response = client.post(f"/learning/new/case/{chaired.id}", data={"pseudonym": "Ashley"})
    assert response.status_code == 302
    assert db.session.scalar(select(LearningSummary.case_id)) == chaired.id


@pytest.mark.parametrize("role", ["coordinator", "board_manager"])
def test_the_coordinator_and_board_manager_draft_from_every_reviewed_case(
        client, login_as, chair, member, make_ready_case, make_meeting, db, role):
    case = make_ready_case()
    signed_off(make_meeting([case], members=[member]), case, member, chair)
    login_as(role)
    assert case.case_ref in client.get("/learning/new").get_data(as_text=True)
    response = client.post(f"/learning/new/case/{case.id}", data={"pseudonym": "Ashley"})
    assert response.status_code == 302
    # The board manager's draft is the redacted one: no name of the child on its page.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ottoline" not in page and "Quennell" not in page
