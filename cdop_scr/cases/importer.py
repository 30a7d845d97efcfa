"""Bulk import of cases from a UTF-8 CSV file: all or nothing, every problem reported.

Used by `flask cases import FILE.csv [--dry-run]` and by the coordinator's upload page.
"""

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select

from .. import audit
from ..audit import AuditEvent
from ..crypto.blind_index import blind_index
from ..crypto.fields import keyring
from ..extensions import db
from ..forms import has_control_characters
from ..models.base import utcnow
from ..models.cases import (
    Case,
    CaseStatus,
    DeathExpectation,
    DelayReason,
    Ethnicity,
    Event,
    FamilyMember,
    Modifiable,
    PlaceType,
    Relationship,
    Sex,
)
from ..reporting.dimensions import time_to_review_for
from . import rules, services
from .clocks import today

COLUMNS = (
    "case_ref", "forename", "surname", "date_of_birth", "date_of_death", "sex", "ethnicity",
    "nhs_number", "postcode", "other_names", "school", "death_expectation", "place_of_death",
    "notified_on", "circumstances", "review_completed_on", "category", "modifiable",
    "delay_reason", "event",
)
REQUIRED = ("forename", "surname", "date_of_birth", "date_of_death", "sex",
            "death_expectation", "notified_on")
CODES = {
    "sex": Sex,
    "death_expectation": DeathExpectation,
    "place_of_death": PlaceType,
    "modifiable": Modifiable,
    "delay_reason": DelayReason,
    "event": Event,
}
CODE_VALUES = {column: tuple(c.value for c in codes) for column, codes in CODES.items()}
ETHNICITY_CODES = frozenset(e.value for e in Ethnicity)
# Problems never quote a cell's value: a misplaced column could hold a name or a date of birth.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BATCH = 1000
CHUNK = 500  # values per IN (...) when checking the database for duplicates


@dataclass
class Problem:
    line: int
    column: str | None
    message: str

    def __str__(self):
        where = f"Line {self.line}" if self.line else "File"
        return f"{where}, column {self.column}: {self.message}" if self.column else \
            f"{where}: {self.message}"


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    dry_run: bool = False
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


@dataclass
class Row:
    line: int
    values: dict
    nhs_index: str | None = None
    surname_dob_index: str | None = None
    case_ref: str | None = None


def _date(row, column, problems, line):
    text = row.get(column, "")
    if not text:
        return None
    try:
        if not ISO_DATE.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        # Never echo the value: it may be a date of birth.
        problems.append(Problem(line, column, "is not a real date in the form YYYY-MM-DD"))
        return None


def _parse(line, raw, problems):
    """Check one row; returns the values ready for the case, or None when it has problems."""
    before = len(problems)
    row = {k: (v or "").strip() for k, v in raw.items()}
    for column in REQUIRED:
        if not row.get(column):
            problems.append(Problem(line, column, "is required"))
    values = {}
    for column in ("date_of_birth", "date_of_death", "notified_on", "review_completed_on"):
        values[column] = _date(row, column, problems, line)
    for column, codes in CODE_VALUES.items():
        text = row.get(column, "")
        if text and text not in codes:
            problems.append(Problem(line, column, f"must be one of {'|'.join(codes)}"))
        values[column] = text or None
    ethnicity = row.get("ethnicity", "")
    if ethnicity and ethnicity.upper() not in ETHNICITY_CODES:
        problems.append(Problem(line, "ethnicity", "must be an NHS ethnic category code "
                                                   "(A-S, or Z for not stated)"))
    values["ethnicity"] = ethnicity.upper() or None
    nhs = row.get("nhs_number", "")
    if nhs and not rules.nhs_number_is_valid(nhs):
        problems.append(Problem(line, "nhs_number", "is not a valid NHS number (10 digits with "
                                                    "a correct check digit)"))
    values["nhs_number"] = rules.nhs_number_digits(nhs) if nhs else None
    postcode = row.get("postcode", "")
    if postcode and not rules.normalise_postcode(postcode):
        problems.append(Problem(line, "postcode", "is not a real UK postcode"))
    values["postcode"] = rules.normalise_postcode(postcode) if postcode else None
    category = row.get("category", "")
    values["category"] = None
    if category:
        if category.isdigit() and 1 <= int(category) <= 10:
            values["category"] = int(category)
        else:
            problems.append(Problem(line, "category", "must be a whole number from 1 to 10"))
    case_ref = services.normalise_case_ref(row.get("case_ref", ""))
    if len(case_ref) > 20:
        problems.append(Problem(line, "case_ref", "must be 20 characters or fewer"))
    elif case_ref and not has_control_characters(case_ref):
        problem = rules.case_ref_problem(case_ref, row.get("forename"), row.get("surname"),
                                         values["date_of_birth"], values["nhs_number"])
        if problem:
            problems.append(Problem(line, "case_ref", problem))
    values["case_ref"] = case_ref or None

    for column, message in rules.check_dates(values["date_of_birth"], values["date_of_death"],
                                             values["notified_on"], today()).items():
        problems.append(Problem(line, column, message))
    completed = values["review_completed_on"]
    if completed:
        if completed > today():
            problems.append(Problem(line, "review_completed_on", "must be today or in the past"))
        elif values["date_of_death"] and completed < values["date_of_death"]:
            problems.append(Problem(line, "review_completed_on",
                                    "must be on or after the date of death"))
        for column in ("category", "modifiable"):
            if not row.get(column):
                problems.append(Problem(line, column, "is required when review_completed_on "
                                                      "is given"))
    else:
        for column in ("category", "modifiable"):
            if row.get(column):
                problems.append(Problem(line, column, "is only for a completed review: give "
                                                      "review_completed_on too"))
    for column in ("forename", "surname", "school", "circumstances", "other_names"):
        values[column] = row.get(column) or None
    for column, limit in (("forename", 100), ("surname", 100), ("school", 200),
                          ("circumstances", 10000), ("other_names", 1000)):
        if values[column] and len(values[column]) > limit:
            problems.append(Problem(line, column, f"must be {limit} characters or fewer"))
    for column in ("case_ref", "forename", "surname", "school", "circumstances", "other_names"):
        if has_control_characters(row.get(column)):
            problems.append(Problem(line, column, "must not include hidden control characters "
                                                  "(such as NUL)"))
    return values if len(problems) == before else None


def _read(text, problems):
    """(header, [(line, row dict)]) or problems about the file's shape."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        problems.append(Problem(0, None, "The file is empty"))
        return []
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in COLUMNS]
    for name in unknown:
        problems.append(Problem(1, name, "is not a column this import understands"))
    for name in sorted({h for h in header if header.count(h) > 1}):
        problems.append(Problem(1, name, "appears more than once in the header"))
    for name in REQUIRED:
        if name not in header:
            problems.append(Problem(1, name, "is a required column and is missing"))
    if problems:
        return []
    rows, line = [], 2
    for record in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(Problem(start, None, f"has {len(record)} values but the header "
                                                 f"has {len(header)} columns"))
            continue
        rows.append((start, dict(zip(header, record, strict=True))))
    return rows


def _check_duplicates(rows, problems):
    """Same NHS number, or same surname and date of birth, within the file or on record."""
    seen_nhs, seen_sdob, seen_ref = {}, {}, {}
    for row in rows:
        v = row.values
        if v["nhs_number"]:
            row.nhs_index = blind_index("nhs_number", v["nhs_number"])
            if row.nhs_index in seen_nhs:
                problems.append(Problem(row.line, "nhs_number", f"is the same NHS number as "
                                                                f"line {seen_nhs[row.nhs_index]}"))
            seen_nhs.setdefault(row.nhs_index, row.line)
        row.surname_dob_index = blind_index("surname_dob", v["surname"], v["date_of_birth"])
        if row.surname_dob_index in seen_sdob:
            problems.append(Problem(row.line, "surname", f"has the same surname and date of "
                                                         f"birth as line "
                                                         f"{seen_sdob[row.surname_dob_index]}"))
        seen_sdob.setdefault(row.surname_dob_index, row.line)
        if v["case_ref"]:
            if v["case_ref"] in seen_ref:
                problems.append(Problem(row.line, "case_ref", f"is the same case reference as "
                                                              f"line {seen_ref[v['case_ref']]}"))
            seen_ref.setdefault(v["case_ref"], row.line)

    def on_record(column, keys):
        found = {}
        keys = list(keys)
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start:start + CHUNK]
            found.update(db.session.execute(
                select(column, Case.case_ref).where(column.in_(chunk))).all())
        return found

    nhs_on_record = on_record(Case.nhs_number_index, seen_nhs)
    sdob_on_record = on_record(Case.surname_dob_index, seen_sdob)
    refs_on_record = on_record(Case.case_ref, seen_ref)
    for row in rows:
        if row.nhs_index in nhs_on_record:
            problems.append(Problem(row.line, "nhs_number", f"matches existing case "
                                                            f"{nhs_on_record[row.nhs_index]}"))
        if row.surname_dob_index in sdob_on_record:
            problems.append(Problem(
                row.line, "surname",
                f"surname and date of birth match existing case "
                f"{sdob_on_record[row.surname_dob_index]}"))
        if row.values["case_ref"] in refs_on_record:
            problems.append(Problem(row.line, "case_ref", "is already used by another case"))


# The encrypted case fields a CSV row sets (family members' names aside).
ENCRYPTED = ("forename", "surname", "date_of_birth", "nhs_number", "postcode", "school",
             "date_of_death", "circumstances")


def _case_values(row, case_id, case_ref, now, ring):
    """The stored row for one CSV row: what notify_death (apply_details) and a review outcome
    would store, built as plain values for one bulk insert (no ORM object per case). The blind
    indexes are the ones the duplicate check computed."""
    v = row.values
    completed = v["review_completed_on"]
    values = {
        "id": case_id, "case_ref": case_ref, "version": 1, "created_at": now, "updated_at": now,
        "status": (CaseStatus.REVIEWED if completed else CaseStatus.NOTIFIED).value,
        "resident": True, "sex": v["sex"], "ethnicity": v["ethnicity"],
        "death_expectation": v["death_expectation"], "place_type": v["place_of_death"],
        "notified_on": v["notified_on"], "delay_reason": v["delay_reason"],
        "category": v["category"], "modifiable": v["modifiable"], "event": v["event"],
        "review_completed_on": completed,
        "time_to_review": (time_to_review_for(v["date_of_death"], completed)
                           if completed else None),
        "nhs_number_index": row.nhs_index, "surname_dob_index": row.surname_dob_index,
        **services.derived_details(v["date_of_birth"], v["date_of_death"], v["ethnicity"]),
    }
    for name in ENCRYPTED:
        values[name] = getattr(Case, name).ciphertext_for(Case, case_id, v[name], ring)
    return values


def _family_values(row, case_id, ring):
    """Other names on the row become family members (relation "other"), in order."""
    members = []
    names = (n.strip() for n in (row.values["other_names"] or "").split(";"))
    for position, name in enumerate(names):
        if name:
            member_id = uuid.uuid4()
            members.append({
                "id": member_id, "case_id": case_id, "position": position,
                "relation": Relationship.OTHER.value,
                "name": FamilyMember.name.ciphertext_for(FamilyMember, member_id, name, ring)})
    return members


def import_cases(actor, text, dry_run=False, progress=None, source="upload"):
    """Check every row; import them all in one transaction only if every row is good.

    `progress`, when given, is told the work to do (`start(total)`) and each step done
    (`update(n)`): every row is checked, then written.
    """
    result = ImportResult(dry_run=dry_run)
    raw_rows = _read(text, result.problems)
    result.rows = len(raw_rows)
    if progress:
        progress.start(len(raw_rows) * (1 if dry_run else 2))
    rows = []
    for number, (line, raw) in enumerate(raw_rows, start=1):
        values = _parse(line, raw, result.problems)
        if values is not None:
            rows.append(Row(line, values))
        if progress and number % 500 == 0:
            progress.update(500)
    if progress:
        progress.update(len(raw_rows) % 500)
    if not result.problems and not rows:
        result.problems.append(Problem(0, None, "The file has no rows to import"))
    if rows:
        _check_duplicates(rows, result.problems)
    result.problems.sort(key=lambda p: (p.line, COLUMNS.index(p.column)
                                        if p.column in COLUMNS else -1))
    if result.problems or dry_run:
        db.session.rollback()
        return result

    batch_id = str(uuid.uuid4())
    generated = {}
    for row in rows:
        if not row.values["case_ref"]:
            generated.setdefault(row.values["notified_on"].year, []).append(row)
    services.note_explicit_refs([r.values["case_ref"] for r in rows if r.values["case_ref"]])
    for year, year_rows in generated.items():
        for row, ref in zip(year_rows, services.allocate_case_refs(year, len(year_rows)),
                            strict=True):
            row.case_ref = ref
    # Bulk inserts in the one transaction: no ORM object, flush or query per row.
    ring, now = keyring(), utcnow()
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        cases, members = [], []
        for row in chunk:
            case_id = uuid.uuid4()
            cases.append(_case_values(row, case_id, row.values["case_ref"] or row.case_ref,
                                      now, ring))
            members += _family_values(row, case_id, ring)
        db.session.execute(insert(Case.__table__), cases)
        if members:
            db.session.execute(insert(FamilyMember.__table__), members)
        created = {"source": "import", "batch": batch_id}
        audit.record_many(AuditEvent.CASE_CREATED, Case.__tablename__,
                          [(case["id"], created) for case in cases], actor=actor)
        if progress:
            progress.update(len(chunk))
    audit.record(AuditEvent.CASES_IMPORTED, actor=actor,
                 detail={"batch": batch_id, "rows": len(rows), "via": source})
    db.session.commit()
    result.imported = len(rows)
    return result


def decode(data):
    """The text of an uploaded file, or None when it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
