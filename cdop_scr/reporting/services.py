"""The statutory return, cross-tables, data quality and the child-level extract.

Counting happens in SQL on clear columns (queries.py); suppression is plain Python
(suppression.py). Every table passes the disclosure gate before anyone sees or downloads it.
"""

import csv
import hashlib
import hmac
import io
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app
from openpyxl import Workbook
from sqlalchemy import and_, or_, select

from .. import audit
from ..audit import AuditEvent
from ..errors import Forbidden, ValidationError
from ..extensions import db
from ..models.cases import Case
from ..models.panels import Analysis, AnalysisFactor
from ..permissions import Permission
from . import dimensions as d
from . import queries
from .dimensions import MODIFIABLE
from .suppression import Status, SuppressedTable, assert_safe, footnotes, suppress
from .tables import PERCENT_MODIFIABLE, build_table, percent_modifiable, tidy_csv, tidy_rows


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    title: str
    measure: str
    rows: str
    cols: str | None = None
    with_percent: bool = False  # add "% modifiable" lines to the tidy CSV


RETURN_TABLES = [
    TableSpec("t1_notified", "Deaths notified, by expected or unexpected death",
              "deaths_notified", "death_expectation"),
    TableSpec("t2_category", "Reviews completed, by category of death and modifiable factors",
              "reviews_completed", "category", "modifiable", with_percent=True),
    TableSpec("t3_age", "Reviews completed, by age at death and modifiable factors",
              "reviews_completed", "age_band", "modifiable"),
    TableSpec("t4_sex", "Reviews completed, by sex and modifiable factors",
              "reviews_completed", "sex", "modifiable"),
    TableSpec("t5_ethnicity", "Reviews completed, by ethnicity and modifiable factors",
              "reviews_completed", "ethnicity_group", "modifiable"),
    TableSpec("t6_expectation", "Reviews completed, by expected or unexpected death and "
              "modifiable factors", "reviews_completed", "death_expectation", "modifiable"),
    TableSpec("t7_event", "Reviews completed, by event leading to death and modifiable factors",
              "reviews_completed", "event", "modifiable"),
    TableSpec("t8_time_to_review", "Reviews completed, by time from death to completed review",
              "reviews_completed", "time_to_review"),
    TableSpec("t9_open", "Reviews open at the end of the year, by time since death and reason "
              "for delay", "open_reviews", "time_since_death", "delay_reason"),
    TableSpec("t10_scr", "Reviews completed where a serious case review was held or considered",
              "reviews_completed", "scr"),
]


@dataclass
class Published:
    """A table as a reader will get it: suppressed unless `unsuppressed`."""

    spec: TableSpec
    year: str
    table: object
    suppressed: object | None  # None when unsuppressed

    def text(self, key):
        return self.suppressed.text(key) if self.suppressed else str(self.table.value(key))

    def shown(self, key):
        """The number a reader sees at `key`, or None when it is hidden."""
        if self.suppressed and self.suppressed.is_hidden(key):
            return None
        return self.table.value(key)

    def tidy_rows(self):
        """Every cell and total; for the category table also each row's "% modifiable"."""
        rows = tidy_rows(self.table, self.text)
        if self.spec.with_percent:
            rows += [(label, PERCENT_MODIFIABLE, text)
                     for label, text in self.percent_modifiable()]
        return rows

    def csv(self):
        return tidy_csv(self.tidy_rows())

    def percent_modifiable(self):
        if self.table.cols is not MODIFIABLE:
            return []
        hidden = self.suppressed.is_hidden if self.suppressed else (lambda key: False)
        return percent_modifiable(self.table, hidden)


@dataclass
class Issue:
    case_id: object
    case_ref: str
    problem: str


@dataclass
class Return:
    year: str
    tables: list
    threshold: int
    unsuppressed: bool
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    warnings: list = field(default_factory=list)


def threshold():
    return current_app.config["REPORT_SUPPRESSION_THRESHOLD"]


def check_year(year):
    try:
        d.financial_year_bounds(year)
    except ValueError as error:
        raise ValidationError("Enter a financial year like 2011-12") from error
    return year


class SystemActor:
    """Whoever runs `flask reports` on the server without naming a user: the operating-system
    account that holds the keys, trusted as `flask cases import` is, and audited as
    `system:<user>`."""

    def can(self, permission):
        return True


SYSTEM = SystemActor()


def _audit_actor(actor):
    return None if actor is SYSTEM else actor


def _check_unsuppressed(actor, unsuppressed):
    if unsuppressed and (actor is None or not actor.can(Permission.VIEW_UNSUPPRESSED)):
        raise Forbidden("Only coordinators and board managers may see unsuppressed figures.")


def build(spec, year, unsuppressed=False):
    """Count, tabulate and (unless unsuppressed) suppress one table; the gate runs here.

    The table's totals are suppressed as the one-way tables of its dimensions (`suppress` does
    it), so they read the same in the return, on the page and from `flask reports table`.
    """
    rows = queries.dimension(spec.rows, year, spec.measure)
    cols = queries.dimension(spec.cols, year, spec.measure) if spec.cols else None
    table = build_table(queries.counts(spec.measure, year, spec.rows, spec.cols), rows, cols)
    if unsuppressed:
        return Published(spec, year, table, None)
    published = suppress(table, threshold())
    assert_safe(published)  # a table that fails the gate is never shown or written
    return Published(spec, year, table, published)


def trend(years):
    """Deaths notified and reviews completed per year (oldest first), as the return prints each
    year's grand total: `<5` when small. No total over the years: with a year hidden it would
    give that year away."""
    dimension = d.year_dimension(years[0], years[-1], name="year", title="Financial year")
    series = []
    for measure in ("deaths_notified", "reviews_completed"):
        table = build_table({y: queries.total(measure, y) for y in dimension.codes}, dimension)
        status = {(i, 0): Status.PRIMARY for i in range(table.n_rows)
                  if 0 < table.value((i, 0)) < threshold()}
        series.append(Published(TableSpec(measure, queries.MEASURES[measure], measure, "year"),
                                years[-1], table, SuppressedTable(table, threshold(), status)))
    return series


def cross_table(actor, measure, year, rows, cols=None, unsuppressed=False, export=False):
    """Any measure by one or two dimensions, for the page and `flask reports table`; with
    `export`, for a download, audited as one."""
    check_year(year)
    if measure not in queries.MEASURES:
        raise ValidationError(f"Choose a measure: {', '.join(queries.MEASURES)}")
    for name in filter(None, (rows, cols)):
        if name not in queries.COLUMN_DIMENSIONS + ("time_since_death",):
            raise ValidationError(f"{name} is not a dimension")
    if rows == cols:
        raise ValidationError("Choose different dimensions for rows and columns")
    _check_unsuppressed(actor, unsuppressed)
    spec = TableSpec("table", queries.MEASURES[measure], measure, rows, cols)
    published = build(spec, year, unsuppressed)
    if export:
        audit.record(AuditEvent.REPORT_EXPORTED, actor=_audit_actor(actor),
                     detail={"report": "cross_table", "measure": measure, "year": year,
                             "rows": rows, "cols": cols, "unsuppressed": unsuppressed})
        db.session.commit()
    elif unsuppressed:
        audit.record(AuditEvent.UNSUPPRESSED_REPORT_VIEWED, actor=_audit_actor(actor),
                     detail={"measure": measure, "year": year, "rows": rows, "cols": cols})
        db.session.commit()
    return published


def build_return(actor, year, unsuppressed=False):
    """All ten tables of the return for a financial year, with the data-quality warnings."""
    check_year(year)
    _check_unsuppressed(actor, unsuppressed)
    tables = [build(spec, year, unsuppressed) for spec in RETURN_TABLES]
    warnings = [f"{issue.case_ref}: {issue.problem}" for issue in data_quality(year)]
    return Return(year, tables, threshold(), unsuppressed, warnings=warnings)


def notes(result):
    """(label, text) lines for the notes sheet."""
    lines = [
        ("Period", f"Financial year {result.year} "
                   f"({d.financial_year_bounds(result.year)[0]:%d %B %Y} to "
                   f"{d.financial_year_bounds(result.year)[1]:%d %B %Y})"),
        ("Generated at", result.generated_at.strftime("%Y-%m-%d %H:%M UTC")),
        ("Counted", "Reviews completed count by the panel's sign-off date; deaths notified by the "
                    "date of notification. Cases withdrawn or transferred to another CDOP are "
                    "excluded, and so are reviews signed off without a category, outcome or "
                    "time to review (listed under data quality)."),
    ]
    if result.unsuppressed:
        lines.append(("Suppression", "NONE: unsuppressed figures, not for publication."))
    else:
        lines.append(("Suppression", f"Counts from 1 to {result.threshold - 1} are not shown; "
                                     f"further cells are hidden so they cannot be worked out, "
                                     f"from this table or with the others: every total reads "
                                     f"the same in every table."))
        lines += [(f"Symbol {symbol}", meaning) for symbol, meaning in footnotes(result.threshold)]
    if result.warnings:
        lines += [("Data quality", warning) for warning in result.warnings]
    else:
        lines.append(("Data quality", "No problems found."))
    return lines


def _sheet_rows(published):
    table = published.table
    header = [table.rows.title] + [table.col_label(j) for j in range(len(table.grid[0]))]
    body = []
    for i in range(len(table.grid)):
        cells = []
        for j in range(len(table.grid[0])):
            text = published.text((i, j))
            cells.append(int(text) if text.isdigit() else text)
        body.append([table.row_label(i)] + cells)
    return header, body


def workbook(result):
    """return.xlsx: one sheet per table, plus the notes sheet."""
    book = Workbook()
    notes_sheet = book.active
    notes_sheet.title = "notes"
    notes_sheet.append(["Child death reviews: statutory return"])
    for label, text in notes(result):
        notes_sheet.append([label, text])
    for published in result.tables:
        sheet = book.create_sheet(published.spec.table_id)
        sheet.append([published.spec.title])
        sheet.append([])
        header, body = _sheet_rows(published)
        sheet.append(header)
        for line in body:
            sheet.append(line)
        percents = published.percent_modifiable() if published.spec.with_percent else []
        if percents:
            sheet.append([])
            sheet.append([published.table.rows.title, "% modifiable"])
            for label, text in percents:
                sheet.append([label, int(text) if text.isdigit() else text])
    return book


def workbook_bytes(result):
    buffer = io.BytesIO()
    workbook(result).save(buffer)
    return buffer.getvalue()


def write_return(result, out_dir):
    """Write return.xlsx and <table_id>.csv into out_dir: all of them, or none."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".return-", dir=out_dir))
    try:
        for published in result.tables:
            (staging / f"{published.spec.table_id}.csv").write_text(published.csv(),
                                                                     encoding="utf-8")
        workbook(result).save(staging / "return.xlsx")
        names = sorted(os.listdir(staging))
        for name in names:
            os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name in names]


def csv_zip_bytes(result):
    """<table_id>.csv for every table of the return, in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for published in result.tables:
            archive.writestr(f"{published.spec.table_id}.csv", published.csv())
    return buffer.getvalue()


def export_return(actor, year, out_dir=None, unsuppressed=False, form="xlsx"):
    """Build the return, write it to `out_dir` (or give it back as XLSX or a zip of the
    CSVs: `form`), and audit the export."""
    result = build_return(actor, year, unsuppressed)
    report = "dfe_return" if out_dir or form == "xlsx" else "dfe_return_csv"
    audit.record(AuditEvent.REPORT_EXPORTED, actor=_audit_actor(actor),
                 detail={"report": report, "year": year, "unsuppressed": unsuppressed})
    if out_dir:
        files = write_return(result, out_dir)
    else:
        files = workbook_bytes(result) if form == "xlsx" else csv_zip_bytes(result)
    db.session.commit()
    return result, files


# Data quality ---------------------------------------------------------------------------------

def data_quality(year, deep=False):
    """Cases the year's figures would count wrongly or not at all.

    The SQL checks run on clear columns; `deep` also decrypts the dates of the counted cases to
    check their stored age (for the data-quality page, never while building the return).
    """
    check_year(year)
    issues = []
    reviewed = queries.signed_off(year)
    checks = [
        (and_(reviewed, Case.category.is_(None)), "reviewed without a category of death"),
        (and_(reviewed, Case.modifiable.is_(None)), "reviewed without a modifiable outcome"),
        (and_(reviewed, Case.time_to_review.is_(None)), "reviewed without a time to review"),
        (and_(queries.condition("open_reviews", year),
              queries.time_since_death_at(d.financial_year_bounds(year)[1]) == "over_12_months",
              Case.delay_reason.is_(None)),
         "open over 12 months at the end of the year without a reason for delay"),
    ]
    counted = or_(reviewed, queries.condition("deaths_notified", year))
    checks += [
        (and_(counted, or_(Case.sex.is_(None), Case.sex == "not_known")), "sex not recorded"),
        (and_(counted, or_(Case.ethnicity.is_(None), Case.ethnicity == "Z")),
         "ethnicity not recorded"),
    ]
    checks += _modifiable_without_factor_check(reviewed)
    for where, problem in checks:
        for case_id, case_ref in db.session.execute(
            select(Case.id, Case.case_ref).where(where).order_by(Case.case_ref)
        ):
            issues.append(Issue(case_id, case_ref, problem))
    if deep:
        issues += _age_inconsistencies(counted)
    return issues


def _modifiable_without_factor_check(reviewed):
    """Modifiable outcome but no grade-2 factor marked modifiable (needs the panel analysis)."""
    has_factor = (
        select(AnalysisFactor.id)
        .join(Analysis, AnalysisFactor.analysis_id == Analysis.id)
        .where(Analysis.case_id == Case.id, AnalysisFactor.grade == 2,
               AnalysisFactor.modifiable.is_(True))
        .exists()
    )
    return [(and_(reviewed, Case.modifiable == "modifiable", ~has_factor),
             "modifiable outcome without a grade 2 modifiable factor")]


def _age_inconsistencies(counted):
    issues = []
    for case in db.session.scalars(select(Case).where(counted).order_by(Case.case_ref)):
        if case.date_of_birth is None or case.date_of_death is None:
            continue
        days = (case.date_of_death - case.date_of_birth).days
        try:
            band = d.age_band_for(case.date_of_birth, case.date_of_death)
        except ValueError:
            band = None
        if days != case.age_in_days or band != case.age_band:
            issues.append(Issue(case.id, case.case_ref,
                                "age at death does not match the dates of birth and death"))
    return issues


def view_data_quality(actor, year):
    issues = data_quality(year, deep=True)
    audit.record(AuditEvent.DATA_QUALITY_VIEWED, actor=_audit_actor(actor), detail={"year": year})
    db.session.commit()
    return issues


# Child-level extract ---------------------------------------------------------------------------

EXTRACT_COLUMNS = ["child_id", "review_year", "year_of_death", "age_band", "sex", "ethnicity",
                   "death_expectation", "place_of_death", "category", "modifiable", "event",
                   "time_to_review", "scr"]


def _pseudonym(case_id):
    key = current_app.extensions["cdop_keyring"].index_key
    return hmac.new(key, b"extract:" + str(case_id).encode(), hashlib.sha256).hexdigest()[:16]


def child_extract(actor, year):
    """One row per completed review: coded fields and a pseudonymous id, no direct identifiers."""
    check_year(year)
    _check_unsuppressed(actor, True)
    columns = (Case.id, Case.financial_year_of_death, Case.age_band, Case.sex, Case.ethnicity,
               Case.death_expectation, Case.place_type, Case.category, Case.modifiable,
               Case.event, Case.time_to_review, Case.scr_referred_on.is_not(None))
    rows = [EXTRACT_COLUMNS]
    for (case_id, fy, band, sex, ethnicity, expectation, place, category, modifiable, event,
         ttr, scr) in db.session.execute(
        select(*columns).where(queries.signed_off(year))
        .order_by(Case.review_completed_on, Case.id)
    ):
        rows.append([_pseudonym(case_id), year, fy, band, sex, ethnicity or "Z", expectation,
                     place or "", category or "", modifiable or "", event or "none", ttr or "",
                     "yes" if scr else "no"])
    audit.record(AuditEvent.CHILD_EXTRACT_EXPORTED, actor=_audit_actor(actor),
                 detail={"year": year, "rows": len(rows) - 1})
    db.session.commit()
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def available_years(today=None):
    """The current financial year and the four before it, newest first."""
    current = d.financial_year_of(today or date.today())
    return [queries.years_before(current, n) for n in range(5)]
