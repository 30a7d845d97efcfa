"""Recording a new notification: validation, derived values, duplicates, encryption at rest."""

import re
from datetime import date
from html import unescape

import pytest
import time_machine
from sqlalchemy import select, text

from cdop_scr.audit import AuditEvent
from cdop_scr.models import Case

from ..helpers import audit_events, error_summary, text_of
from .conftest import OTHER_NHS, form_data

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(date(2024, 6, 1), tick=False):
        yield


def post(client, **overrides):
    return client.post("/cases/new", data=form_data(**overrides))


def test_the_coordinator_records_a_notification_and_sees_the_new_case(client, login_as, db):
    user = login_as("coordinator")
    response = post(client, **{"family-0-relation": "mother", "family-0-name": "Mum Example",
                               "family-1-relation": "sibling", "family-1-name": "Sib Example"})
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert case.case_ref == "CDR-2024-0001"
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    page = client.get(response.headers["Location"])
    shown = text_of(page)
    assert "Notification recorded: case CDR-2024-0001 created." in shown
    assert "Canary-Forename Testchild-Zephyrine" in shown
    assert "943 476 5919" in shown
    assert "Mum Example" in shown and "Sib Example" in shown
    # Derived and stored in clear for counting.
    assert (case.age_in_days, case.age_band) == ((date(2024, 1, 10) - date(2015, 4, 3)).days,
                                                 "5_9_years")
    assert case.financial_year_of_death == "2023-24"
    assert case.month_of_death == date(2024, 1, 1)
    assert case.ethnicity_group == "mixed"
    assert case.status == "notified"
    created = audit_events(AuditEvent.CASE_CREATED)
    assert [(e.actor_id, e.target_id) for e in created] == [(user.id, str(case.id))]
    assert "Testchild" not in (created[0].detail or "")


def test_identifiers_are_not_stored_in_clear(client, login_as, db):
    login_as("coordinator")
    post(client)
    rows = db.session.execute(text("SELECT * FROM child_death_case")).mappings().all()
    assert len(rows) == 1
    dump = repr(dict(rows[0])).lower()
    for secret in ("testchild", "zephyrine", "9434765919", "943 476 5919", "2015-04-03",
                   "sw1a", "pretend primary", "collapsed", "2024-01-10"):
        assert secret not in dump, secret
    family = db.session.execute(text("SELECT * FROM family_member")).all()
    assert family == []


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"forename": ""}, "forename", "Enter the child's first name"),
        ({"surname": ""}, "surname", "Enter the child's last name"),
        ({"sex": None}, "sex", "Select the child's sex"),
        ({"death_expectation": None}, "death_expectation",
         "Select whether the death was expected"),
        ({"place_type": None}, "place_type", "Select where the child died"),
        ({"notifier_name": ""}, "notifier_name",
         "Enter the name of the person who notified the death"),
        ({"date_of_death": ["", "", ""]}, "date_of_death", "Enter the date of death"),
        ({"date_of_birth": ["", "", ""]}, "date_of_birth", "Enter the date of birth"),
        ({"notified_on": ["", "", ""]}, "notified_on", "Enter the date notification received"),
        ({"date_of_death": ["31", "2", "2024"]}, "date_of_death",
         "Date of death must be a real date"),
        ({"date_of_birth": ["29", "2", "2015"]}, "date_of_birth",
         "Date of birth must be a real date"),
        ({"date_of_death": ["10", "", "2024"]}, "date_of_death",
         "Date of death must include a month"),
        ({"date_of_death": ["10", "1", "24"]}, "date_of_death",
         "Date of death must be a real date"),
        ({"date_of_death": ["2", "6", "2024"], "notified_on": ["2", "6", "2024"]},
         "date_of_death", "Date of death must be today or in the past"),
        ({"date_of_birth": ["2", "6", "2024"]}, "date_of_birth",
         "Date of birth must be today or in the past"),
        ({"date_of_birth": ["11", "1", "2024"]}, "date_of_birth",
         "Date of birth must be on or before the date of death"),
        ({"notified_on": ["9", "1", "2024"]}, "notified_on",
         "Date notification received must be on or after the date of death"),
        ({"nhs_number": "943 476 5918"}, "nhs_number",
         "Enter a valid NHS number: 10 digits, like 943 476 5919"),
        ({"nhs_number": "94347659"}, "nhs_number",
         "Enter a valid NHS number: 10 digits, like 943 476 5919"),
        ({"nhs_number": ""}, "nhs_number",
         "Enter the NHS number, or select that it is not available"),
        ({"nhs_number": "", "nhs_number_unavailable": "y"}, "nhs_number_unavailable_reason",
         "Enter why the NHS number is not available"),
        ({"postcode": "XYZ 123"}, "postcode", "Enter a real postcode, like SW1A 1AA"),
        ({"time_of_death": "25:00"}, "time_of_death", "Enter the time of death like 14:30"),
    ],
)
def test_each_validation_rule_is_explained_and_nothing_is_saved(
    client, login_as, db, overrides, field, message
):
    login_as("coordinator")
    response = post(client, **overrides)
    assert response.status_code == 200
    assert message in error_summary(response)
    assert f'href="#{field}' in response.get_data(as_text=True)
    assert db.session.scalar(select(Case)) is None


def test_a_child_who_died_on_their_18th_birthday_is_out_of_scope(client, login_as, db):
    login_as("coordinator")
    response = post(client, date_of_birth=["10", "1", "2006"])
    assert "Date of death must be before the child's 18th birthday" in error_summary(response)
    response = post(client, date_of_birth=["11", "1", "2006"])
    assert response.status_code == 302


def test_a_leap_day_birthday_reaches_18_on_1_march(client, login_as, db):
    login_as("coordinator")
    born = ["29", "2", "2004"]
    response = post(client, date_of_birth=born, date_of_death=["28", "2", "2022"],
                    notified_on=["1", "3", "2022"])
    assert response.status_code == 302
    response = post(client, date_of_birth=born, nhs_number=OTHER_NHS, surname="Other",
                    date_of_death=["1", "3", "2022"], notified_on=["1", "3", "2022"])
    assert "Date of death must be before the child's 18th birthday" in error_summary(response)


def test_an_unavailable_nhs_number_is_accepted_with_a_reason(client, login_as, db):
    login_as("coordinator")
    response = post(client, nhs_number="", nhs_number_unavailable="y",
                    nhs_number_unavailable_reason="Born abroad; not yet registered")
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert case.nhs_number is None and case.nhs_number_index is None
    assert case.nhs_number_unavailable_reason == "Born abroad; not yet registered"


def test_a_possible_duplicate_is_shown_and_the_coordinator_can_open_it_or_continue(
    client, login_as, db, make_case
):
    existing = make_case()
    login_as("coordinator")
    # Same NHS number, written differently.
    response = post(client, nhs_number="943-476-5919", surname="Different")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "This child may already have a case" in text_of(response)
    assert f'data-match="{existing.case_ref}"' in html
    assert f"/cases/{existing.id}" in html
    assert re.search(r'<input[^>]*name="confirmed_new"[^>]*value="[0-9a-f]{64}"', html)
    assert db.session.scalar(select(Case).where(Case.id != existing.id)) is None
    searched = audit_events(AuditEvent.CASE_LIST_SEARCHED)
    assert searched[-1].detail_dict == {"by": "duplicate_check", "results": 1}

    # Same surname and date of birth (case and spacing ignored), different NHS number.
    response = post(client, nhs_number=OTHER_NHS, surname="  testchild-ZEPHYRINE ")
    assert "This child may already have a case" in text_of(response)

    # The coordinator confirms it is a different child.
    response = post(client, nhs_number=OTHER_NHS, confirmed_new=confirmation(response))
    assert response.status_code == 302
    assert len(db.session.scalars(select(Case)).all()) == 2
    assert audit_events(AuditEvent.CASE_CREATED)[-1].detail_dict == {
        "source": "notification", "confirmed_not_duplicate": True}


def confirmation(response):
    """The confirmation the possible-duplicate page carries for the identifiers it checked."""
    html = response.get_data(as_text=True)
    return re.search(r'<input[^>]*name="confirmed_new"[^>]*value="([^"]*)"', html).group(1)


def test_a_confirmation_holds_only_for_the_identifiers_that_were_checked(
    client, login_as, db, make_case
):
    first = make_case()  # NHS 943 476 5919, Testchild-Zephyrine born 3 April 2015
    second = make_case(nhs_number=OTHER_NHS, surname="Second-Child",
                       date_of_birth=date(2016, 5, 5))
    login_as("coordinator")
    response = post(client, surname="Different")  # first's NHS number
    assert re.findall(r'data-match="([^"]+)"', response.get_data(as_text=True)) == [
        first.case_ref]
    confirmed = confirmation(response)

    # Confirmed for the first match, then the NHS number changed to the second child's:
    # the duplicate check runs again and shows the second child; nothing is saved.
    response = post(client, surname="Different", nhs_number=OTHER_NHS, confirmed_new=confirmed)
    assert response.status_code == 200
    assert re.findall(r'data-match="([^"]+)"', response.get_data(as_text=True)) == [
        second.case_ref]
    assert len(db.session.scalars(select(Case)).all()) == 2
    reconfirmed = confirmation(response)
    assert reconfirmed != confirmed

    # The same when the surname and date of birth change to the second child's.
    response = post(client, surname="Second-Child", date_of_birth=["5", "5", "2016"],
                    nhs_number="4010232145", confirmed_new=confirmed)
    assert re.findall(r'data-match="([^"]+)"', response.get_data(as_text=True)) == [
        second.case_ref]
    # A bare "yes", or a made-up value, confirms nothing.
    for forged in ("yes", "0" * 64):
        response = post(client, surname="Different", nhs_number=OTHER_NHS, confirmed_new=forged)
        assert "This child may already have a case" in text_of(response)
    assert len(db.session.scalars(select(Case)).all()) == 2

    # Saved with the confirmation given for exactly these identifiers.
    response = post(client, surname="Different", nhs_number=OTHER_NHS,
                    confirmed_new=reconfirmed)
    assert response.status_code == 302
    assert len(db.session.scalars(select(Case)).all()) == 3


def test_no_duplicate_warning_for_a_different_child(client, login_as, db, make_case):
    make_case()
    login_as("coordinator")
    response = post(client, nhs_number=OTHER_NHS, surname="Unrelated")
    assert response.status_code == 302


def test_every_date_and_choice_on_the_form_has_its_legend(client, login_as):
    login_as("coordinator")
    html = client.get("/cases/new").get_data(as_text=True)
    legends = [unescape(part.split("</legend>")[0].split(">", 1)[1].strip())
               for part in html.split("<legend")[1:]]
    for legend in ("Date of birth", "Sex", "Date of death", "Where did the child die?",
                   "Was the death expected?", "Date notification received",
                   "Is the child normally resident in this CDOP's area?"):
        assert legend in legends, legend
