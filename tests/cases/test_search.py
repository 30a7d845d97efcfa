"""Exact search by case reference, NHS number, or surname and date of birth (blind index)."""

from datetime import date

import pytest
import time_machine

from cdop_scr.audit import AuditEvent

from ..helpers import audit_events, error_summary, text_of
from .conftest import OTHER_NHS


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2024, 6, 1), tick=False):
        yield


@pytest.fixture
def two_cases(make_case):
    return make_case(), make_case(nhs_number=OTHER_NHS, surname="Someone-Else",
                                  date_of_birth=date(2016, 5, 5))


def shown_refs(response):
    html = response.get_data(as_text=True)
    return [part.split('"')[0] for part in html.split('data-case-ref="')[1:]]


@pytest.mark.parametrize("query", [
    {"case_ref": "cdr-2024-0001 "},
    {"nhs_number": "943 476 5919"},
    {"nhs_number": "9434765919"},
    {"surname": "TESTCHILD-zephyrine", "date_of_birth": ["3", "4", "2015"]},
])
def test_each_kind_of_search_finds_the_case(client, login_as, two_cases, query):
    login_as("coordinator")
    response = client.post("/cases/search", data=query)
    assert shown_refs(response) == ["CDR-2024-0001"]
    assert "1 matching case" in text_of(response)
    searched = audit_events(AuditEvent.CASE_LIST_SEARCHED)[-1]
    assert searched.detail_dict["results"] == 1
    assert "zephyrine" not in (searched.detail or "").lower()
    assert "9434765919" not in (searched.detail or "")


def test_a_search_that_matches_nothing_says_so(client, login_as, two_cases):
    login_as("coordinator")
    response = client.post("/cases/search",
                           data={"surname": "Testchild-Zephyrine",
                                 "date_of_birth": ["4", "4", "2015"]})
    assert shown_refs(response) == []
    assert "0 matching cases" in text_of(response)


@pytest.mark.parametrize("query, message", [
    ({}, "Enter a case reference, an NHS number, or a last name and date of birth"),
    ({"nhs_number": "1234"}, "Enter a valid NHS number: 10 digits, like 943 476 5919"),
    ({"surname": "Smith"}, "Enter the date of birth to search with the last name"),
    ({"date_of_birth": ["1", "1", "2015"]}, "Enter the last name to search with the date of birth"),
])
def test_an_incomplete_search_is_explained(client, login_as, query, message):
    login_as("coordinator")
    assert error_summary(client.post("/cases/search", data=query)) == [message]


def test_search_is_a_post_so_identifiers_never_appear_in_a_url(client, login_as):
    login_as("coordinator")
    assert client.get("/cases/search").status_code == 405
    html = client.get("/cases").get_data(as_text=True)
    assert 'method="post" action="/cases/search"' in html


def test_filters_by_status_expectation_and_year(client, login_as, make_case):
    user = login_as("coordinator")
    make_case()
    make_case(nhs_number=OTHER_NHS, surname="Expected-One", death_expectation="expected",
              date_of_death=date(2024, 4, 2), notified_on=date(2024, 4, 3))
    assert shown_refs(client.get("/cases?death_expectation=expected")) == ["CDR-2024-0002"]
    assert shown_refs(client.get("/cases?financial_year=2023-24")) == ["CDR-2024-0001"]
    assert shown_refs(client.get("/cases?status=notified&sort=newest")) == [
        "CDR-2024-0002", "CDR-2024-0001"]
    assert shown_refs(client.get("/cases?status=closed")) == []
    page = client.get("/cases")
    assert 'value="2024-25"' in page.get_data(as_text=True)
    assert audit_events(AuditEvent.CASE_LIST_VIEWED)[-1].actor_id == user.id
