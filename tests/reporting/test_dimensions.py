"""Dimension codes and labels, age bands, financial years and time to review."""

from datetime import date

import pytest

from cdop_scr.reporting import dimensions as d


def test_categories_are_numbered_1_to_10_with_the_labels_of_the_domain_reference():
    assert d.CATEGORY.items == (
        (1, "Deliberately inflicted injury, abuse or neglect"),
        (2, "Suicide or deliberate self-inflicted harm"),
        (3, "Trauma and other external factors"),
        (4, "Malignancy"),
        (5, "Acute medical or surgical condition"),
        (6, "Chronic medical condition"),
        (7, "Chromosomal, genetic and congenital anomalies"),
        (8, "Perinatal/neonatal event"),
        (9, "Infection"),
        (10, "Sudden unexpected, unexplained death"),
    )


@pytest.mark.parametrize("dimension, labels", [
    (d.MODIFIABLE, ["Modifiable", "Not modifiable", "Insufficient information"]),
    (d.AGE_BAND, ["0-27 days", "28-364 days", "1-4 years", "5-9 years", "10-14 years",
                  "15-17 years"]),
    (d.SEX, ["Male", "Female", "Not known"]),
    (d.ETHNICITY_GROUP, ["White", "Mixed", "Asian", "Black", "Other", "Not known"]),
    (d.DEATH_EXPECTATION, ["Expected", "Unexpected", "Not known"]),
    (d.EVENT, ["Neonatal", "Life-limiting condition",
               "Sudden unexpected death in infancy or childhood", "Road traffic collision",
               "Drowning", "Fire and burns", "Poisoning", "Other non-intentional injury",
               "Substance misuse", "Apparent homicide", "Apparent suicide", "None of these"]),
    (d.TIME_TO_REVIEW, ["Under 6 months", "6 to 12 months", "Over 12 months"]),
    (d.DELAY_REASON, ["Awaiting inquest", "Awaiting criminal proceedings",
                      "Awaiting SCR/LCSPR or other investigation", "Awaiting agency information",
                      "Panel capacity", "Other", "No reason recorded"]),
    (d.SCR, ["Yes", "No"]),
])
def test_each_dimension_lists_the_labels_of_the_issue_in_order(dimension, labels):
    assert dimension.labels == labels
    assert d.DIMENSIONS[dimension.name] is dimension


def test_codes_of_the_issue_map_to_their_labels():
    assert d.MODIFIABLE.codes == ["modifiable", "not_modifiable", "insufficient_information"]
    assert d.EVENT.label_for("fire_burns") == "Fire and burns"
    assert [code for code, _ in d.DELAY_REASONS] == [
        "awaiting_inquest", "awaiting_criminal_proceedings", "awaiting_review_or_investigation",
        "awaiting_agency_information", "panel_capacity", "other"]
    assert d.SCR.label_for(True) == "Yes" and d.SCR.label_for(False) == "No"


def test_ethnicity_lists_the_sixteen_census_categories_and_not_stated():
    assert "".join(d.ETHNICITY.codes) == "ABCDEFGHJKLMNPRSZ"
    assert d.ETHNICITY.label_for("N") == "Black or Black British: African"
    assert d.ETHNICITY.label_for("Z") == "Not stated"


@pytest.mark.parametrize("codes, group", [
    ("ABC", "white"), ("DEFG", "mixed"), ("HJKL", "asian"), ("MNP", "black"), ("RS", "other"),
    ("Z", "not_known"),
])
def test_ethnicity_codes_fall_into_their_broad_groups(codes, group):
    assert {d.ethnicity_group_for(code) for code in codes} == {group}


def test_a_missing_ethnicity_counts_as_not_known():
    assert d.ethnicity_group_for(None) == "not_known"
    assert d.ethnicity_group_for("") == "not_known"


def test_a_blank_event_counts_as_none_of_these():
    assert d.EVENT.code_for(None) == "none"
    assert d.EVENT.code_for("") == "none"
    assert d.EVENT.label_for(None) == "None of these"


def test_an_unknown_code_is_refused_rather_than_dropped():
    with pytest.raises(ValueError):
        d.CATEGORY.code_for(11)
    with pytest.raises(ValueError):
        d.MODIFIABLE.code_for(None)


def test_the_codes_agree_with_the_case_model_columns():
    from cdop_scr.models import cases

    assert dict(d.CATEGORIES) == cases.CATEGORIES
    for enum, dimension in ((cases.Sex, d.SEX), (cases.EthnicityGroup, d.ETHNICITY_GROUP),
                            (cases.AgeBand, d.AGE_BAND), (cases.Modifiable, d.MODIFIABLE),
                            (cases.DeathExpectation, d.DEATH_EXPECTATION),
                            (cases.Event, d.EVENT), (cases.Ethnicity, d.ETHNICITY)):
        assert [m.value for m in enum] == dimension.codes
    assert [m.value for m in cases.DelayReason] == [c for c, _ in d.DELAY_REASONS]


@pytest.mark.parametrize("day, year", [
    (date(2011, 3, 31), "2010-11"),
    (date(2011, 4, 1), "2011-12"),
    (date(2012, 3, 31), "2011-12"),
    (date(2012, 4, 1), "2012-13"),
    (date(1999, 12, 31), "1999-00"),
])
def test_a_financial_year_runs_from_1_april_to_31_march(day, year):
    assert d.financial_year_of(day) == year


def test_financial_year_bounds_are_1_april_and_the_next_31_march():
    assert d.financial_year_bounds("2011-12") == (date(2011, 4, 1), date(2012, 3, 31))
    assert d.financial_year_bounds("1999-00") == (date(1999, 4, 1), date(2000, 3, 31))


@pytest.mark.parametrize("label", ["2011-13", "2011", "2011/12", "", None])
def test_a_label_that_is_not_a_financial_year_is_refused(label):
    with pytest.raises(ValueError):
        d.financial_year_bounds(label)


def test_a_year_dimension_lists_financial_years_oldest_first():
    years = d.year_dimension("2009-10", "2012-13")
    assert years.codes == ["2009-10", "2010-11", "2011-12", "2012-13"]
    assert years.labels == years.codes
    with pytest.raises(ValueError):
        d.financial_years("2012-13", "2011-12")


@pytest.mark.parametrize("born, died, band", [
    (date(2012, 5, 1), date(2012, 5, 1), "0_27_days"),
    (date(2012, 5, 1), date(2012, 5, 28), "0_27_days"),     # 27 days
    (date(2012, 5, 1), date(2012, 5, 29), "28_364_days"),   # 28 days
    (date(2013, 5, 1), date(2014, 4, 30), "28_364_days"),   # 364 days
    (date(2013, 5, 1), date(2014, 5, 1), "1_4_years"),      # 365 days, first birthday
    (date(2011, 3, 1), date(2012, 2, 29), "28_364_days"),   # 365 days, a day before it (leap)
    (date(2008, 6, 15), date(2013, 6, 14), "1_4_years"),    # the day before the 5th birthday
    (date(2008, 6, 15), date(2013, 6, 15), "5_9_years"),    # the 5th birthday
    (date(2008, 6, 15), date(2018, 6, 14), "5_9_years"),
    (date(2008, 6, 15), date(2018, 6, 15), "10_14_years"),
    (date(2008, 6, 15), date(2023, 6, 15), "15_17_years"),
    (date(2008, 6, 15), date(2026, 6, 14), "15_17_years"),  # the day before the 18th birthday
    (date(2008, 2, 29), date(2013, 2, 28), "1_4_years"),    # 29 February birthdays: 1 March
    (date(2008, 2, 29), date(2013, 3, 1), "5_9_years"),
])
def test_age_bands_count_days_in_the_first_year_then_birthdays(born, died, band):
    assert d.age_band_for(born, died) == band


def test_a_death_on_the_18th_birthday_is_not_a_child_death():
    with pytest.raises(ValueError, match="18th birthday"):
        d.age_band_for(date(2008, 6, 15), date(2026, 6, 15))


def test_a_death_before_birth_is_refused():
    with pytest.raises(ValueError):
        d.age_band_for(date(2012, 5, 2), date(2012, 5, 1))


@pytest.mark.parametrize("died, completed, band", [
    (date(2024, 1, 10), date(2024, 1, 10), "under_6_months"),
    (date(2024, 1, 10), date(2024, 7, 9), "under_6_months"),
    (date(2024, 1, 10), date(2024, 7, 10), "6_to_12_months"),  # exactly 6 calendar months
    (date(2024, 1, 10), date(2025, 1, 9), "6_to_12_months"),
    (date(2024, 1, 10), date(2025, 1, 10), "over_12_months"),  # exactly 12, as the red flag
    (date(2023, 8, 31), date(2024, 2, 28), "under_6_months"),  # 6 months on is 29 February
    (date(2023, 8, 31), date(2024, 2, 29), "6_to_12_months"),
])
def test_time_to_review_counts_calendar_months_from_death(died, completed, band):
    assert d.time_to_review_for(died, completed) == band


def test_a_review_completed_before_the_death_is_refused():
    with pytest.raises(ValueError):
        d.time_to_review_for(date(2024, 1, 10), date(2024, 1, 9))
