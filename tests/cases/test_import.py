"""Bulk import from CSV: all or nothing, every problem by line and column, duplicates."""

import io
from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select

from cdop_scr.audit import AuditEvent
from cdop_scr.cases import importer
from cdop_scr.models import Case, FamilyMember
from cdop_scr.models.audit import AuditRecord

from ..helpers import audit_events, text_of
from .conftest import nhs_number

HEADER = ("case_ref,forename,surname,date_of_birth,date_of_death,sex,ethnicity,nhs_number,"
          "postcode,other_names,school,death_expectation,place_of_death,notified_on,"
          "circumstances,review_completed_on,category,modifiable,delay_reason,event")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2024, 6, 1), tick=False):
        yield


def row(n, **overrides):
    values = {
        "case_ref": "", "forename": f"Imported{n}", "surname": f"Childname{n}",
        "date_of_birth": "2012-05-06", "date_of_death": "2023-02-03", "sex": "male",
        "ethnicity": "A", "nhs_number": nhs_number(5000 + n * 13), "postcode": "CT1 1AA",
        "other_names": "Parent One; Parent Two", "school": "Example School",
        "death_expectation": "expected", "place_of_death": "hospital",
        "notified_on": "2023-02-04", "circumstances": "Long illness, \"palliative\" care",
        "review_completed_on": "", "category": "", "modifiable": "", "delay_reason": "",
        "event": "",
    }
    values.update(overrides)
    cells = []
    for name in HEADER.split(","):
        value = str(values[name])
        cells.append(f'"{value.replace(chr(34), chr(34) * 2)}"' if ("," in value or '"' in value)
                     else value)
    return ",".join(cells)


def csv_text(*rows, header=HEADER):
    return "\n".join([header, *rows]) + "\n"


def count(db, model=Case):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_good_file_imports_every_row_with_generated_and_given_references(app, db, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "migrator")
    text = csv_text(
        row(1),
        row(2, case_ref="OLD-77", review_completed_on="2024-01-15", category="6",
            modifiable="not_modifiable", event="life_limiting"),
        row(3, notified_on="2023-03-01", delay_reason="awaiting_inquest", ethnicity="",
            nhs_number="", postcode=""),
        row(4, case_ref="CDR-2023-0010"),
    )
    path = tmp_path / "cases.csv"
    path.write_text(text, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["cases", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 4 cases." in result.output
    cases = {c.forename: c for c in db.session.scalars(select(Case))}
    assert sorted(c.case_ref for c in cases.values()) == [
        "CDR-2023-0010", "CDR-2023-0011", "CDR-2023-0012", "OLD-77"]
    reviewed = cases["Imported2"]
    assert (reviewed.status, reviewed.category, reviewed.modifiable, reviewed.event,
            reviewed.review_completed_on) == ("reviewed", 6, "not_modifiable", "life_limiting",
                                              date(2024, 1, 15))
    assert cases["Imported1"].status == "notified"
    assert cases["Imported1"].circumstances == 'Long illness, "palliative" care'
    assert cases["Imported3"].ethnicity_group == "not_known"
    assert cases["Imported3"].delay_reason == "awaiting_inquest"
    assert [m.name for m in cases["Imported1"].family_members] == ["Parent One", "Parent Two"]
    assert cases["Imported1"].financial_year_of_death == "2022-23"
    created = audit_events(AuditEvent.CASE_CREATED)
    assert len(created) == 4
    assert {e.actor_label for e in created} == {created[0].actor_label}
    # A command-line import is the system, named with the operating-system user.
    assert created[0].actor_label == "system:migrator" and created[0].actor_id is None
    summary = audit_events(AuditEvent.CASES_IMPORTED)
    assert len(summary) == 1 and summary[0].detail_dict["rows"] == 4
    assert (summary[0].actor_label, summary[0].detail_dict["via"]) == ("system:migrator", "cli")


def test_the_command_shows_a_progress_bar_on_standard_error(app, db, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(csv_text(row(1), row(2), row(3)), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["cases", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Importing cases" in result.stderr
    assert "Importing cases" not in result.stdout
    assert result.stdout.strip() == "Imported 3 cases."


def test_on_a_terminal_the_progress_bar_fills_to_100_percent(app, db, tmp_path, monkeypatch):
    import click._termui_impl

    monkeypatch.setattr(click._termui_impl, "isatty", lambda stream: True)
    path = tmp_path / "cases.csv"
    path.write_text(csv_text(row(1), row(2)), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["cases", "import", str(path)])
    assert result.exit_code == 0, result.output
    last = result.stderr.replace("\r", "\n").strip().splitlines()[-1]
    assert last.startswith("Importing cases") and "100%" in last, result.stderr


def test_safe_case_references_are_kept(app, db):
    text = csv_text(
        row(1, case_ref="OLD-77"),
        row(2, case_ref="kent/2011/045"),
        row(3, case_ref="CDR-2012-0501", date_of_birth="2005-12-20"),  # 20/12/05 not in it
        row(4, case_ref="LI-1234567", surname="Lindqvist"),  # LI is not the name Lindqvist
    )
    result = importer.import_cases(None, text)
    assert result.ok, [str(p) for p in result.problems]
    assert sorted(db.session.scalars(select(Case.case_ref))) == [
        "CDR-2012-0501", "KENT/2011/045", "LI-1234567", "OLD-77"]


def test_one_bad_row_imports_nothing_and_the_report_names_line_and_column(app, db, tmp_path):
    text = csv_text(row(1), row(2, date_of_birth="2012-02-30", sex="boy"), row(3))
    path = tmp_path / "cases.csv"
    path.write_text(text, encoding="utf-8")
    audit_rows = count(db, AuditRecord)
    result = app.test_cli_runner().invoke(args=["cases", "import", str(path)])
    assert result.exit_code == 1
    assert "Nothing was imported: 2 problems in 3 rows." in result.output
    assert "Line 3, column date_of_birth: is not a real date in the form YYYY-MM-DD" in \
        result.output
    assert "Line 3, column sex: must be one of male|female|not_known" in result.output
    assert "2012-02-30" not in result.output
    assert count(db) == 0 and count(db, FamilyMember) == 0
    assert count(db, AuditRecord) == audit_rows


IDENTIFIERS = "must not contain the child's identifiers (name, date of birth or NHS number)"


@pytest.mark.parametrize("overrides, column, message", [
    ({"forename": ""}, "forename", "is required"),
    ({"date_of_death": "2023-02-03", "date_of_birth": "2023-03-01"}, "date_of_birth",
     "Date of birth must be on or before the date of death"),
    ({"date_of_birth": "2005-02-03"}, "date_of_death",
     "Date of death must be before the child's 18th birthday"),
    ({"date_of_death": "2024-06-02", "notified_on": "2024-06-01"}, "date_of_death",
     "Date of death must be today or in the past"),
    ({"date_of_death": "03/02/2023"}, "date_of_death", "is not a real date in the form YYYY-MM-DD"),
    ({"nhs_number": "9434765918"}, "nhs_number",
     "is not a valid NHS number (10 digits with a correct check digit)"),
    ({"postcode": "NOT A CODE"}, "postcode", "is not a real UK postcode"),
    ({"ethnicity": "Q"}, "ethnicity", "must be an NHS ethnic category code (A-S, or Z for not "
                                      "stated)"),
    ({"death_expectation": "maybe"}, "death_expectation",
     "must be one of expected|unexpected|not_known"),
    ({"place_of_death": "school"}, "place_of_death", "must be one of hospital|home|other|abroad"),
    ({"category": "11", "review_completed_on": "2024-01-01", "modifiable": "modifiable"},
     "category", "must be a whole number from 1 to 10"),
    ({"review_completed_on": "2024-01-01", "modifiable": "modifiable"}, "category",
     "is required when review_completed_on is given"),
    ({"category": "3"}, "category", "is only for a completed review: give review_completed_on too"),
    ({"delay_reason": "waiting"}, "delay_reason", "must be one of awaiting_inquest|"
     "awaiting_criminal_proceedings|awaiting_review_or_investigation|"
     "awaiting_agency_information|panel_capacity|other"),
    ({"event": "fall"}, "event", "must be one of neonatal|life_limiting|sudden_unexpected|"
     "road_traffic|drowning|fire_burns|poisoning|other_injury|substance_misuse|homicide|"
     "suicide|none"),
    # A given case reference must be a plain code, never the child's identity.
    ({"case_ref": "X" * 21}, "case_ref", "must be 20 characters or fewer"),
    ({"case_ref": "AB"}, "case_ref", "must be 3 to 20 letters, digits, hyphens or slashes"),
    ({"case_ref": "OLD 77"}, "case_ref", "must be 3 to 20 letters, digits, hyphens or slashes"),
    ({"case_ref": "Zoë-77"}, "case_ref", "must be 3 to 20 letters, digits, hyphens or slashes"),
    ({"case_ref": "REF-9434765919"}, "case_ref",
     "must not contain 8 or more digits in a row: it could be an NHS number or a date of birth"),
    ({"case_ref": "REF-20120506"}, "case_ref",
     "must not contain 8 or more digits in a row: it could be an NHS number or a date of birth"),
    ({"case_ref": "CHILDNAME2-01"}, "case_ref", IDENTIFIERS),   # the row's surname
    ({"case_ref": "old/imported/3"}, "case_ref", IDENTIFIERS),  # its forename, any case
    ({"case_ref": "NG-2011-4", "surname": "Ng"}, "case_ref", IDENTIFIERS),  # a short name alone
    ({"case_ref": "X-2012/05/06"}, "case_ref", IDENTIFIERS),   # date of birth, separated
    ({"case_ref": "R-06-05-2012"}, "case_ref", IDENTIFIERS),
    ({"case_ref": "R/060512"}, "case_ref", IDENTIFIERS),       # two-digit year, a whole run
    ({"case_ref": "000-005-0261"}, "case_ref", IDENTIFIERS),   # the row's NHS number
])
def test_each_rule_is_reported_for_its_line_and_column(app, db, overrides, column, message):
    if overrides.get("case_ref") == "000-005-0261":
        assert nhs_number(5000 + 2 * 13) == "0000050261"  # row 2's NHS number
    result = importer.import_cases(None, csv_text(row(1), row(2, **overrides)))
    assert [str(p) for p in result.problems] == [f"Line 3, column {column}: {message}"]
    assert count(db) == 0


def test_duplicates_within_the_file_are_reported(app, db):
    text = csv_text(
        row(1),
        row(2, nhs_number=nhs_number(5000 + 13)),  # row 1's NHS number
        row(3, surname="childname1", nhs_number=""),  # row 1's surname and date of birth
        row(4, case_ref="X-1"), row(5, case_ref="x-1"),
    )
    result = importer.import_cases(None, text)
    assert [str(p) for p in result.problems] == [
        "Line 3, column nhs_number: is the same NHS number as line 2",
        "Line 4, column surname: has the same surname and date of birth as line 2",
        "Line 6, column case_ref: is the same case reference as line 5",
    ]
    assert count(db) == 0


def test_duplicates_of_cases_on_record_are_reported(app, db, make_case):
    existing = make_case()  # NHS 943 476 5919, Testchild-Zephyrine born 2015-04-03
    text = csv_text(
        row(1, nhs_number="943 476 5919"),
        row(2, surname="TESTCHILD-ZEPHYRINE", date_of_birth="2015-04-03",
            date_of_death="2024-01-10", notified_on="2024-01-11"),
        row(3, case_ref=existing.case_ref),
    )
    result = importer.import_cases(None, text)
    assert [str(p) for p in result.problems] == [
        f"Line 2, column nhs_number: matches existing case {existing.case_ref}",
        f"Line 3, column surname: surname and date of birth match existing case "
        f"{existing.case_ref}",
        "Line 4, column case_ref: is already used by another case",
    ]
    assert count(db) == 1


def test_a_dry_run_checks_everything_and_writes_nothing(app, db, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(csv_text(row(1), row(2)), encoding="utf-8")
    before = count(db, AuditRecord)
    result = app.test_cli_runner().invoke(args=["cases", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: all 2 rows are valid; nothing was imported." in result.output
    assert count(db) == 0 and count(db, AuditRecord) == before


def test_the_header_must_name_the_columns_exactly(app, db):
    result = importer.import_cases(
        None, "Forename,surname,date_of_birth,date_of_death,sex,death_expectation,notified_on,"
              "colour\nA,B,2012-01-01,2013-01-01,male,expected,2013-01-02,red\n")
    assert [str(p) for p in result.problems] == [
        "Line 1, column Forename: is not a column this import understands",
        "Line 1, column colour: is not a column this import understands",
        "Line 1, column forename: is a required column and is missing",
    ]


def test_a_file_that_is_not_utf8_is_refused(app, db, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(csv_text(row(1, forename="Zo\u00eb")).encode("utf-16"))
    result = app.test_cli_runner().invoke(args=["cases", "import", str(path)])
    assert result.exit_code == 1
    assert "UTF-8" in result.output
    assert count(db) == 0


def test_the_coordinator_uploads_a_file_and_the_import_is_audited_as_them(client, login_as,
                                                                        db):
    user = login_as("coordinator")
    upload = (io.BytesIO(csv_text(row(1), row(2)).encode("utf-8")), "cases.csv")
    response = client.post("/cases/import", data={"file": upload},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "2 cases imported" in text_of(response)
    assert count(db) == 2
    assert {e.actor_id for e in audit_events(AuditEvent.CASE_CREATED)} == {user.id}
    assert audit_events(AuditEvent.CASES_IMPORTED)[0].detail_dict["via"] == "upload"


def test_an_upload_with_a_bad_row_shows_every_problem_and_imports_nothing(client, login_as,
                                                                         db):
    login_as("coordinator")
    upload = (io.BytesIO(csv_text(row(1), row(2, surname="", sex="")).encode()), "cases.csv")
    response = client.post("/cases/import", data={"file": upload, "dry_run": "y"},
                           content_type="multipart/form-data")
    shown = text_of(response)
    assert "Nothing was imported: the file has 2 problems" in shown
    assert "Line 3, column surname: is required" in shown
    assert "Line 3, column sex: is required" in shown
    assert count(db) == 0


def test_an_upload_needs_a_csv_file(client, login_as):
    login_as("coordinator")
    response = client.post("/cases/import", data={}, content_type="multipart/form-data")
    assert "Select a CSV file" in text_of(response)


def test_the_demo_dataset_has_every_status_and_five_years_and_loads_once(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    statuses = dict(db.session.execute(
        select(Case.status, func.count()).group_by(Case.status)).all())
    assert set(statuses) == {"notified", "gathering_information", "ready_for_panel", "reviewed",
                             "closed", "withdrawn"}
    # About 34 reviews signed off in each of six financial years, and about 20 open cases.
    assert 190 <= sum(statuses.values()) <= 240
    years = db.session.scalars(select(Case.financial_year_of_death).distinct()).all()
    # Today is frozen at 1 June 2024 in this module: 2020-21 to the current year, 2024-25.
    assert {"2020-21", "2021-22", "2022-23", "2023-24", "2024-25"} <= set(years)
    reviewed = db.session.scalars(select(Case).where(Case.status == "reviewed")).all()
    assert all(c.category and c.modifiable and c.event and c.review_completed_on
               for c in reviewed)
    assert db.session.scalar(select(func.count()).select_from(Case).where(
        Case.withdrawal_reason == "transferred")) == 1
    total = sum(statuses.values())
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Case)) == total


def test_an_imported_case_is_stored_as_the_services_would_store_it(app, db):
    from cdop_scr.cases import services

    text = csv_text(row(1, review_completed_on="2024-01-15", category="6",
                        modifiable="not_modifiable", event="life_limiting"))
    assert importer.import_cases(None, text).ok
    case = db.session.scalar(select(Case))
    # What apply_details and the review outcome derive, and a version the edit forms accept.
    assert (case.age_in_days, case.age_band, case.financial_year_of_death, case.month_of_death,
            case.ethnicity_group, case.time_to_review, case.version) == (
        3925, "10_14_years", "2022-23", date(2023, 2, 1), "white", "6_to_12_months", 1)
    assert (case.forename, case.surname, case.date_of_birth, case.date_of_death,
            case.postcode, case.school) == ("Imported1", "Childname1", date(2012, 5, 6),
                                            date(2023, 2, 3), "CT1 1AA", "Example School")
    # The blind indexes find it, as they find a case recorded through the form.
    assert [c.case_ref for c, *_ in services.search_cases(None, nhs_number=case.nhs_number)] == [
        case.case_ref]
    assert [c.case_ref for c, *_ in services.search_cases(
        None, surname="CHILDNAME1", date_of_birth=date(2012, 5, 6))] == [case.case_ref]
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
