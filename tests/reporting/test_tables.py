"""Cross-tables from GROUP BY counts: order, zeros, totals, the tidy form and % modifiable."""

import pytest

from cdop_scr.reporting.dimensions import AGE_BAND, CATEGORY, EVENT, MODIFIABLE, SEX
from cdop_scr.reporting.tables import (
    COUNT,
    build_table,
    percent_modifiable,
    tidy_csv,
    tidy_rows,
)

SEX_BY_MODIFIABLE = {
    ("female", "not_modifiable"): 7,
    ("male", "modifiable"): 3,
    ("male", "not_modifiable"): 9,
    ("female", "insufficient_information"): 1,
}


def test_a_cross_table_keeps_every_row_and_column_in_order_with_zeros_and_totals():
    table = build_table(SEX_BY_MODIFIABLE, SEX, MODIFIABLE)
    assert table.grid == (
        (3, 9, 0, 12),
        (0, 7, 1, 8),
        (0, 0, 0, 0),
        (3, 16, 1, 20),
    )
    assert table.row_totals == [12, 8, 0]
    assert table.col_totals == [3, 16, 1]
    assert table.total == 20


def test_a_one_dimensional_table_has_a_count_column_and_a_total_row():
    table = build_table({"1_4_years": 2, "0_27_days": 11}, AGE_BAND)
    assert table.cols is COUNT
    assert table.grid == ((11,), (0,), (2,), (0,), (0,), (0,), (13,))
    assert tidy_rows(table)[0] == ("0-27 days", "Count", "11")
    assert tidy_rows(table)[-1] == ("Total", "Count", "13")


def test_tidy_rows_give_every_cell_row_by_row_with_totals_labelled_total():
    rows = tidy_rows(build_table(SEX_BY_MODIFIABLE, SEX, MODIFIABLE))
    assert len(rows) == 4 * 4
    assert rows[:4] == [("Male", "Modifiable", "3"), ("Male", "Not modifiable", "9"),
                        ("Male", "Insufficient information", "0"), ("Male", "Total", "12")]
    assert rows[-4:] == [("Total", "Modifiable", "3"), ("Total", "Not modifiable", "16"),
                         ("Total", "Insufficient information", "1"), ("Total", "Total", "20")]


def test_tidy_csv_has_the_header_row_column_value_and_quotes_labels_with_commas():
    table = build_table({(1, "modifiable"): 6}, CATEGORY, MODIFIABLE)
    lines = tidy_csv(tidy_rows(table)).splitlines()
    assert lines[0] == "row,column,value"
    assert lines[1] == '"Deliberately inflicted injury, abuse or neglect",Modifiable,6'
    assert len(lines) == 1 + 11 * 4


def test_counts_for_a_blank_event_are_added_to_none_of_these():
    table = build_table({None: 2, "": 1, "none": 4, "drowning": 5}, EVENT)
    assert table.value((EVENT.codes.index("none"), 0)) == 7
    assert table.total == 12


def test_a_count_for_an_unknown_code_is_refused():
    with pytest.raises(ValueError):
        build_table({("other", "modifiable"): 1}, SEX, MODIFIABLE)
    with pytest.raises(ValueError):
        build_table({"male": -1}, SEX)


def test_sums_name_every_total_and_its_parts():
    table = build_table(SEX_BY_MODIFIABLE, SEX, MODIFIABLE)
    sums = table.sums()
    assert ((3, 1), [(0, 1), (1, 1), (2, 1)]) in sums
    assert ((1, 3), [(1, 0), (1, 1), (1, 2)]) in sums
    assert ((3, 3), [(0, 3), (1, 3), (2, 3)]) in sums  # the grand total, by rows
    assert ((3, 3), [(3, 0), (3, 1), (3, 2)]) in sums  # and by columns
    assert len(sums) == 4 + 4
    one_way = build_table({"male": 1}, SEX)
    assert one_way.sums() == [((3, 0), [(0, 0), (1, 0), (2, 0)])]


def test_percent_modifiable_leaves_insufficient_information_out_and_rounds_half_up():
    table = build_table({("male", "modifiable"): 1, ("male", "not_modifiable"): 7,
                         ("male", "insufficient_information"): 5,
                         ("female", "modifiable"): 3, ("female", "not_modifiable"): 1},
                        SEX, MODIFIABLE)
    assert percent_modifiable(table) == [("Male", "13"), ("Female", "75"), ("Not known", "[z]"),
                                         ("Total", "33")]


def test_percent_modifiable_is_suppressed_when_either_count_is_hidden():
    table = build_table(SEX_BY_MODIFIABLE, SEX, MODIFIABLE)
    hidden = {(0, 0)}
    assert percent_modifiable(table, hidden.__contains__)[0] == ("Male", "[c]")
    assert percent_modifiable(table, hidden.__contains__)[1] == ("Female", "0")


def test_percent_modifiable_needs_modifiable_outcomes_as_columns():
    with pytest.raises(ValueError):
        percent_modifiable(build_table({"male": 1}, SEX))
