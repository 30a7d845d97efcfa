"""The statutory return and cross-tables, built from cases in the database."""

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from cdop_scr.cases import services as case_services
from cdop_scr.cases.importer import import_cases
from cdop_scr.crypto import cipher
from cdop_scr.models import Case
from cdop_scr.reporting import services
from cdop_scr.reporting.suppression import UnsafeTable

from ..cases.conftest import nhs_number
from ..factories import UserFactory
from ..helpers import audit_events

HEADER = ("case_ref,forename,surname,date_of_birth,date_of_death,sex,ethnicity,nhs_number,"
          "postcode,other_names,school,death_expectation,place_of_death,notified_on,"
          "circumstances,review_completed_on,category,modifiable,delay_reason,event")

SURNAMES = ["Quillfeather", "Marrowby", "Stenhouse", "Pellingham", "Ashgrove", "Tindlesby"]


def row(n, dod, reviewed=None, category="", modifiable="", sex="female", ethnicity="A",
        expectation="unexpected", delay="", event="", notified=None, dob=None):
    dob = dob or dod - timedelta(days=400)
    notified = notified or dod + timedelta(days=2)
    return ",".join(str(v) for v in [
        "", f"Child{n}", SURNAMES[n % len(SURNAMES)] + str(n), dob, dod, sex, ethnicity,
        nhs_number(100000 + n * 97), "", "", "", expectation, "hospital", notified, "",
        reviewed or "", category, modifiable, delay, event])


def load(rows):
    coordinator = UserFactory(roles=["coordinator"])
    result = import_cases(coordinator, "\n".join([HEADER] + rows) + "\n")
    assert not result.problems, result.problems
    return coordinator


@pytest.fixture
def year_2011(db):
    """Reviews completed in 2011-12: 12 category 8 (7 modifiable), 3 category 1, 1 category 10."""
    rows, n = [], 0
    for modifiable, count in (("modifiable", 7), ("not_modifiable", 5)):
        for _ in range(count):
            rows.append(row(n, date(2011, 2, 1), date(2011, 9, 1), 8, modifiable, event="neonatal"))
            n += 1
    for _ in range(3):
        rows.append(row(n, date(2011, 3, 1), date(2011, 10, 1), 1, "modifiable", sex="male"))
        n += 1
    rows.append(row(n, date(2011, 5, 1), date(2012, 3, 31), 10, "insufficient_information"))
    return load(rows)


def cells(published):
    return {(r, c): v for r, c, v in published.tidy_rows()}


def test_reviews_completed_are_counted_by_category_and_modifiable_outcome(year_2011, db):
    board = UserFactory(roles=["board_manager"])
    raw = services.cross_table(board, "reviews_completed", "2011-12", "category", "modifiable",
                               unsuppressed=True)
    got = cells(raw)
    assert got[("Perinatal/neonatal event", "Modifiable")] == "7"
    assert got[("Perinatal/neonatal event", "Not modifiable")] == "5"
    assert got[("Deliberately inflicted injury, abuse or neglect", "Modifiable")] == "3"
    assert got[("Sudden unexpected, unexplained death", "Insufficient information")] == "1"
    assert got[("Malignancy", "Total")] == "0"  # zero categories still appear
    assert got[("Total", "Total")] == "16"


def test_the_published_table_hides_small_counts_and_what_would_reveal_them(year_2011, db):
    published = services.build(services.RETURN_TABLES[1], "2011-12")
    got = cells(published)
    assert got[("Deliberately inflicted injury, abuse or neglect", "Modifiable")] in ("<5", "[c]")
    assert got[("Sudden unexpected, unexplained death", "Insufficient information")] in (
        "<5", "[c]")
    assert "1" not in got.values() and "3" not in got.values()
    assert got[("Malignancy", "Modifiable")] == "0"


def test_a_review_completed_on_31_march_counts_in_that_year_and_1_april_in_the_next(db):
    load([row(1, date(2011, 6, 1), date(2012, 3, 31), 9, "not_modifiable"),
          row(2, date(2011, 6, 2), date(2012, 4, 1), 9, "not_modifiable")])
    board = UserFactory(roles=["board_manager"])

    def completed(year):
        return cells(services.cross_table(board, "reviews_completed", year, "category",
                                          unsuppressed=True))[("Infection", "Count")]

    assert (completed("2011-12"), completed("2012-13")) == ("1", "1")


def test_withdrawn_and_transferred_cases_are_not_counted(db):
    coordinator = load([row(1, date(2011, 6, 1)), row(2, date(2011, 6, 2)),
                        row(3, date(2011, 6, 3))])
    first, second, _ = db.session.scalars(select(Case).order_by(Case.case_ref)).all()
    case_services.withdraw_case(coordinator, first, first.version, "entered_in_error")
    case_services.withdraw_case(coordinator, second, second.version, "transferred",
                                transferred_to="Another Shire")
    board = UserFactory(roles=["board_manager"])
    got = cells(services.cross_table(board, "deaths", "2011-12", "sex", unsuppressed=True))
    assert got[("Total", "Count")] == "1"


def test_no_value_is_decrypted_while_the_return_is_built(year_2011, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("decrypted while counting")

    monkeypatch.setattr(cipher, "decrypt", refuse)
    result = services.build_return(None, "2011-12")
    assert [t.spec.table_id for t in result.tables] == [
        "t1_notified", "t2_category", "t3_age", "t4_sex", "t5_ethnicity", "t6_expectation",
        "t7_event", "t8_time_to_review", "t9_open", "t10_scr"]


def test_the_cli_writes_an_xlsx_that_matches_the_csvs_with_a_notes_sheet(app, year_2011,
                                                                         tmp_path):
    result = app.test_cli_runner().invoke(
        args=["reports", "dfe-return", "--year", "2011-12", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "return.xlsx")
    assert book.sheetnames[0] == "notes"
    notes = {r[0].value: r[1].value for r in book["notes"].iter_rows(min_row=2)}
    assert notes["Period"].startswith("Financial year 2011-12")
    assert "Symbol <5" in notes and "Symbol [c]" in notes
    for table_id in ("t1_notified", "t2_category", "t9_open", "t10_scr"):
        with open(tmp_path / f"{table_id}.csv", encoding="utf-8") as handle:
            tidy = list(csv.DictReader(handle))
        sheet = book[table_id]
        header = [c.value for c in sheet[3]]
        from_sheet = {}
        for line in sheet.iter_rows(min_row=4, max_row=3 + len(tidy) // (len(header) - 1)):
            for label, value in zip(header[1:], line[1:], strict=True):
                from_sheet[(line[0].value, label)] = str(value.value)
        assert from_sheet == {(r["row"], r["column"]): r["value"] for r in tidy}
    assert len(audit_events("report_exported")) == 1


def test_the_table_command_prints_tidy_csv_with_totals(app, year_2011):
    result = app.test_cli_runner().invoke(args=[
        "reports", "table", "--measure", "reviews_completed", "--year", "2011-12",
        "--rows", "sex"])
    lines = result.output.splitlines()
    assert lines[0] == "row,column,value"
    # Female is hidden too: otherwise Male = 16 - Female - 0 could be worked out.
    assert lines[1:] == ["Male,Count,<5", "Female,Count,[c]", "Not known,Count,0",
                         "Total,Count,16"]


def test_unsuppressed_figures_need_a_permitted_user_and_are_audited(app, year_2011):
    runner = app.test_cli_runner()
    base = ["reports", "table", "--measure", "reviews_completed", "--year", "2011-12",
            "--rows", "sex", "--unsuppressed"]
    assert runner.invoke(args=base).exit_code != 0
    chair = UserFactory(roles=["panel_chair"])
    refused = runner.invoke(args=base + ["--user", chair.email])
    assert refused.exit_code != 0 and "unsuppressed" in refused.output
    board = UserFactory(roles=["board_manager"])
    allowed = runner.invoke(args=base + ["--user", board.email])
    assert "Male,Count,3" in allowed.output
    assert [e.actor_id for e in audit_events("unsuppressed_report_viewed")] == [board.id]


def test_a_table_failing_the_disclosure_gate_is_never_written(app, year_2011, tmp_path,
                                                             monkeypatch):
    def unsafe(published):
        raise UnsafeTable("pinned")

    monkeypatch.setattr(services, "assert_safe", unsafe)
    result = app.test_cli_runner().invoke(
        args=["reports", "dfe-return", "--year", "2011-12", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "nothing written" in result.output
    assert list(tmp_path.iterdir()) == []


def test_data_quality_lists_cases_that_would_be_counted_wrongly(app, db):
    load([row(1, date(2010, 1, 5), delay=""),  # open at 31 March 2011 for over 12 months
          row(2, date(2010, 1, 6), delay="awaiting_inquest"),
          row(3, date(2011, 1, 7), sex="not_known", ethnicity="")])
    result = app.test_cli_runner().invoke(args=["reports", "data-quality", "--year", "2010-11"])
    problems = [line.split("\t")[1] for line in result.output.splitlines() if "\t" in line]
    assert problems.count(
        "open over 12 months at the end of the year without a reason for delay") == 1
    assert "sex not recorded" in problems and "ethnicity not recorded" in problems
    assert result.exit_code == 1


def test_the_child_level_extract_carries_no_direct_identifier(app, year_2011, db):
    board = UserFactory(roles=["board_manager"])
    result = app.test_cli_runner().invoke(
        args=["reports", "child-extract", "--year", "2011-12", "--user", board.email])
    text = result.output
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 16
    assert "Quillfeather" not in text and "Child0" not in text
    assert nhs_number(100000) not in text and "2011-02-01" not in text
    assert len({r["child_id"] for r in rows}) == 16
    assert len(audit_events("child_extract_exported")) == 1


def test_open_reviews_at_year_end_are_banded_by_time_since_death_exactly(db):
    # 31 March 2012 is the year end: deaths on 1 October 2011 are 5 months 30 days before it.
    load([row(1, date(2011, 10, 1)), row(2, date(2011, 9, 30)), row(3, date(2011, 3, 31)),
          row(4, date(2011, 4, 1))])
    board = UserFactory(roles=["board_manager"])
    got = cells(services.cross_table(board, "open_reviews", "2011-12", "time_since_death",
                                     unsuppressed=True))
    assert (got[("Under 6 months", "Count")], got[("6 to 12 months", "Count")],
            got[("Over 12 months", "Count")]) == ("1", "2", "1")
