"""The statutory return and cross-tables, built from cases in the database."""

import csv
import getpass
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from cdop_scr.cases import services as case_services
from cdop_scr.cases.importer import import_cases
from cdop_scr.crypto import cipher
from cdop_scr.models import Case
from cdop_scr.models.panels import Analysis, AnalysisFactor
from cdop_scr.reporting import dimensions as d
from cdop_scr.reporting import services
from cdop_scr.reporting.suppression import UnsafeTable
from cdop_scr.reporting.tables import tidy_rows

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


def sheet_cells(sheet):
    """{(row label, column label): text} of a return sheet: the table, then any % modifiable."""
    lines = [[c.value for c in line] for line in sheet.iter_rows(min_row=3)]
    header, cells = lines[0], {}
    for line in lines[1:]:
        if not any(v is not None for v in line):
            break
        for label, value in zip(header[1:], line[1:], strict=True):
            cells[(line[0], label)] = str(value)
    blank = lines.index([None] * len(header)) if [None] * len(header) in lines else None
    if blank is not None:
        percent_header = lines[blank + 1]
        assert percent_header[1] == "% modifiable"
        for line in lines[blank + 2:]:
            cells[(line[0], "% modifiable")] = str(line[1])
    return cells


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
    table_ids = [spec.table_id for spec in services.RETURN_TABLES]
    assert book.sheetnames[1:] == table_ids and len(table_ids) == 10
    for table_id in table_ids:
        with open(tmp_path / f"{table_id}.csv", encoding="utf-8") as handle:
            tidy = list(csv.DictReader(handle))
        assert sheet_cells(book[table_id]) == {(r["row"], r["column"]): r["value"]
                                               for r in tidy}, table_id
    assert len(audit_events("report_exported")) == 1


def test_the_category_csv_carries_percent_modifiable_hidden_where_a_count_is_hidden(db):
    # Perinatal 7 modifiable and 6 not; infection 5 and 5; malignancy 6 not modifiable (a
    # small row with one outcome: hidden whole, with perinatal's 7 and 6 to cover it; the 5s of
    # infection cannot, as a [c] is at least 5 and neither could fall).
    outcomes = [(8, "modifiable")] * 7 + [(8, "not_modifiable")] * 6 + [(9, "modifiable")] * 5 \
        + [(9, "not_modifiable")] * 5 + [(4, "not_modifiable")] * 6
    load([row(n, date(2011, 5, 1), date(2011, 9, 1), category, outcome)
          for n, (category, outcome) in enumerate(outcomes)])
    category = services.build(services.RETURN_TABLES[1], "2011-12")
    rows = list(csv.DictReader(io.StringIO(category.csv())))
    assert rows[:44] == [{"row": r, "column": c, "value": v} for r, c, v in
                         tidy_rows(category.table, category.text)]
    percent = {r["row"]: r["value"] for r in rows if r["column"] == "% modifiable"}
    assert len(rows) == 44 + 11  # ten categories and the total
    assert cells(category)[("Perinatal/neonatal event", "Modifiable")] == "[c]"
    assert percent == {
        "Perinatal/neonatal event": "[c]", "Malignancy": "[c]",
        "Infection": "50",  # 5 of 10
        "Total": "41",  # 12 of 29
        **{label: "[z]" for code, label in d.CATEGORIES if code not in (4, 8, 9)},
    }
    raw = services.cross_table(UserFactory(roles=["board_manager"]), "reviews_completed",
                               "2011-12", "category", "modifiable", unsuppressed=True)
    assert raw.percent_modifiable()[7] == ("Perinatal/neonatal event", "54")  # 7 of 13


def test_the_table_command_prints_tidy_csv_with_totals(app, year_2011):
    result = app.test_cli_runner().invoke(args=[
        "reports", "table", "--measure", "reviews_completed", "--year", "2011-12",
        "--rows", "sex"])
    lines = result.output.splitlines()
    assert lines[0] == "row,column,value"
    # Female is hidden too: otherwise Male = 16 - Female - 0 could be worked out.
    assert lines[1:] == ["Male,Count,<5", "Female,Count,[c]", "Not known,Count,0",
                         "Total,Count,16"]


UNSUPPRESSED_TABLE = ["reports", "table", "--measure", "reviews_completed", "--year", "2011-12",
                      "--rows", "sex", "--unsuppressed"]


def test_unsuppressed_figures_run_as_the_system_user_when_nobody_is_named(app, year_2011):
    result = app.test_cli_runner().invoke(args=UNSUPPRESSED_TABLE)
    assert result.exit_code == 0, result.output
    assert "Male,Count,3" in result.output
    [event] = audit_events("unsuppressed_report_viewed")
    assert event.actor_id is None and event.actor_label == f"system:{getpass.getuser()}"


def test_a_named_user_must_be_allowed_unsuppressed_figures_and_is_audited(app, year_2011):
    runner = app.test_cli_runner()
    chair = UserFactory(roles=["panel_chair"])
    refused = runner.invoke(args=UNSUPPRESSED_TABLE + ["--user", chair.email])
    assert refused.exit_code != 0 and "unsuppressed" in refused.output
    assert "Male,Count,3" not in refused.output
    member = UserFactory(roles=["panel_member"])
    no_reports = runner.invoke(args=["reports", "table", "--measure", "deaths", "--year",
                                     "2011-12", "--rows", "sex", "--user", member.email])
    assert no_reports.exit_code != 0 and "may not see reports" in no_reports.output
    assert runner.invoke(args=UNSUPPRESSED_TABLE + ["--user", "nobody@example.org"]
                         ).exit_code == 2
    board = UserFactory(roles=["board_manager"])
    allowed = runner.invoke(args=UNSUPPRESSED_TABLE + ["--user", board.email])
    assert "Male,Count,3" in allowed.output
    assert [e.actor_id for e in audit_events("unsuppressed_report_viewed")] == [board.id]


def test_the_unsuppressed_return_is_written_for_the_system_user_and_audited(app, year_2011,
                                                                           tmp_path):
    result = app.test_cli_runner().invoke(args=[
        "reports", "dfe-return", "--year", "2011-12", "--out", str(tmp_path), "--unsuppressed"])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "t4_sex.csv", encoding="utf-8") as handle:
        assert "Male,Modifiable,3" in handle.read()
    [event] = audit_events("report_exported")
    assert event.actor_label.startswith("system:") and '"unsuppressed":true' in event.detail
    chair = UserFactory(roles=["panel_chair"])
    refused = app.test_cli_runner().invoke(args=[
        "reports", "dfe-return", "--year", "2011-12", "--out", str(tmp_path / "chair"),
        "--unsuppressed", "--user", chair.email])
    assert refused.exit_code != 0 and not (tmp_path / "chair").exists()


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
    assert [e.actor_id for e in audit_events("child_extract_exported")] == [board.id]


def test_the_child_level_extract_runs_as_the_system_user_as_the_issue_spells_it(app,
                                                                               year_2011):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reports", "child-extract", "--year", "2011-12"])
    assert result.exit_code == 0, result.output
    assert len(list(csv.DictReader(io.StringIO(result.output)))) == 16
    [event] = audit_events("child_extract_exported")
    assert event.actor_id is None and event.actor_label == f"system:{getpass.getuser()}"
    chair = UserFactory(roles=["panel_chair"])
    refused = runner.invoke(args=["reports", "child-extract", "--year", "2011-12",
                                  "--user", chair.email])
    assert refused.exit_code != 0 and "child_id" not in refused.output
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


def _problems_of(app, year):
    result = app.test_cli_runner().invoke(args=["reports", "data-quality", "--year", year])
    return [tuple(line.split("\t")) for line in result.output.splitlines() if "\t" in line]


def test_data_quality_lists_a_review_without_a_category_and_the_return_leaves_it_out(app, db):
    load([row(1, date(2011, 5, 1), date(2011, 9, 1), 9, "not_modifiable"),
          row(2, date(2011, 5, 2), date(2011, 9, 2), 9, "not_modifiable")])
    first = db.session.scalars(select(Case).order_by(Case.notified_on)).first()
    db.session.execute(update(Case).where(Case.id == first.id).values(category=None))
    db.session.commit()
    assert (first.case_ref, "reviewed without a category of death") in _problems_of(app,
                                                                                    "2011-12")
    result = services.build_return(None, "2011-12")
    # Not counted anywhere, so every table of reviews completed has the same total.
    totals = {t.spec.table_id: t.table.total for t in result.tables
              if t.spec.measure == "reviews_completed"}
    assert set(totals.values()) == {1}
    assert any(first.case_ref in warning for warning in result.warnings)


def test_data_quality_lists_a_modifiable_review_without_a_grade_2_modifiable_factor(app, db):
    load([row(n, date(2011, 5, 1 + n), date(2011, 9, 1), 10, "modifiable") for n in range(3)])
    with_factor, grade_1, none = db.session.scalars(select(Case).order_by(Case.notified_on))
    for case, grade in ((with_factor, 2), (grade_1, 1)):
        analysis = Analysis(case_id=case.id, category=10)
        factor = AnalysisFactor(position=0, domain="social", grade=grade, modifiable=True,
                                theme_code="co_sleeping")
        factor.description = "Slept on a sofa with a parent."
        analysis.factors.append(factor)
        db.session.add(analysis)
    db.session.commit()
    flagged = [ref for ref, problem in _problems_of(app, "2011-12")
               if problem == "modifiable outcome without a grade 2 modifiable factor"]
    assert flagged == sorted([grade_1.case_ref, none.case_ref])


def test_data_quality_lists_a_case_whose_stored_age_does_not_match_its_dates(app, db):
    load([row(1, date(2011, 5, 1), dob=date(2011, 4, 1)),
          row(2, date(2011, 5, 2), dob=date(2011, 4, 2))])
    wrong = db.session.scalars(select(Case).order_by(Case.notified_on)).first()
    db.session.execute(update(Case).where(Case.id == wrong.id).values(age_in_days=400,
                                                                      age_band="1_4_years"))
    db.session.commit()
    problems = _problems_of(app, "2011-12")
    assert problems == [(wrong.case_ref,
                         "age at death does not match the dates of birth and death")]


def test_a_table_by_year_of_death_lists_every_year_a_counted_case_died_in(app, db):
    # Reviewed in 2024-25: one death in 2018-19 (six years before), one in 2023-24.
    load([row(1, date(2018, 6, 1), date(2024, 6, 1), 1, "modifiable"),
          row(2, date(2023, 6, 1), date(2024, 6, 2), 1, "not_modifiable")])
    result = app.test_cli_runner().invoke(args=[
        "reports", "table", "--measure", "reviews_completed", "--year", "2024-25",
        "--rows", "year_of_death", "--unsuppressed"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "2018-19,Count,1", "2019-20,Count,0", "2020-21,Count,0", "2021-22,Count,0",
        "2022-23,Count,0", "2023-24,Count,1", "2024-25,Count,0", "Total,Count,2"]
    crossed = app.test_cli_runner().invoke(args=[
        "reports", "table", "--measure", "reviews_completed", "--year", "2024-25",
        "--rows", "year_of_death", "--cols", "modifiable"])
    assert crossed.exit_code == 0, crossed.output
    assert crossed.output.splitlines()[1].startswith("2018-19,Modifiable,")
