"""Editing a case: saved and audited; a stale form gets 409 with the user's input kept."""

from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from cdop_scr.audit import AuditEvent
from cdop_scr.cases import services
from cdop_scr.models import Case

from ..helpers import audit_events, error_summary, text_of
from .conftest import details, form_data


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2024, 6, 1), tick=False):
        yield


def test_the_edit_form_shows_the_stored_details_and_saves_changes(client, login_as, db,
                                                                  make_case):
    user = login_as("coordinator")
    case = make_case()
    page = client.get(f"/cases/{case.id}/edit")
    html = page.get_data(as_text=True)
    assert 'value="Testchild-Zephyrine"' in html and 'value="943 476 5919"' in html
    assert 'name="version" type="hidden" value="1"' in html
    response = client.post(f"/cases/{case.id}/edit",
                           data=form_data(circumstances="Updated after the JAR meeting.",
                                          death_expectation="expected", version="1"))
    assert response.status_code == 302
    db.session.refresh(case)
    assert (case.circumstances, case.death_expectation, case.version) == (
        "Updated after the JAR meeting.", "expected", 2)
    updated = audit_events(AuditEvent.CASE_UPDATED)[-1]
    assert updated.actor_id == user.id
    assert updated.detail_dict == {"fields": ["death_expectation", "circumstances"]}


def test_changing_the_dates_recomputes_the_derived_values_and_the_search_index(
    client, login_as, db, make_case
):
    login_as("coordinator")
    case = make_case()
    client.post(f"/cases/{case.id}/edit", data=form_data(
        date_of_death=["2", "4", "2024"], notified_on=["3", "4", "2024"],
        date_of_birth=["1", "3", "2024"], surname="Renamed", version="1"))
    db.session.refresh(case)
    assert (case.age_in_days, case.age_band, case.financial_year_of_death,
            case.month_of_death) == (32, "28_364_days", "2024-25", date(2024, 4, 1))
    user = login_as("coordinator")
    assert [c.case_ref for c, *_ in services.search_cases(
        user, surname="renamed", date_of_birth=date(2024, 3, 1))] == [case.case_ref]
    assert services.search_cases(user, surname="Testchild-Zephyrine",
                                 date_of_birth=date(2015, 4, 3)) == []


def test_the_edit_form_applies_the_same_validation(client, login_as, db, make_case):
    login_as("coordinator")
    case = make_case()
    response = client.post(f"/cases/{case.id}/edit",
                           data=form_data(date_of_birth=["11", "1", "2024"], version="1"))
    assert error_summary(response) == ["Date of birth must be on or before the date of death"]
    db.session.refresh(case)
    assert case.version == 1


def test_a_second_save_from_a_stale_form_gets_409_keeps_the_input_and_overwrites_nothing(
    client, login_as, db, make_case
):
    login_as("coordinator")
    case = make_case()
    # Someone else saves first: the version moves on to 2.
    services.update_case(None, case, 1, details(circumstances="First editor's words."))
    response = client.post(f"/cases/{case.id}/edit", data=form_data(
        circumstances="Second editor's words.", school="Second School", version="1"))
    assert response.status_code == 409
    shown = text_of(response)
    assert "This case has changed" in shown
    assert "Someone else changed this case while you were editing it" in shown
    html = response.get_data(as_text=True)
    assert "Second editor&#39;s words." in html or "Second editor's words." in html
    assert 'value="Second School"' in html
    db.session.expire_all()
    stored = db.session.scalar(select(Case))
    assert (stored.circumstances, stored.school, stored.version) == (
        "First editor's words.", "Pretend Primary School", 2)
    # The form now carries the current version: saving again is a deliberate choice.
    assert 'name="version" type="hidden" value="2"' in html
    again = client.post(f"/cases/{case.id}/edit", data=form_data(
        circumstances="Second editor's words.", version="2"))
    assert again.status_code == 302


def test_a_stale_status_change_gets_409(client, login_as, db, make_case):
    login_as("coordinator")
    case = make_case()
    services.update_case(None, case, 1, details(circumstances="changed"))
    response = client.post(f"/cases/{case.id}/status",
                           data={"status": "gathering_information", "version": "1"})
    assert response.status_code == 409
    db.session.refresh(case)
    assert case.status == "notified"


def test_key_dates_are_saved_encrypted_and_shown_in_the_chronology(client, login_as, db,
                                                                   make_case):
    login_as("coordinator")
    case = make_case()
    response = client.post(f"/cases/{case.id}/key-dates", data={
        "jar_meeting_on": ["11", "1", "2024"], "post_mortem_on": ["12", "1", "2024"],
        "criminal_proceedings": "no", "version": "1"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert (case.jar_meeting_on, case.post_mortem_on, case.criminal_proceedings) == (
        date(2024, 1, 11), date(2024, 1, 12), False)
    page = text_of(client.get(f"/cases/{case.id}"))
    assert "11 January 2024 Joint agency response meeting" in page
    assert "12 January 2024 Post-mortem examination" in page


def _key_dates(client, case, **dates):
    data = {"version": str(case.version)}
    for name, value in dates.items():
        data[name] = [str(value.day), str(value.month), str(value.year)] \
            if isinstance(value, date) else value
    return client.post(f"/cases/{case.id}/key-dates", data=data)


# The case: born 3 April 2015, died 10 January 2024; today is 1 June 2024.
@pytest.mark.parametrize("dates, field, message", [
    ({"jar_meeting_on": date(2024, 1, 9)}, "jar_meeting_on",
     "Joint agency response meeting must be on or after the date of death"),
    ({"post_mortem_on": date(2024, 1, 9)}, "post_mortem_on",
     "Post-mortem examination must be on or after the date of death"),
    ({"review_meeting_on": date(2023, 6, 1)}, "review_meeting_on",
     "Child death review meeting must be on or after the date of death"),
    ({"inquest_opened_on": date(2023, 12, 31)}, "inquest_opened_on",
     "Inquest opened must be on or after the date of death"),
    ({"inquest_concluded_on": date(2024, 1, 9)}, "inquest_concluded_on",
     "Inquest concluded must be on or after the date of death"),
    ({"criminal_proceedings": "yes", "criminal_proceedings_concluded_on": date(2024, 1, 9)},
     "criminal_proceedings_concluded_on",
     "Criminal proceedings concluded must be on or after the date of death"),
    ({"scr_referred_on": date(2015, 4, 2)}, "scr_referred_on",
     "Referred for serious case review consideration must be on or after the date of birth"),
    ({"jar_meeting_on": date(2024, 6, 2)}, "jar_meeting_on",
     "Joint agency response meeting must be today or in the past"),
    ({"scr_referred_on": date(2024, 6, 2)}, "scr_referred_on",
     "Referred for serious case review consideration must be today or in the past"),
    ({"inquest_opened_on": date(2024, 3, 1), "inquest_concluded_on": date(2024, 2, 29)},
     "inquest_concluded_on", "Inquest concluded must be on or after the date the inquest opened"),
    ({"criminal_proceedings": "no", "criminal_proceedings_concluded_on": date(2024, 3, 1)},
     "criminal_proceedings_concluded_on",
     "Select yes for criminal proceedings, or remove the date they concluded"),
    ({"criminal_proceedings": "", "criminal_proceedings_concluded_on": date(2024, 3, 1)},
     "criminal_proceedings_concluded_on",
     "Select yes for criminal proceedings, or remove the date they concluded"),
])
def test_each_key_date_rule_is_explained_on_its_field_and_nothing_is_saved(
    client, login_as, db, make_case, dates, field, message
):
    login_as("coordinator")
    case = make_case()
    updates = len(audit_events(AuditEvent.CASE_UPDATED))
    # A good date alongside: it is not saved either.
    good = {} if "post_mortem_on" in dates else {"post_mortem_on": date(2024, 1, 12)}
    response = _key_dates(client, case, **good, **dates)
    assert response.status_code == 200
    assert error_summary(response) == [message]
    assert f'href="#{field}' in response.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Case, case.id)
    assert stored.version == 1
    assert [getattr(stored, name) for name in services.KEY_DATE_FIELDS] == [None] * 8
    assert len(audit_events(AuditEvent.CASE_UPDATED)) == updates


def test_every_wrong_key_date_is_listed_at_once_in_form_order(client, login_as, make_case):
    login_as("coordinator")
    case = make_case()
    response = _key_dates(client, case, jar_meeting_on=date(2024, 1, 1),
                          inquest_opened_on=date(2024, 7, 1),
                          criminal_proceedings_concluded_on=date(2024, 2, 1))
    assert error_summary(response) == [
        "Joint agency response meeting must be on or after the date of death",
        "Inquest opened must be today or in the past",
        "Select yes for criminal proceedings, or remove the date they concluded"]


def test_key_dates_that_fit_are_saved_including_a_referral_made_before_the_death(
    client, login_as, db, make_case
):
    # A child seriously harmed can be referred for a review while alive and die later.
    login_as("coordinator")
    case = make_case()
    response = _key_dates(client, case, jar_meeting_on=date(2024, 1, 10),
                          inquest_opened_on=date(2024, 2, 1),
                          inquest_concluded_on=date(2024, 2, 1),
                          criminal_proceedings="yes",
                          criminal_proceedings_concluded_on=date(2024, 5, 31),
                          scr_referred_on=date(2023, 11, 20))
    assert response.status_code == 302
    db.session.refresh(case)
    assert (case.jar_meeting_on, case.inquest_opened_on, case.inquest_concluded_on,
            case.criminal_proceedings, case.criminal_proceedings_concluded_on,
            case.scr_referred_on) == (date(2024, 1, 10), date(2024, 2, 1), date(2024, 2, 1),
                                      True, date(2024, 5, 31), date(2023, 11, 20))


def test_a_key_date_set_alone_is_checked_against_the_dates_already_recorded(
    db, make_case, coordinator
):
    case = make_case()
    services.update_key_dates(coordinator, case, case.version,
                              {"inquest_opened_on": date(2024, 3, 1)})
    with pytest.raises(services.KeyDateProblems) as refused:
        services.update_key_dates(coordinator, case, case.version,
                                  {"inquest_concluded_on": date(2024, 2, 1)})
    assert refused.value.problems == {
        "inquest_concluded_on": "Inquest concluded must be on or after the date the inquest "
                                "opened"}
    db.session.rollback()
    db.session.refresh(case)
    assert case.inquest_concluded_on is None


def test_family_members_can_be_added_and_removed(client, login_as, db, make_case):
    login_as("coordinator")
    case = make_case(family=[("mother", "Mum Example")])
    response = client.post(f"/cases/{case.id}/family-members/new",
                           data={"relation": "father", "name": "Dad Example"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert [(m.relation, m.name) for m in case.family_members] == [
        ("mother", "Mum Example"), ("father", "Dad Example")]
    mother = case.family_members[0]
    client.post(f"/cases/{case.id}/family-members/{mother.id}/remove")
    db.session.expire_all()
    assert [m.name for m in db.session.get(Case, case.id).family_members] == ["Dad Example"]


def test_the_chronology_shows_who_did_what_and_when(client, login_as, db, make_case):
    user = login_as("coordinator", full_name="Casey Chronology")
    case = make_case()
    services.request_agency_report(user, case, "gp", "Pat", None, date(2024, 6, 15))
    services.request_agency_report(user, case, "school", "Sam", None, date(2024, 6, 20))
    page = text_of(client.get(f"/cases/{case.id}"))
    chronology = page.split("Chronology", 1)[1]
    order = ["10 January 2024 Child died", "11 January 2024 Death notified to the CDOP",
             "Notification recorded and case created", "GP report requested",
             "Status changed from Notified to Gathering information Casey Chronology",
             "School report requested Casey Chronology",
             "15 June 2024 GP report due", "20 June 2024 School report due"]
    positions = [chronology.index(item) for item in order]
    assert positions == sorted(positions)

    gp, school = case.agency_reports
    with time_machine.travel(date(2024, 6, 5), tick=False):
        login_as(user=user)
        services.record_agency_report(user, case, gp, date(2024, 6, 4), "Known since birth.",
                                      {"known_to_agency": {"answer": "yes", "details": None}})
        services.waive_agency_report(user, case, school, "Child was not yet at school")
        page = text_of(client.get(f"/cases/{case.id}"))
    chronology = page.split("Chronology", 1)[1]
    order = [item for item in order if not item.endswith("report due")] + [
        "5 June 2024 00:00 UTC GP report received Casey Chronology",
        "5 June 2024 00:00 UTC School report waived Casey Chronology"]
    positions = [chronology.index(item) for item in order]
    assert positions == sorted(positions)
    # Received and waived reports are no longer due.
    assert "report due" not in chronology
