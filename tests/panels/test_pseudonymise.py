"""The panel's known-identifier replacement, on literals (no app)."""

from datetime import date

import pytest

from cdop_scr.pseudonymise import Identifiers, date_forms, pseudonymise

IDS = Identifiers(
    pseudonym="Child A", forename="Ashley", surname="Smith-Jones", other_names=["Ash"],
    family=[("mother", "Jane Smith-Jones"), ("father", "Robert Oakes")],
    places=["12 Acacia Avenue, Maidstone", "Oakfield Primary School", "Maidstone Hospital"],
    postcode="ME14 1XX", nhs_number="9434765919",
    dates=[date(2011, 3, 12), date(2012, 7, 1)])


@pytest.mark.parametrize("text, expected", [
    ("Ashley was seen.", "Child A was seen."),
    ("ASHLEY SMITH-JONES was seen.", "Child A was seen."),
    ("Ashley's cot", "Child A's cot"),
    ("Ash said", "Child A said"),
    ("Jane Smith-Jones said", "[mother] said"),
    ("Robert said", "[father] said"),
    ("Mrs Smith-Jones said", "[name] said"),
    ("at Maidstone Hospital", "at [place]"),
    ("at 12 Acacia Avenue, Maidstone", "at [place]"),
    ("Oakfield Primary School reported", "[place] reported"),
    ("lives in ME14 1XX", "lives in [removed]"),
    ("postcode me141xx", "postcode [removed]"),
    ("NHS 943 476 5919", "NHS [removed]"),
    ("NHS 943-476-5919", "NHS [removed]"),
    ("another 401 023 2137", "another [removed]"),
    ("call 07700 900123", "call [removed]"),
    ("mail jane@example.org", "mail [removed]"),
    ("born 12/03/2011", "born [date]"),
    ("born 12.3.11", "born [date]"),
    ("born 12th March 2011", "born [date]"),
    ("died March 12th, 2011", "died [date]"),
    ("died 1 July", "died [date]"),
    ("seen 2012-07-01", "seen [date]"),
    ("seen on 3 June 2019", "seen on [date]"),
])
def test_known_identifiers_and_patterns_are_replaced(text, expected):
    assert pseudonymise(text, IDS) == expected


def test_ordinary_words_survive_when_they_are_not_identifiers():
    text = "The child was unwell for two days; the ambulance arrived in 8 minutes."
    assert pseudonymise(text, IDS) == text


def test_names_inside_other_words_are_left_alone():
    assert pseudonymise("Ashleyford and Ashtray", IDS) == "Ashleyford and Ashtray"


def test_every_written_form_of_a_known_date_is_listed():
    forms = date_forms(date(2011, 3, 2))
    assert {"02/03/2011", "2/3/11", "2.3.2011", "2011-03-02", "2nd March 2011",
            "March 2nd, 2011", "2 Mar 2011"} <= forms


def test_empty_text_stays_empty():
    assert pseudonymise(None, IDS) is None
    assert pseudonymise("", IDS) == ""
