"""The demo dataset gives the statutory return real numbers on first sign-in."""

import time_machine

from cdop_scr.reporting import services


@time_machine.travel("2025-06-01 09:00:00+00:00", tick=False)
def test_the_demo_has_about_thirty_reviews_in_each_of_five_years_and_a_safe_return(app, db):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    for year in ("2020-21", "2021-22", "2022-23", "2023-24", "2024-25"):
        result = services.build_return(None, year)
        tables = {t.spec.table_id: t for t in result.tables}
        # The grand total is printed, the same in every table of reviews completed.
        totals = {t.text((t.table.n_rows, len(t.table.grid[0]) - 1))
                  for t in result.tables if t.spec.measure == "reviews_completed"}
        assert len(totals) == 1, (year, totals)
        assert int(totals.pop()) >= 30, year
        # Real numbers, not only symbols: some categories and outcomes are printed.
        category = tables["t2_category"]
        table = category.table
        row_totals = [category.text((i, table.n_cols)) for i in range(table.n_rows)]
        col_totals = [category.text((table.n_rows, j)) for j in range(table.n_cols)]
        assert any(text.isdigit() and int(text) >= 5 for text in row_totals), year
        assert any(text.isdigit() and int(text) >= 5 for text in col_totals), year
