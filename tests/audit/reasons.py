"""Reading reasons as the Caldicott report shows them, and the audit table as stored."""

from sqlalchemy import text

from cdop_scr.audit.services import accesses_of
from cdop_scr.extensions import db


def reasons_shown(event, target_id, target_type="child_death_case"):
    """The reasons the access report of a record gives for its rows of one event."""
    return [access.reason for access in accesses_of(target_type, target_id)
            if access.record.event == str(event)]


def audit_table_text():
    """Every stored value of every audit row, as text (lower case), to search for clear copies."""
    rows = db.session.execute(text("SELECT * FROM audit_log")).all()
    return " ".join(str(value) for row in rows for value in row).lower()
