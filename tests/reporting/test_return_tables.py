"""Each table of the statutory return, against figures worked out by hand from a small year;
who is left out; and where the year starts and ends."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from cdop_scr.models import Case
from cdop_scr.reporting import services

from ..factories import UserFactory
from .test_return import load, row


def years_before(day, years):
    return date(day.year - years, day.month, day.day)


@pytest.fixture
def year_2011(db):
    """2011-12 by hand (numbers are cases; every review has a known outcome):

    A  10 reviewed, perinatal, 0-27 days, white, expected, neonatal, under 6 months:
          5 modifiable (boys), 5 not modifiable (girls); notified in the year
    B   8 reviewed, chronic condition, 10-14 years, black, expected, life-limiting, 6-12 months:
          not modifiable, 4 boys and 4 girls; notified the year before
    C   6 reviewed, trauma, 15-17 years, asian, unexpected, road traffic, over 12 months:
          modifiable, boys, 2 with a serious case review; notified the year before
    E   1 reviewed, sudden unexplained, 28-364 days, ethnicity not stated, unexpected, SUDI,
          under 6 months: insufficient information, a girl; notified in the year
    D   3 open, died 1 December 2011 (under 6 months at 31 March 2012), no reason for delay,
          unexpected; notified in the year
    D'  3 open, died 1 February 2011 (over 12 months), awaiting inquest; notified the year
          before
    """
    rows, n = [], 0

    def add(count, dod, years=0, days=0, **fields):
        nonlocal n
        for k in range(count):
            dob = years_before(dod, years) - timedelta(days=days)
            rows.append(row(n, dod, dob=dob, **{key: (value(k) if callable(value) else value)
                                                for key, value in fields.items()}))
            n += 1

    add(10, date(2011, 5, 1), days=10, reviewed=date(2011, 9, 1), category=8,
        modifiable=lambda k: "modifiable" if k < 5 else "not_modifiable",
        sex=lambda k: "male" if k < 5 else "female", ethnicity="A", expectation="expected",
        event="neonatal")
    add(8, date(2011, 1, 10), years=12, reviewed=date(2011, 10, 1), category=6,
        modifiable="not_modifiable", sex=lambda k: "male" if k < 4 else "female",
        ethnicity="M", expectation="expected", event="life_limiting")
    add(6, date(2010, 6, 1), years=16, reviewed=date(2011, 8, 1), category=3,
        modifiable="modifiable", sex="male", ethnicity="H", event="road_traffic")
    add(1, date(2011, 7, 1), days=100, reviewed=date(2011, 11, 1), category=10,
        modifiable="insufficient_information", ethnicity="Z", event="sudden_unexpected")
    add(3, date(2011, 12, 1), years=3)
    add(3, date(2011, 2, 1), years=3, delay="awaiting_inquest")
    coordinator = load(rows)
    road = db.session.scalars(select(Case.id).where(Case.category == 3)).all()
    db.session.execute(update(Case).where(Case.id.in_(road[:2])).values(
        scr_referred_on=date(2010, 6, 20)))
    db.session.commit()
    return coordinator


def grid(published):
    """The table as rows of texts, totals last (row labels first)."""
    table = published.table
    return [[table.row_label(i)] + [published.text((i, j)) for j in range(len(line))]
            for i, line in enumerate(table.grid)]


def the_return(unsuppressed):
    board = UserFactory(roles=["board_manager"])
    result = services.build_return(board, "2011-12", unsuppressed=unsuppressed)
    return {t.spec.table_id: grid(t) for t in result.tables}


ZERO3 = ["0", "0", "0", "0"]
HIDDEN3 = ["[c]", "[c]", "[c]"]
MODIFIABLE_TOTALS = ["Total", "11", "13", "1", "25"]
# The modifiable totals as one table (11, 13, 1 | 25): the 1 and the smaller other count hidden.
MODIFIABLE_TOTALS_SHOWN = ["Total", "[c]", "13", "<5", "25"]


def test_t1_counts_deaths_notified_in_the_year_by_expected_or_unexpected(year_2011):
    assert the_return(True)["t1_notified"] == [
        ["Expected", "10"], ["Unexpected", "4"], ["Not known", "0"], ["Total", "14"]]
    # 4 is small; the other count must go too or 14 - 10 would give it away. [c] is at least 5,
    # so the reader still has 1 to 4 for it.
    assert the_return(False)["t1_notified"] == [
        ["Expected", "[c]"], ["Unexpected", "<5"], ["Not known", "0"], ["Total", "14"]]


def test_t3_counts_reviews_by_age_band_and_modifiable_factors(year_2011):
    assert the_return(True)["t3_age"] == [
        ["0-27 days", "5", "5", "0", "10"], ["28-364 days", "0", "0", "1", "1"],
        ["1-4 years"] + ZERO3, ["5-9 years"] + ZERO3,
        ["10-14 years", "0", "8", "0", "8"], ["15-17 years", "6", "0", "0", "6"],
        MODIFIABLE_TOTALS]
    # Three small rows have one outcome each (1, 8 and 6 deaths): hidden whole. The age totals
    # as one table (10, 1, 0, 0, 8, 6): the 1 and the smallest other count, 6, hidden.
    assert the_return(False)["t3_age"] == [
        ["0-27 days", "5", "5", "0", "10"], ["28-364 days"] + HIDDEN3 + ["<5"],
        ["1-4 years"] + ZERO3, ["5-9 years"] + ZERO3,
        ["10-14 years"] + HIDDEN3 + ["8"], ["15-17 years"] + HIDDEN3 + ["[c]"],
        MODIFIABLE_TOTALS_SHOWN]


def test_t4_counts_reviews_by_sex_and_modifiable_factors(year_2011):
    assert the_return(True)["t4_sex"] == [
        ["Male", "11", "4", "0", "15"], ["Female", "0", "9", "1", "10"],
        ["Not known"] + ZERO3, MODIFIABLE_TOTALS]
    # With the totals known (11 modifiable, 1 insufficient information), the printed counts
    # pin the boys' 4 (13 - 9) and the girls' 1 (10 - 9). Opening the insufficient-information
    # column, zeros too, lets one boy's review trade outcomes with one girl's, so the 9 and the
    # 11 are hidden with it: the boys' count is 3 or 4, the girls' 0 or 1.
    assert the_return(False)["t4_sex"] == [
        ["Male", "[c]", "<5", "[c]", "15"], ["Female", "0", "[c]", "[c]", "10"],
        ["Not known", "0", "0", "[c]", "0"], MODIFIABLE_TOTALS_SHOWN]


def test_t5_counts_reviews_by_ethnic_group_and_modifiable_factors(year_2011):
    assert the_return(True)["t5_ethnicity"] == [
        ["White", "5", "5", "0", "10"], ["Mixed"] + ZERO3, ["Asian", "6", "0", "0", "6"],
        ["Black", "0", "8", "0", "8"], ["Other"] + ZERO3, ["Not known", "0", "0", "1", "1"],
        MODIFIABLE_TOTALS]
    assert the_return(False)["t5_ethnicity"] == [
        ["White", "5", "5", "0", "10"], ["Mixed"] + ZERO3, ["Asian"] + HIDDEN3 + ["[c]"],
        ["Black"] + HIDDEN3 + ["8"], ["Other"] + ZERO3, ["Not known"] + HIDDEN3 + ["<5"],
        MODIFIABLE_TOTALS_SHOWN]


def test_t6_counts_reviews_by_expected_or_unexpected_and_modifiable_factors(year_2011):
    assert the_return(True)["t6_expectation"] == [
        ["Expected", "5", "13", "0", "18"], ["Unexpected", "6", "0", "1", "7"],
        ["Not known"] + ZERO3, MODIFIABLE_TOTALS]
    # The 1 moves as its hidden totals do (1 up, 11 down) only if the 6 beside it is hidden.
    assert the_return(False)["t6_expectation"] == [
        ["Expected", "5", "13", "0", "18"], ["Unexpected", "[c]", "0", "<5", "7"],
        ["Not known"] + ZERO3, MODIFIABLE_TOTALS_SHOWN]


def test_t7_counts_reviews_by_event_and_modifiable_factors(year_2011):
    events = ["Drowning", "Fire and burns", "Poisoning", "Other non-intentional injury",
              "Substance misuse", "Apparent homicide", "Apparent suicide", "None of these"]
    assert the_return(True)["t7_event"] == [
        ["Neonatal", "5", "5", "0", "10"], ["Life-limiting condition", "0", "8", "0", "8"],
        ["Sudden unexpected death in infancy or childhood", "0", "0", "1", "1"],
        ["Road traffic collision", "6", "0", "0", "6"]] + [[e] + ZERO3 for e in events] + [
        MODIFIABLE_TOTALS]
    # Both dimensions are sensitive: the three one-outcome rows are hidden, and so is the
    # "insufficient information" column, whose one death is a SUDI.
    assert the_return(False)["t7_event"] == [
        ["Neonatal", "5", "5", "[c]", "10"], ["Life-limiting condition"] + HIDDEN3 + ["8"],
        ["Sudden unexpected death in infancy or childhood"] + HIDDEN3 + ["<5"],
        ["Road traffic collision"] + HIDDEN3 + ["[c]"]] + [
        [e, "0", "0", "[c]", "0"] for e in events] + [MODIFIABLE_TOTALS_SHOWN]


def test_t8_counts_reviews_by_time_from_death_to_review(year_2011):
    expected = [["Under 6 months", "11"], ["6 to 12 months", "8"], ["Over 12 months", "6"],
                ["Total", "25"]]
    assert the_return(True)["t8_time_to_review"] == expected
    assert the_return(False)["t8_time_to_review"] == expected  # nothing small


def test_t9_counts_reviews_open_at_the_year_end_by_time_since_death_and_reason(year_2011):
    none = ["0"] * 7
    assert the_return(True)["t9_open"] == [
        ["Under 6 months", "0", "0", "0", "0", "0", "0", "3", "3"],
        ["6 to 12 months"] + none + ["0"],
        ["Over 12 months", "3", "0", "0", "0", "0", "0", "0", "3"],
        ["Total", "3", "0", "0", "0", "0", "0", "3", "6"]]
    # Each row has one reason for delay (a sensitive column) and under 10 deaths: hidden whole.
    assert the_return(False)["t9_open"] == [
        ["Under 6 months"] + ["[c]"] * 7 + ["<5"], ["6 to 12 months"] + none + ["0"],
        ["Over 12 months"] + ["[c]"] * 7 + ["<5"],
        ["Total", "<5", "0", "0", "0", "0", "0", "<5", "6"]]


def test_t10_counts_reviews_where_a_serious_case_review_was_held_or_considered(year_2011):
    assert the_return(True)["t10_scr"] == [["Yes", "2"], ["No", "23"], ["Total", "25"]]
    assert the_return(False)["t10_scr"] == [["Yes", "<5"], ["No", "[c]"], ["Total", "25"]]


def test_every_table_of_reviews_completed_prints_the_same_totals(year_2011):
    tables = the_return(False)
    for table_id in ("t3_age", "t4_sex", "t5_ethnicity", "t6_expectation", "t7_event"):
        assert tables[table_id][-1] == MODIFIABLE_TOTALS_SHOWN
    assert tables["t2_category"][-1] == MODIFIABLE_TOTALS_SHOWN
    assert tables["t8_time_to_review"][-1] == tables["t10_scr"][-1] == ["Total", "25"]


# Who is counted ---------------------------------------------------------------------------------

@pytest.fixture
def with_leavers(db):
    """Per measure, in 2011-12: two counted cases, and a withdrawn, a transferred and a
    withdrawn reviewed case beside each."""
    from cdop_scr.cases import services as case_services

    rows = [row(0, date(2011, 5, 1), date(2011, 9, 1), 9, "not_modifiable"),
            row(1, date(2011, 5, 2), date(2011, 9, 2), 9, "not_modifiable"),
            row(2, date(2011, 5, 3)), row(3, date(2011, 5, 4)),
            row(4, date(2011, 5, 5)), row(5, date(2011, 5, 6)),
            row(6, date(2011, 5, 7), date(2011, 9, 3), 9, "not_modifiable")]
    coordinator = load(rows)
    cases = db.session.scalars(select(Case).order_by(Case.notified_on)).all()
    case_services.withdraw_case(coordinator, cases[4], cases[4].version, "entered_in_error")
    case_services.withdraw_case(coordinator, cases[5], cases[5].version, "transferred",
                                transferred_to="Another Shire")
    # A reviewed case later found to belong elsewhere (as migrated from an older system).
    db.session.execute(update(Case).where(Case.id == cases[6].id).values(
        status="withdrawn", withdrawal_reason="transferred", transferred_to="Elsewhere"))
    db.session.commit()
    return coordinator


@pytest.mark.parametrize("measure, counted", [
    ("reviews_completed", 2),  # cases 0 and 1
    ("deaths_notified", 4),  # cases 0 to 3
    ("deaths", 4),
    ("open_reviews", 2),  # cases 2 and 3
])
def test_withdrawn_and_transferred_cases_count_in_no_measure(with_leavers, measure, counted):
    board = UserFactory(roles=["board_manager"])
    for rows in ("sex", "year_of_death", "category"):
        published = services.cross_table(board, measure, "2011-12", rows, unsuppressed=True)
        assert published.table.total == counted, (measure, rows)


# Where the year ends ---------------------------------------------------------------------------

def test_a_death_notified_on_31_march_counts_in_that_year_and_on_1_april_in_the_next(db):
    load([row(1, date(2012, 3, 20), notified=date(2012, 3, 31)),
          row(2, date(2012, 3, 21), notified=date(2012, 4, 1))])
    board = UserFactory(roles=["board_manager"])

    def notified(year):
        return services.cross_table(board, "deaths_notified", year, "sex",
                                    unsuppressed=True).table.total

    assert (notified("2011-12"), notified("2012-13")) == (1, 1)


def test_a_death_on_31_march_counts_in_that_year_and_on_1_april_in_the_next(db):
    load([row(1, date(2012, 3, 31)), row(2, date(2012, 4, 1))])
    board = UserFactory(roles=["board_manager"])

    def deaths(year):
        return services.cross_table(board, "deaths", year, "sex", unsuppressed=True).table.total

    assert (deaths("2011-12"), deaths("2012-13")) == (1, 1)
