"""Linked tables: every table of a measure and year is counted from the same cases, so they share
their margins (the grand total, and each dimension's counts). A reader holding all of them at
once, the whole return plus any cross-table, must still pin no small count."""

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cdop_scr.reporting import dimensions as d
from cdop_scr.reporting.suppression import (
    Status,
    SuppressedTable,
    assert_safe,
    check_safe,
    suppress,
)
from cdop_scr.reporting.tables import build_table

from .attacker import joint_attack, joint_spread

FIELDS = ("category", "modifiable", "age_band", "sex", "ethnicity_group", "death_expectation",
          "event", "time_to_review", "scr")
# The return's tables of reviews completed, and cross-tables a reader may add from the page.
RETURN = {
    "t2_category": ("category", "modifiable"), "t3_age": ("age_band", "modifiable"),
    "t4_sex": ("sex", "modifiable"), "t5_ethnicity": ("ethnicity_group", "modifiable"),
    "t6_expectation": ("death_expectation", "modifiable"), "t7_event": ("event", "modifiable"),
    "t8_time_to_review": ("time_to_review", None), "t10_scr": ("scr", None),
}
CROSS = {
    "category": ("category", None), "modifiable": ("modifiable", None),
    "age_by_category": ("age_band", "category"), "modifiable_by_age": ("modifiable", "age_band"),
    "category_by_sex": ("category", "sex"), "scr_by_modifiable": ("scr", "modifiable"),
    "modifiable_by_category": ("modifiable", "category"),  # t2 the other way round
}
# Reviews completed in 2024-25 in the demo dataset of the audit: the return hid its grand total
# in t2 as [c] but printed it (5) in t3, t5, t7, t8 and t10, and t2's small rows then added up.
DEMO_2024_25 = [
    (7, "modifiable", "1_4_years", "female", "white", "expected", "life_limiting",
     "over_12_months", False),
    (10, "not_modifiable", "28_364_days", "male", "asian", "unexpected", "sudden_unexpected",
     "under_6_months", False),
    (9, "not_modifiable", "1_4_years", "male", "white", "unexpected", "none", "over_12_months",
     False),
    (5, "not_modifiable", "28_364_days", "male", "white", "unexpected", "none",
     "over_12_months", False),
    (7, "not_modifiable", "1_4_years", "male", "white", "expected", "life_limiting",
     "over_12_months", False),
]


def dimension(name):
    return d.DIMENSIONS[name]


def publish(cases, layout, threshold=5):
    """Each table of `layout` counted from the case-level rows, then suppressed."""
    published = {}
    for name, (rows, cols) in layout.items():
        r = FIELDS.index(rows)
        if cols is None:
            counts = Counter(case[r] for case in cases)
            table = build_table(dict(counts), dimension(rows))
        else:
            c = FIELDS.index(cols)
            counts = Counter((case[r], case[c]) for case in cases)
            table = build_table(dict(counts), dimension(rows), dimension(cols))
        published[name] = suppress(table, threshold)
        assert_safe(published[name])  # the export gate passes what suppression made
    return published


def pinned(intervals):
    return {var: v for var, v in intervals.items() if v[0] == v[1]}


def margin_texts(published):
    """{quantity: published text} for every margin cell and the grand total, per table."""
    texts = {}
    for name, p in published.items():
        table = p.table
        for key in table.keys():
            i, j = key
            if table.one_dimensional:
                var = ("total",) if i == table.n_rows else (table.rows.name, table.rows.codes[i])
            elif (i, j) == (table.n_rows, table.n_cols):
                var = ("total",)
            elif j == table.n_cols:
                var = (table.rows.name, table.rows.codes[i])
            elif i == table.n_rows:
                var = (table.cols.name, table.cols.codes[j])
            else:
                continue
            texts.setdefault(var, {})[name] = p.text(key)
    return texts


def assert_no_reader_of_every_table_pins_a_small_count(published):
    intervals = joint_attack(published)
    assert not pinned(intervals), pinned(intervals)
    for name, p in published.items():
        for line in [("row", i) for i in p.protected_rows] + [("col", j)
                                                               for j in p.protected_cols]:
            assert joint_spread(published, name, line) >= 1, (name, line)
    return intervals


def test_the_demo_year_whose_grand_total_leaked_between_tables_pins_nothing():
    published = publish(DEMO_2024_25, RETURN | CROSS)
    assert_no_reader_of_every_table_pins_a_small_count(published)


def test_the_grand_total_and_each_margin_read_the_same_in_every_table():
    published = publish(DEMO_2024_25, RETURN | CROSS)
    for var, by_table in margin_texts(published).items():
        assert len(set(by_table.values())) == 1, (var, by_table)
    # Five reviews: the grand total is printed everywhere, never hidden in one table only.
    assert set(margin_texts(published)[("total",)].values()) == {"5"}


@st.composite
def case_lists(draw):
    """Up to 60 reviews whose fields follow random, often lopsided, distributions."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.sampled_from([3, 5, 8, 12, 20, 30, 45, 60]))
    columns = []
    for name in FIELDS:
        codes = dimension(name).codes
        weights = rng.dirichlet(np.full(len(codes), draw(st.sampled_from([0.3, 1.0, 3.0]))))
        columns.append([codes[k] for k in rng.choice(len(codes), n, p=weights)])
    return [tuple(case) for case in zip(*columns, strict=True)]


@settings(max_examples=30, deadline=None)
@given(case_lists())
def test_no_reader_of_the_return_and_cross_tables_together_pins_a_small_count(cases):
    published = publish(cases, RETURN | CROSS)
    for var, by_table in margin_texts(published).items():
        assert len(set(by_table.values())) == 1, (var, by_table)
    assert_no_reader_of_every_table_pins_a_small_count(published)


A = d.Dimension("a", "A", [("a", "a"), ("b", "b"), ("c", "c")])
P = d.Dimension("p", "P", [("p", "p"), ("q", "q")])
R = d.Dimension("r", "R", [("r", "r"), ("s", "s")])
P_PRIMARY, SECONDARY = Status.PRIMARY, Status.SECONDARY


def two_tables_sharing_margin_a():
    """A by P and A by R over the same cases: A's counts are 2, 13 and 17 in both."""
    by_p = build_table({("a", "p"): 2, ("b", "p"): 5, ("b", "q"): 8, ("c", "p"): 8,
                        ("c", "q"): 9}, A, P)
    by_r = build_table({("a", "r"): 2, ("b", "r"): 4, ("b", "s"): 9, ("c", "r"): 9,
                        ("c", "s"): 8}, A, R)
    return by_p, by_r


def test_two_tables_each_safe_alone_can_pin_the_margin_they_share():
    by_p, by_r = two_tables_sharing_margin_a()
    margin = SuppressedTable(build_table({"a": 2, "b": 13, "c": 17}, A), 5,
                             {(0, 0): P_PRIMARY, (1, 0): SECONDARY})
    # By P: the 2 can only fall (the [c] beside it cannot drop below 5), so a is at most 2.
    alone_p = SuppressedTable(by_p, 5, {(0, 0): P_PRIMARY, (1, 0): SECONDARY,
                                        (0, 2): P_PRIMARY, (1, 2): SECONDARY})
    # By R: the 2 can only rise (the <5 beside it cannot pass 4), so a is at least 2.
    alone_r = SuppressedTable(by_r, 5, {(0, 0): P_PRIMARY, (1, 0): P_PRIMARY,
                                        (0, 2): P_PRIMARY, (1, 2): SECONDARY})
    assert check_safe(alone_p).safe and check_safe(alone_r).safe
    intervals = joint_attack({"a": margin, "by_p": alone_p, "by_r": alone_r})
    assert intervals[("margin", "a", "a")] == (2, 2)

    # The linked check sees it: with its margins known, by P's 2 cannot move, nor can the
    # total of a move the way its one-way table lets it (a up, b down).
    linked = SuppressedTable(by_p, 5, alone_p.status,
                             margins=(margin, suppress(build_table({"p": 15, "q": 17}, P))))
    report = check_safe(linked)
    assert not report.safe and not report.pinned
    assert ("linked", (0, 0)) in report.linked

    published = {"a": suppress(margin.table), "by_p": suppress(by_p), "by_r": suppress(by_r)}
    assert published["a"].status == margin.status
    assert_no_reader_of_every_table_pins_a_small_count(published)


SEEDS = range(6)


def test_a_reader_of_every_table_of_six_fixed_years_pins_nothing(reliability):
    """Fixed years (seeded) of 5 to 60 reviews: the figures of the attack, as a RELIABILITY
    line."""
    tables = cells = 0
    narrowest = None
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        n = [5, 8, 12, 20, 30, 60][seed % 6]
        columns = []
        for name in FIELDS:
            codes = dimension(name).codes
            weights = rng.dirichlet(np.full(len(codes), [0.3, 1.0, 3.0][seed % 3]))
            columns.append([codes[k] for k in rng.choice(len(codes), n, p=weights)])
        published = publish([tuple(c) for c in zip(*columns, strict=True)], RETURN | CROSS)
        intervals = assert_no_reader_of_every_table_pins_a_small_count(published)
        tables += len(published)
        cells += len(intervals)
        for least, greatest in intervals.values():
            width = float("inf") if greatest is None else greatest - least
            if narrowest is None or width < narrowest[0]:
                narrowest = (width, least, greatest)
    print(reliability("suppression-attacker", tables=tables, cells=cells,
                      narrowest=f"[{narrowest[1]},{narrowest[2]}]", pinned=0))
