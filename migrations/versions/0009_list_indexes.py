"""Composite indexes for the case list's filters and the outstanding-reports filter: each
filter reads its rows already in list order (notified_on, case_ref), so a page sorts only what
it shows; the clock filter reads open cases by month of death. On SQLite the two tables are
analysed afterwards.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_child_death_case_status_notified_on", "child_death_case",
     ["status", "notified_on", "case_ref"]),
    ("ix_child_death_case_year_notified_on", "child_death_case",
     ["financial_year_of_death", "notified_on", "case_ref"]),
    ("ix_child_death_case_expectation_year", "child_death_case",
     ["death_expectation", "financial_year_of_death", "notified_on", "case_ref"]),
    ("ix_child_death_case_status_month_of_death", "child_death_case", ["status", "month_of_death"]),
    ("ix_agency_report_request_status_due_on", "agency_report_request",
     ["status", "due_on", "case_id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    # SQLite keeps statistics per index, none for a new one until ANALYZE: without them it
    # cannot tell a selective index from a poor one, nor skip duplicates in DISTINCT.
    # (PostgreSQL's are per column and kept up to date by autovacuum.)
    if op.get_bind().dialect.name == "sqlite":
        for table in ("child_death_case", "agency_report_request"):
            op.execute(f"ANALYZE {table}")


def downgrade():
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
