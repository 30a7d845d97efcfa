"""Suppression, proved against a reader who solves integer programmes over the published table."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdop_scr.reporting.dimensions import AGE_BAND, CATEGORY, EVENT, MODIFIABLE, SEX, Dimension
from cdop_scr.reporting.suppression import (
    Status,
    SuppressedTable,
    UnsafeTable,
    assert_safe,
    check_safe,
    footnotes,
    suppress,
)
from cdop_scr.reporting.tables import build_table

from .attacker import attack, spread

FOUR = Dimension("four", "Four", [(n, f"Column {n}") for n in range(4)], sensitive=True)


def make(inner, rows=AGE_BAND, cols=SEX):
    """A table from its inner counts, listed row by row."""
    return build_table({(rows.codes[i], cols.codes[j]): n for i, line in enumerate(inner)
                        for j, n in enumerate(line)}, rows, cols)


def texts(published):
    table = published.table
    return [[published.text((i, j)) for j in range(len(line))]
            for i, line in enumerate(table.grid)]


def width(interval):
    least, greatest = interval
    return float("inf") if greatest is None else greatest - least


def assert_reader_cannot_pin(published):
    """The LP reader pins no small count and agrees with the product's checker."""
    intervals = attack(published)
    report = check_safe(published)
    assert report.safe
    assert intervals == report.intervals
    for i in published.protected_rows:
        assert spread(published, i) >= 1
    for j in published.protected_cols:
        assert spread(published, j, "col") >= 1
    return intervals


def assert_published_honestly(published):
    """No count under the threshold is shown, and each symbol fits the count behind it."""
    table, k = published.table, published.threshold
    for key in table.keys():
        value, status = table.value(key), published.status_of(key)
        if status is Status.SHOWN:
            assert not 0 < value < k
        if status is Status.PRIMARY:
            assert 0 < value < k
        if status is Status.SECONDARY:
            assert value >= k


def test_counts_of_1_to_4_show_as_less_than_5_and_zeros_as_0():
    published = suppress(make([[3, 8, 0], [7, 9, 12], [10, 6, 8], [9, 9, 9], [11, 7, 6],
                               [8, 10, 12]]))
    assert texts(published)[0][0] == "<5"
    assert texts(published)[0][2] == "0"
    assert_reader_cannot_pin(published)


def test_the_primary_symbol_follows_the_threshold():
    published = suppress(make([[7, 20, 0], [12, 15, 11], [30, 16, 14], [0, 0, 0], [0, 0, 0],
                               [0, 0, 0]]), threshold=10)
    assert texts(published)[0][0] == "<10"
    assert footnotes(10)[0] == ("<10", "A count from 1 to 9.")
    assert_published_honestly(published)
    assert_reader_cannot_pin(published)


def test_a_threshold_below_3_is_refused():
    with pytest.raises(ValueError):
        suppress(make([[1]]), threshold=2)


def test_a_row_with_one_small_cell_hides_the_smallest_counts_that_protect_it():
    published = suppress(make([[3, 8, 6], [7, 9, 12], [10, 6, 8], [9, 9, 9], [11, 7, 6],
                               [8, 10, 12]]))
    # The cheapest cycle through the 3: the 6 beside it, then the 11 and 6 of row 4 (sum 23;
    # any other rectangle or longer cycle hides more).
    assert texts(published) == [
        ["<5", "8", "[c]", "17"],
        ["7", "9", "12", "28"],
        ["10", "6", "8", "24"],
        ["9", "9", "9", "27"],
        ["[c]", "7", "[c]", "24"],
        ["8", "10", "12", "30"],
        ["48", "49", "53", "150"],
    ]
    # [c] is at least 5, so a reader narrows the 3 to 2-4, but cannot pin it.
    assert attack(published) == {(0, 0): (2, 4)}
    assert_reader_cannot_pin(published)


def test_a_row_with_two_small_cells_each_alone_in_its_column_is_protected_through_the_columns():
    published = suppress(make([[3, 2, 10], [7, 6, 9], [12, 8, 9], [9, 11, 6], [0, 0, 0],
                               [8, 10, 12]]))
    # Two <5 cells in one row are not enough: each is the only hidden cell in its column, so the
    # column totals give both away. The cheapest rectangle closes the cycle: 7 and 6 in row 1.
    assert texts(published)[:2] == [["<5", "<5", "10", "15"], ["[c]", "[c]", "9", "22"]]
    assert len(published.status) == 4
    assert_reader_cannot_pin(published)


def test_a_total_that_is_itself_small_shows_as_less_than_5_and_another_total_is_hidden():
    published = suppress(make([[0, 3, 0], [7, 8, 6], [10, 6, 8], [9, 9, 9], [11, 7, 6],
                               [8, 10, 12]]))
    assert texts(published)[0] == ["0", "<5", "0", "<5"]
    # The grand and column totals are shown, so another row total must go.
    assert sum(published.status_of((i, 3)) is Status.SECONDARY for i in range(6)) == 1
    assert_reader_cannot_pin(published)


def test_a_table_of_all_small_cells_is_published_without_giving_any_away():
    published = suppress(make([[1, 2, 3], [4, 1, 2], [3, 3, 1], [2, 4, 4], [1, 1, 1],
                               [2, 2, 2]]))
    assert_published_honestly(published)
    intervals = assert_reader_cannot_pin(published)
    # Row 4's total is <5 over three cells of at least 1, so each is 1 or 2: not exact.
    assert intervals[(4, 0)] == (1, 2)


def test_a_row_total_under_5_over_four_cells_of_1_is_hidden_zeros_and_all():
    published = suppress(build_table({"0_27_days": 1, "28_364_days": 1, "1_4_years": 1,
                                      "5_9_years": 1}, AGE_BAND))
    assert [line[0] for line in texts(published)] == ["[c]"] * 6 + ["<5"]
    assert_reader_cannot_pin(published)


def test_a_column_whose_only_non_zero_cell_is_small_moves_with_the_hidden_column_totals():
    published = suppress(make([[0, 8, 0], [7, 9, 0], [10, 6, 0], [9, 9, 0], [11, 0, 3],
                               [8, 10, 0]]))
    # The column totals are the one-way table of sex (45, 42, 3 | 90), published once for every
    # table: it hides the 3 and the smaller other count, 42, and prints the grand total. Inside
    # the table the 3 must be able to move as those totals do (3 up, 42 down): through the 11
    # beside it and the cheapest pair of another row, 10 and 6.
    assert texts(published)[2] == ["[c]", "[c]", "0", "16"]
    assert texts(published)[4] == ["[c]", "0", "<5", "14"]
    assert texts(published)[6] == ["45", "[c]", "<5", "90"]
    assert_reader_cannot_pin(published)


def test_totals_stay_shown_when_hiding_inner_cells_is_enough():
    published = suppress(make([[3, 8, 6], [7, 9, 12], [10, 6, 8], [9, 9, 9], [11, 7, 6],
                               [8, 10, 12]]))
    assert not any(published.table.is_total(key) for key in published.status)


def test_a_one_dimensional_table_hides_the_smallest_other_count():
    published = suppress(build_table({"male": 3, "female": 17, "not_known": 6}, SEX))
    assert [line[0] for line in texts(published)] == ["<5", "17", "[c]", "26"]
    assert_reader_cannot_pin(published)


def test_a_one_dimensional_table_keeps_its_total_and_hides_every_count_when_nothing_less_works():
    published = suppress(build_table({"male": 1, "female": 5}, SEX))
    # Hiding the 5 as [c] would print <5 + [c] = 6, and [c] is at least 5, so the <5 is 1. The
    # total is printed by every table of the measure and year, so it stays: the counts go
    # instead, zeros too, and a reader knows only that they add up to 6.
    assert [line[0] for line in texts(published)] == ["[c]", "[c]", "[c]", "6"]
    assert attack(published) == {(0, 0): (0, 6)}
    assert_reader_cannot_pin(published)


def test_a_small_row_whose_deaths_all_have_one_outcome_is_hidden_zeros_and_all():
    published = suppress(make([[6, 0, 0], [7, 9, 1], [10, 6, 8], [9, 9, 9], [11, 7, 6],
                               [8, 10, 12]], cols=MODIFIABLE))
    assert published.protected_rows == (0,)
    assert texts(published)[0] == ["[c]", "[c]", "[c]", "6"]
    assert spread(published, 0) >= 1
    assert published.percent_modifiable()[0] == ("0-27 days", "[c]")
    assert_reader_cannot_pin(published)


def test_a_row_of_ten_deaths_with_one_outcome_is_shown():
    published = suppress(make([[10, 0, 0], [7, 9, 6], [10, 6, 8]] + [[0, 0, 0]] * 3,
                              cols=MODIFIABLE))
    assert published.protected_rows == ()
    assert texts(published)[0] == ["10", "0", "0", "10"]


def test_a_row_is_not_protected_when_the_other_outcomes_are_empty_in_the_whole_table():
    published = suppress(make([[6, 0, 0], [7, 0, 0], [10, 0, 0]] + [[0, 0, 0]] * 3,
                              cols=MODIFIABLE))
    assert published.protected_rows == ()
    assert texts(published)[0] == ["6", "0", "0", "6"]


def test_group_protection_only_applies_to_a_sensitive_dimension():
    published = suppress(make([[6, 0, 0], [7, 9, 1], [10, 6, 8]] + [[0, 0, 0]] * 3, cols=SEX))
    assert published.protected_rows == () and published.protected_cols == ()


def test_a_small_column_whose_deaths_all_have_one_outcome_is_hidden_when_outcomes_are_rows():
    # `--rows modifiable --cols age_band`: all three deaths at 28-364 days were not modifiable.
    published = suppress(make([[6, 0, 4, 0, 0, 2], [8, 3, 7, 0, 0, 5], [0, 0, 2, 0, 0, 1]],
                              rows=MODIFIABLE, cols=AGE_BAND))
    assert published.protected_cols == (1,)
    assert [line[1] for line in texts(published)] == ["[c]", "[c]", "[c]", "<5"]
    assert spread(published, 1, "col") >= 1
    assert_reader_cannot_pin(published)


def test_the_same_deaths_are_protected_whichever_way_round_the_table_is():
    inner = [[6, 0, 4, 0, 0, 2], [8, 3, 7, 0, 0, 5], [0, 0, 2, 0, 0, 1]]
    across = suppress(make(inner, rows=MODIFIABLE, cols=AGE_BAND))
    down = suppress(make([list(line) for line in zip(*inner, strict=True)], rows=AGE_BAND,
                         cols=MODIFIABLE))
    assert down.protected_rows == across.protected_cols == (1,)
    assert texts(down)[1] == ["[c]", "[c]", "[c]", "<5"]


def test_both_ways_are_protected_when_rows_and_columns_are_both_sensitive():
    # Category by modifiable: the one "insufficient information" death is sudden unexplained,
    # and the two deaths of category 2 both had modifiable factors.
    inner = [[0, 0, 0]] * 10
    inner = [list(line) for line in inner]
    inner[1] = [2, 0, 0]
    inner[4] = [5, 6, 0]
    inner[7] = [6, 9, 0]
    inner[9] = [3, 4, 1]
    published = suppress(make(inner, rows=CATEGORY, cols=MODIFIABLE))
    assert published.protected_rows == (1,)
    assert published.protected_cols == (2,)
    assert all(text in ("<5", "[c]") for text in texts(published)[1][:3])
    assert all(texts(published)[i][2] in ("<5", "[c]") for i in range(10))
    assert_reader_cannot_pin(published)


def test_the_checker_rejects_a_lone_hidden_cell_in_a_row():
    table = make([[3, 8, 6], [7, 9, 12]] + [[0, 0, 0]] * 4)
    published = SuppressedTable(table, 5, {(0, 0): Status.PRIMARY})
    assert check_safe(published).pinned == [(0, 0)]
    assert attack(published) == {(0, 0): (3, 3)}
    with pytest.raises(UnsafeTable):
        assert_safe(published)


def test_the_checker_rejects_two_hidden_cells_per_row_when_bounds_pin_them():
    # Every row and column has two hidden cells, but [c] means at least 5: 1 + 5 = 6 is the
    # only way to make the row total 6, so the <5 is 1.
    table = make([[1, 5, 7], [8, 6, 9]] + [[0, 0, 0]] * 4)
    status = {(0, 0): Status.PRIMARY, (0, 1): Status.SECONDARY, (1, 0): Status.SECONDARY,
              (1, 1): Status.SECONDARY}
    published = SuppressedTable(table, 5, status)
    assert check_safe(published).pinned == [(0, 0)]
    assert attack(published) == {(0, 0): (1, 1)}


def test_the_checker_rejects_a_bridge_between_two_cycles():
    # Rows 0-1 and rows 2-3 each hide a rectangle; one more hidden pair joins them through
    # row 4 and column 2. Every line has two hidden cells, yet the <5 in row 4 is fixed.
    inner = [[6, 7, 0], [8, 9, 0], [0, 6, 7], [0, 8, 9], [0, 0, 3], [0, 0, 0]]
    table = make(inner)
    hidden = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 1), (2, 2), (3, 1), (3, 2), (4, 2)]
    status = {key: Status.SECONDARY for key in hidden} | {(4, 2): Status.PRIMARY,
                                                          (4, 3): Status.PRIMARY}
    published = SuppressedTable(table, 5, status)
    assert (4, 2) in check_safe(published).pinned
    assert attack(published)[(4, 2)] == (3, 3)


def test_suppression_gives_the_same_pattern_every_time():
    table = make([[1, 2, 9], [4, 11, 2], [3, 8, 1], [12, 4, 14], [1, 1, 1], [2, 7, 2]])
    assert suppress(table).status == suppress(table).status


SHAPES = [(CATEGORY, MODIFIABLE), (CATEGORY, AGE_BAND), (AGE_BAND, FOUR)]


@st.composite
def poisson_tables(draw, shapes=SHAPES):
    """A table of Poisson counts: a shape, a mean from 1 to 8 and a seed."""
    rows, cols = draw(st.sampled_from(shapes))
    mean = draw(st.sampled_from([1, 2, 3, 4, 6, 8]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    counts = rng.poisson(mean, (len(rows.codes), len(cols.codes)))
    return make(counts.tolist(), rows, cols)


@settings(max_examples=36, deadline=None)
@given(poisson_tables())
def test_no_random_table_leaves_a_small_count_a_reader_can_work_out(table):
    published = suppress(table)
    assert_published_honestly(published)
    assert_reader_cannot_pin(published)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from([SEX, AGE_BAND, EVENT, CATEGORY]), st.sampled_from([1, 2, 4, 8]),
       st.integers(0, 2**32 - 1))
def test_no_random_one_way_table_leaves_a_small_count_a_reader_can_work_out(rows, mean, seed):
    counts = np.random.default_rng(seed).poisson(mean, len(rows.codes))
    published = suppress(build_table(dict(zip(rows.codes, counts.tolist(), strict=True)), rows))
    assert_published_honestly(published)
    assert_reader_cannot_pin(published)


@settings(max_examples=20, deadline=None)
@given(poisson_tables(), st.integers(0, 2**32 - 1))
def test_the_checker_finds_exactly_what_the_reader_finds_in_any_pattern(table, seed):
    # Random, mostly unsafe patterns: the product's checker must agree with the LP everywhere.
    rng = np.random.default_rng(seed)
    status = {key: Status.PRIMARY for key in table.keys() if 0 < table.value(key) < 5}
    for key in table.keys():
        if table.value(key) >= 5 and rng.random() < 0.3:
            status[key] = Status.SECONDARY
    published = SuppressedTable(table, 5, status)
    report = check_safe(published)
    assert attack(published) == report.intervals
    assert report.pinned == sorted(k for k, v in report.intervals.items() if width(v) == 0)


@settings(max_examples=15, deadline=None)
@given(poisson_tables())
def test_a_table_asked_for_the_other_way_round_hides_the_same_cells(table):
    # Two patterns over the same counts would together show more than either.
    across, down = suppress(table), suppress(table.transposed())
    assert {(j, i): text for (i, j), text in ((k, across.text(k)) for k in table.keys())} == {
        key: down.text(key) for key in table.transposed().keys()}
