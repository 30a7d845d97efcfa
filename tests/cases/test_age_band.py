"""Age band at death: one definition for the case record and the reports that count it."""

from datetime import date, timedelta

import pytest
import time_machine

from cdop_scr.cases import rules
from cdop_scr.reporting import dimensions
from cdop_scr.reporting import services as reporting


@pytest.mark.parametrize("born, died, band", [
    (date(2013, 5, 1), date(2014, 4, 30), "28_364_days"),  # 364 days, the day before it
    (date(2013, 5, 1), date(2014, 5, 1), "1_4_years"),     # 365 days, the first birthday
    # 365 days, but the first year held a 29 February: the day before the first birthday.
    (date(2011, 3, 1), date(2012, 2, 29), "28_364_days"),
    (date(2012, 1, 1), date(2012, 12, 31), "28_364_days"),
    (date(2011, 3, 1), date(2012, 3, 1), "1_4_years"),     # 366 days, the first birthday
    (date(2012, 2, 29), date(2013, 2, 28), "28_364_days"),  # leap-day birthday: one on 1 March
    (date(2012, 2, 29), date(2013, 3, 1), "1_4_years"),
])
def test_a_child_is_in_the_under_one_band_until_the_first_birthday(born, died, band):
    assert rules.age_band(born, died).value == band
    assert dimensions.age_band_for(born, died) == band


def test_the_case_rule_and_the_reporting_dimension_agree_on_every_day_around_each_birthday():
    disagreements = []
    for born in (date(2010, 1, 1) + timedelta(days=n) for n in range(0, 4 * 366, 3)):
        for years in (1, 5, 10, 15):
            birthday = date(born.year + years, born.month, born.day) \
                if (born.month, born.day) != (2, 29) else date(born.year + years, 3, 1)
            for died in (birthday + timedelta(days=k) for k in range(-2, 3)):
                if rules.age_band(born, died).value != dimensions.age_band_for(born, died):
                    disagreements.append((born, died))
        for died in (born + timedelta(days=k) for k in (27, 28, 363, 364, 365, 366)):
            if rules.age_band(born, died).value != dimensions.age_band_for(born, died):
                disagreements.append((born, died))
    assert disagreements == []


def test_a_leap_year_infant_notified_correctly_is_not_flagged_by_the_data_quality_check(
    make_case
):
    with time_machine.travel(date(2012, 6, 1), tick=False):
        case = make_case(date_of_birth=date(2011, 3, 1), date_of_death=date(2012, 2, 29),
                         notified_on=date(2012, 3, 1), ethnicity="A", sex="male")
        assert (case.age_in_days, case.age_band) == (365, "28_364_days")
        issues = reporting.data_quality("2011-12", deep=True)
    assert [i.problem for i in issues if i.case_ref == case.case_ref] == []
