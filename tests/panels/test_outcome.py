"""Domain grades and the overall outcome derive from the factors (table-driven, no app)."""

import pytest

from cdop_scr.panels.outcome import (
    INSUFFICIENT_INFORMATION,
    MODIFIABLE,
    NOT_MODIFIABLE,
    FactorGrade,
    derived_outcome,
    domain_grades,
)


def F(domain, grade, modifiable=False):
    return FactorGrade(domain, grade, modifiable)


@pytest.mark.parametrize("factors, expected", [
    ([], {"child": None, "social": None, "physical": None, "services": None}),
    ([F("child", 0)], {"child": 0, "social": None, "physical": None, "services": None}),
    ([F("child", 0), F("child", 2), F("child", 1)],
     {"child": 2, "social": None, "physical": None, "services": None}),
    ([F("social", 1), F("physical", 0), F("services", 2), F("services", 1)],
     {"child": None, "social": 1, "physical": 0, "services": 2}),
])
def test_each_domain_is_graded_by_its_highest_factor(factors, expected):
    assert domain_grades(factors) == expected


@pytest.mark.parametrize("factors, panel_says_insufficient, expected", [
    ([], False, NOT_MODIFIABLE),
    ([], True, NOT_MODIFIABLE),  # no domain has only grade 0
    ([F("social", 2, modifiable=True)], False, MODIFIABLE),
    ([F("social", 2, modifiable=False)], False, NOT_MODIFIABLE),
    ([F("social", 1)], False, NOT_MODIFIABLE),
    ([F("child", 0)], False, NOT_MODIFIABLE),  # the panel has not said so
    ([F("child", 0)], True, INSUFFICIENT_INFORMATION),
    ([F("child", 0), F("child", 1)], True, NOT_MODIFIABLE),  # domain not only grade 0
    ([F("child", 0), F("social", 1)], True, INSUFFICIENT_INFORMATION),
    # Modifiable wins over insufficient information.
    ([F("child", 0), F("services", 2, modifiable=True)], True, MODIFIABLE),
    ([F("physical", 2), F("services", 2, modifiable=True)], False, MODIFIABLE),
])
def test_the_overall_outcome_is_derived_from_the_factors(factors, panel_says_insufficient,
                                                         expected):
    assert derived_outcome(factors, panel_says_insufficient) == expected
