"""Performance guards that need no clock: list pages run a fixed number of SQL statements
however many rows they show, and the lists, the identifier search and the report counts read
through an index (EXPLAIN). Timings live in bench/ (`make bench`), not here."""

import csv
import io
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select, text

from cdop_scr.cases import services as case_services
from cdop_scr.cases.clocks import today
from cdop_scr.cases.importer import import_cases
from cdop_scr.crypto.blind_index import blind_index
from cdop_scr.models.cases import Case
from cdop_scr.panels import services as panels
from cdop_scr.reporting import queries

from .cases.conftest import nhs_number
from .factories import UserFactory

YEAR = "2023-24"


@contextmanager
def counting(engine):
    """Collect the SQL statements sent on `engine` inside the block."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_for(db, client, url):
    """How many statements one GET runs (after a warm-up request), and the page."""
    assert client.get(url).status_code == 200
    with counting(db.engine) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements), response


def import_cases_now(actor, first, count):
    """`count` valid cases through the CSV import (fast: one transaction)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["forename", "surname", "date_of_birth", "date_of_death", "sex",
                     "death_expectation", "notified_on", "nhs_number"])
    for n in range(first, first + count):
        died = date(2024, 1, 1) + timedelta(days=n)
        writer.writerow([f"Child{n}", f"Perftest{n}", (died - timedelta(days=400)).isoformat(),
                         died.isoformat(), "female", "unexpected",
                         (died + timedelta(days=1)).isoformat(), nhs_number(500_000_000 + n * 7)])
    result = import_cases(actor, out.getvalue())
    assert result.ok, result.problems[:3]
    return list(case_services.db.session.scalars(
        select(Case).where(Case.surname_dob_index.is_not(None)).order_by(Case.notified_on)
    ))[first:first + count]


def request_reports(actor, cases):
    for case in cases:
        case_services.request_agency_report(actor, case, "gp", "Dr Example", None,
                                            today() + timedelta(days=10))


def test_case_list_runs_the_same_statements_for_5_rows_as_for_25(db, client, login_as):
    coordinator = login_as("coordinator")
    request_reports(coordinator, import_cases_now(coordinator, 0, 5))
    few, page = statements_for(db, client, "/cases?awaiting_reports=any")
    assert page.text.count("data-case-ref=") == 5

    request_reports(coordinator, import_cases_now(coordinator, 5, 25))
    many, page = statements_for(db, client, "/cases?awaiting_reports=any")
    assert page.text.count("data-case-ref=") == 25
    assert many == few, f"{few} statements for 5 rows but {many} for 25: a query per row"


def _ready(actor, cases):
    for case in cases:
        case_services.change_status(actor, case, case.version, "gathering_information")
        case_services.change_status(actor, case, case.version, "ready_for_panel")
    return cases


def _meeting(coordinator, chair, member, cases):
    meeting = panels.create_meeting(coordinator, today() + timedelta(days=7), chair.id,
                                    [member.id], [c.id for c in cases])
    panels.declare_conflicts(member, meeting.id, [c.id for c in cases], "Knows the family")
    for case in cases[::2]:
        panels.save_analysis(chair, meeting.id, case.id, 0, learning_points="Draft")
    return meeting


def test_panel_agenda_runs_the_same_statements_for_5_cases_as_for_25(db, client, login_as):
    coordinator = login_as("coordinator")
    chair = UserFactory(roles=["panel_chair"])
    member = UserFactory(roles=["panel_member"])
    small = _meeting(coordinator, chair, member,
                     _ready(coordinator, import_cases_now(coordinator, 0, 5)))
    large = _meeting(coordinator, chair, member,
                     _ready(coordinator, import_cases_now(coordinator, 5, 25)))

    few, page = statements_for(db, client, f"/panel-meetings/{small.id}")
    assert page.text.count("data-agenda-item=") == 5
    many, page = statements_for(db, client, f"/panel-meetings/{large.id}")
    assert page.text.count("data-agenda-item=") == 25
    assert many == few, f"{few} statements for 5 agenda items but {many} for 25"


# --- indexes ---------------------------------------------------------------------------------

def plan(db, statement):
    """The query plan as text, lower case; on PostgreSQL with sequential scans priced out, so
    an empty test table still shows whether an index can serve the query."""
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
        lines = [row[-1] for row in rows]
    else:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        lines = [row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")).all()]
    db.session.rollback()
    return "\n".join(lines).lower()


def assert_uses(db, statement, *indexes):
    """The plan reads child_death_case through one of `indexes`, never by a full scan."""
    found = plan(db, statement)
    assert any(index in found for index in indexes), f"expected {indexes} in the plan:\n{found}"
    assert "scan child_death_case\n" not in found + "\n"  # SQLite: a bare full-table scan
    assert "seq scan on child_death_case" not in found


LIST_FILTERS = [
    (case_services.CaseFilters(status="gathering_information"),
     "ix_child_death_case_status_notified_on"),
    (case_services.CaseFilters(financial_year=YEAR), "ix_child_death_case_year_notified_on"),
    (case_services.CaseFilters(financial_year=YEAR, sort="newest"),
     "ix_child_death_case_year_notified_on"),
    (case_services.CaseFilters(), "ix_child_death_case_notified_on"),
]


@pytest.mark.parametrize(("filters", "index"), LIST_FILTERS,
                         ids=["status", "financial_year", "financial_year_newest", "unfiltered"])
def test_case_list_filters_read_a_page_in_order_through_an_index(db, filters, index):
    statement = case_services._filtered(filters).limit(case_services.PER_PAGE)
    if db.engine.dialect.name == "postgresql" and not filters.codes().keys() - {"sort"}:
        # Unfiltered, PostgreSQL may read the ordering index or sort: either serves a page.
        return
    assert_uses(db, statement, index)
    if db.engine.dialect.name == "sqlite":
        # The index gives list order: no sort of every matching case to show 25 (at most of
        # the cases notified on one day, to order them by reference).
        assert "use temp b-tree for order by" not in plan(db, statement)


@pytest.mark.parametrize("year", [None, YEAR])
def test_expected_or_unexpected_filter_reads_through_an_index(db, year):
    filters = case_services.CaseFilters(death_expectation="unexpected", financial_year=year)
    statement = case_services._filtered(filters).limit(case_services.PER_PAGE)
    indexes = ["ix_child_death_case_expectation_year"]
    if not year:  # a third of all cases: reading the list in order finds a page soon too
        indexes += ["ix_child_death_case_death_expectation", "ix_child_death_case_notified_on"]
    assert_uses(db, statement, *indexes)


def test_clock_filter_reads_open_cases_by_month_of_death_through_an_index(db):
    statement = case_services._filtered(case_services.CaseFilters(rag="red"))
    assert_uses(db, statement.limit(case_services.PER_PAGE),
                "ix_child_death_case_status_month_of_death", "ix_child_death_case_month_of_death")


def test_outstanding_reports_filter_reads_reports_through_their_status_index(db):
    for awaiting in ("any", "overdue"):
        statement = case_services._filtered(case_services.CaseFilters(awaiting_reports=awaiting))
        found = plan(db, statement.limit(case_services.PER_PAGE))
        assert "ix_agency_report_request_status_due_on" in found, found


@pytest.mark.parametrize(("kind", "column", "values"), [
    ("nhs_number", "nhs_number_index", ("9434765919",)),
    ("surname_dob", "surname_dob_index", ("Smith", date(2015, 4, 3))),
])
def test_identifier_search_reads_the_blind_index(db, kind, column, values):
    statement = select(Case).where(getattr(Case, column) == blind_index(kind, *values))
    assert_uses(db, statement, f"ix_child_death_case_{column}")


@pytest.mark.parametrize(("measure", "indexes"), [
    # Without statistics SQLite may start from the status index; with them (ANALYZE on the
    # benchmark's 50,000 cases) it takes the year's range of review dates. Either is indexed.
    ("reviews_completed", ("ix_child_death_case_review_completed_on",
                           "ix_child_death_case_status")),
    ("deaths_notified", ("ix_child_death_case_notified_on",)),
])
def test_report_counts_read_only_the_years_cases_through_an_index(db, measure, indexes):
    keys = [queries.expression("category", YEAR), queries.expression("modifiable", YEAR)]
    statement = (select(*keys, func.count()).where(queries.condition(measure, YEAR))
                 .group_by(*keys))
    assert_uses(db, statement, *indexes)
