"""The action-plan tracker as CSV and XLSX: plain data in, bytes out.

Rows name a plan by its source (a serious case review or a CDOP panel's case) and its reference
(e.g. SCR-2026-001 or CDR-2026-0042), never by the child. Text that a
spreadsheet would run as a formula stays text: an apostrophe in CSV, a string cell in XLSX.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from ..models.actions import SourceType

COLUMNS = (
    "Source", "Reference", "Recommendation", "Action", "What the agency will do", "Agency",
    "Agency type", "Owner", "Due date", "Status", "Overdue", "Days overdue",
    "Evidence entries", "Completed on",
)


@dataclass(frozen=True)
class TrackerRow:
    source: str
    reference: str
    recommendation: int
    action: str
    description: str
    agency: str
    agency_type: str
    owner: str
    due_on: date
    status: str
    overdue: bool
    days_overdue: int
    evidence_entries: int
    completed_on: date | None

    def values(self):
        return (self.source, self.reference, self.recommendation, self.action,
                self.description, self.agency, self.agency_type, self.owner, self.due_on,
                self.status, "Yes" if self.overdue else "No", self.days_overdue,
                self.evidence_entries, self.completed_on)


def row_for(action, on):
    days = action.days_overdue(on)
    plan = action.recommendation.plan
    return TrackerRow(
        source=SourceType.label_of(plan.source_type, plan.source_type),
        reference=plan.source_reference,
        recommendation=action.recommendation.number,
        action=action.label,
        description=action.description,
        agency=action.agency_name,
        agency_type=action.agency_type_label,
        owner=action.owner_name,
        due_on=action.due_on,
        status=action.status_label,
        overdue=days > 0,
        days_overdue=days,
        evidence_entries=len(action.evidence),
        completed_on=action.completed_on,
    )


def _safe(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [v.isoformat() if isinstance(v, date) else _safe(v) if v is not None else ""
             for v in row.values()]
        )
    # A byte-order mark so spreadsheet programs read UTF-8 names correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows, title="Action plan tracker"):
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row.values()))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
            elif cell.data_type == "f":
                cell.data_type = "s"  # text that looks like a formula stays text
    sheet.freeze_panes = "A2"
    widths = (20, 18, 15, 9, 50, 30, 24, 24, 12, 20, 9, 13, 16, 13)
    for column, width in zip("ABCDEFGHIJKLMN", widths, strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
