"""The board dashboard: open reviews with clocks, actions by agency and status, overdue,
escalation, and the tracker export (no child identifiers)."""

import csv
import io
from datetime import date

import openpyxl

from cdop_scr.actions import services as actions
from cdop_scr.scr import services

from ..factories import UserFactory
from ..helpers import audit_events, text_of
from .builders import CHILD_NAME, add_action, decide, make_review

TODAY = date(2025, 8, 1)


def build(actor):
    """Two reviews; five actions across two agencies in different states."""
    first = make_review(actor, notified_on=date(2025, 1, 10))
    decide(actor, first)
    second = make_review(actor)  # still referred: decision overdue
    police = add_action(actor, first, due_on=date(2025, 6, 1))  # 61 days overdue: escalate
    rec = police.recommendation
    late = add_action(actor, first, due_on=date(2025, 7, 20), recommendation=rec)  # 12 days
    done = add_action(actor, first, due_on=date(2025, 5, 1), recommendation=rec)
    actions.submit_evidence(actor, done, done.version, "Register.")
    actions.accept_evidence(actor, done, done.version)
    health = add_action(actor, first, due_on=date(2025, 12, 1), agency="Example NHS Trust",
                        agency_type="health_provider")
    actions.submit_evidence(actor, health, health.version, "Policy.")
    hint = add_action(actor, first, due_on=date(2025, 9, 1), agency="=HYPERLINK(\"x\")",
                      agency_type="other")
    return first, second, police, late, done, health, hint


def panel_plan(actor):
    """A CDOP case whose panel recommendation is tracked as two actions: one 92 days overdue
    (escalated), one due next month."""
    from cdop_scr.cases import services as case_services

    from ..cases.conftest import details

    case = case_services.notify_death(UserFactory(roles=["coordinator"]), details(),
                                      confirmed_new=True)
    plan = actions.ensure_plan("cdop_case", case.id, case.case_ref)
    recommendation = actions.add_recommendation(actor, plan, "Repeat safer sleep advice.")
    late = actions.add_action(actor, recommendation, "Audit safer sleep contacts.",
                              "Health visiting", "health_provider", "Lead health visitor",
                              date(2025, 5, 1), "Audit of visit records.")
    soon = actions.add_action(actor, recommendation, "Update the leaflet.", "Health visiting",
                              "health_provider", "Lead health visitor", date(2025, 9, 1),
                              "The new leaflet.")
    return case, late, soon


def test_the_dashboard_shows_every_open_review_with_its_clocks(app, db, client, frozen_at):
    actor = frozen_at(TODAY)
    first, second, *_ = build(actor)
    closed = make_review(actor)
    decide(actor, closed, outcome="criteria_not_met")
    html = client.get("/reviews/dashboard").get_data(as_text=True)
    assert f'data-review-ref="{first.reference}"' in html
    assert f'data-review-ref="{second.reference}"' in html
    assert f'data-review-ref="{closed.reference}"' not in html  # not held: not open
    row = html.split(f'data-review-ref="{second.reference}"')[1].split("</tr>")[0]
    assert 'data-clock="decision">' in row
    assert 'data-clock-state="overdue"' in row.split('data-clock="decision">')[1]
    assert CHILD_NAME not in html


def test_actions_are_counted_by_agency_and_status_in_the_database(app, db, frozen_at):
    actor = frozen_at(TODAY)
    build(actor)
    counts = {c.agency_name: c for c in actions.counts_by_agency("scr_review", TODAY)}
    police = counts["Kent Police"]
    assert (police.by_status["not_started"], police.by_status["completed"], police.overdue,
            police.total) == (2, 1, 2, 3)
    health = counts["Example NHS Trust"]
    assert (health.by_status["evidence_submitted"], health.overdue, health.total) == (1, 0, 1)


def test_the_dashboard_table_shows_the_counts(app, client, frozen_at):
    actor = frozen_at(TODAY)
    build(actor)
    html = client.get("/reviews/dashboard").get_data(as_text=True)
    row = html.split('data-agency="Kent Police"')[1].split("</tr>")[0]
    assert 'data-status="not_started">2<' in row
    assert 'data-status="completed">1<' in row
    assert "govuk-tag--red\">2<" in row
    assert "data-total>3<" in row


def test_overdue_actions_are_listed_red_and_the_long_overdue_escalated(app, client, frozen_at):
    actor = frozen_at(TODAY)
    first, *_ = build(actor)
    response = client.get("/reviews/dashboard")
    html = response.get_data(as_text=True)
    overdue = html.split('id="overdue-actions"')[1].split("</table>")[0]
    assert overdue.count("data-action=") == 2
    assert 'data-days-overdue="61"' in overdue and 'data-days-overdue="12"' in overdue
    escalations = html.split('id="escalations"')[1].split("</table>")[0]
    assert escalations.count("data-action=") == 1
    assert f'data-action="{first.reference} 1.1"' in escalations
    assert "Escalation: overdue by more than 28 days" in text_of(response)


def test_the_escalation_threshold_is_configurable(app, client, frozen_at):
    app.config["ESCALATION_OVERDUE_DAYS"] = 10
    actor = frozen_at(TODAY)
    build(actor)
    board = services.dashboard(actor)
    assert [a.days_overdue(TODAY) for a in board.escalations] == [61, 12]


def test_the_csv_export_lists_every_action_by_review_reference(app, client, frozen_at):
    actor = frozen_at(TODAY)
    first, *_ = build(actor)
    response = client.get("/reviews/action-tracker.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="action-plan-tracker-2025-08-01.csv"')
    body = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["Source", "Reference", "Recommendation", "Action"]
    assert [r[:2] for r in rows[1:]] == [["Serious case review", first.reference]] * 5
    assert [r[3] for r in rows[1:]] == ["1.1", "1.2", "1.3", "2.1", "3.1"]
    first_row = dict(zip(rows[0], rows[1], strict=True))
    assert first_row["Overdue"] == "Yes" and first_row["Days overdue"] == "61"
    assert first_row["Due date"] == "2025-06-01"
    assert rows[3][rows[0].index("Status")] == "Completed"
    # A cell that a spreadsheet would run as a formula is neutralised.
    assert rows[5][rows[0].index("Agency")] == "'=HYPERLINK(\"x\")"
    for forbidden in (CHILD_NAME, "9434765919", "2015-04-01"):
        assert forbidden not in body


def test_the_xlsx_export_opens_with_the_same_rows(app, client, frozen_at):
    actor = frozen_at(TODAY)
    first, *_ = build(actor)
    response = client.get("/reviews/action-tracker.xlsx")
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Source", "Reference")
    assert len(rows) == 6
    header = rows[0]
    first_row = dict(zip(header, rows[1], strict=True))
    assert (first_row["Source"], first_row["Reference"]) == ("Serious case review",
                                                             first.reference)
    assert first_row["Agency"] == "Kent Police"
    assert first_row["Due date"].date() == date(2025, 6, 1)
    assert first_row["Days overdue"] == 61
    agency_cell = sheet.cell(row=6, column=header.index("Agency") + 1)
    assert agency_cell.data_type == "s"  # stored as text, not a formula
    every_value = " ".join(str(v) for row in rows for v in row if v is not None)
    assert CHILD_NAME not in every_value and "9434765919" not in every_value


def test_the_export_is_audited(app, client, frozen_at):
    actor = frozen_at(TODAY)
    build(actor)
    panel_plan(actor)
    client.get("/reviews/action-tracker.xlsx")
    [row] = audit_events("action_tracker_exported")
    assert row.detail == '{"format":"xlsx","rows":7,"source_types":["scr_review","cdop_case"]}'


def test_the_export_includes_cdop_panel_actions_by_case_reference(app, client, frozen_at):
    actor = frozen_at(TODAY)
    first, *_ = build(actor)
    case, *_ = panel_plan(actor)
    body = client.get("/reviews/action-tracker.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    header = rows[0]
    panel_rows = [dict(zip(header, r, strict=True)) for r in rows[1:]
                  if r[0] == "Child death review"]
    assert [(r["Reference"], r["Action"], r["Agency"], r["Days overdue"], r["Status"])
            for r in panel_rows] == [
        (case.case_ref, "1.1", "Health visiting", "92", "Not started"),
        (case.case_ref, "1.2", "Health visiting", "0", "Not started"),
    ]
    assert [r[1] for r in rows[1:]].count(first.reference) == 5
    for forbidden in ("Canary-Forename", "Testchild-Zephyrine", "2015-04-03"):
        assert forbidden not in body

    book = openpyxl.load_workbook(io.BytesIO(client.get("/reviews/action-tracker.xlsx").data))
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert [r[:2] for r in sheet_rows[-2:]] == [("Child death review", case.case_ref)] * 2


def test_overdue_panel_actions_are_listed_and_the_long_overdue_escalated_with_review_actions(
        app, client, frozen_at):
    actor = frozen_at(TODAY)
    first, *_ = build(actor)
    case, late, soon = panel_plan(actor)
    html = client.get("/reviews/dashboard").get_data(as_text=True)
    escalations = html.split('id="escalations"')[1].split("</table>")[0]
    # Most overdue first: the panel action (due 1 May) before the review's (due 1 June).
    assert escalations.index(f'data-action="{case.case_ref} 1.1"') < escalations.index(
        f'data-action="{first.reference} 1.1"')
    assert escalations.count("data-action=") == 2
    assert f'href="/panel-actions/{case.id}/actions/{late.id}"' in escalations
    assert 'data-days-overdue="92"' in escalations
    panel_overdue = html.split('id="panel-overdue-actions"')[1].split("</table>")[0]
    assert panel_overdue.count("data-action=") == 1
    assert f'data-action="{case.case_ref} 1.1"' in panel_overdue
    assert f'data-action="{case.case_ref} 1.2"' not in html
    # The review lists keep to reviews.
    overdue = html.split('id="overdue-actions"')[1].split("</table>")[0]
    assert case.case_ref not in overdue
    assert "Canary-Forename" not in html


def test_a_panel_action_completed_leaves_the_escalation_list(app, client, frozen_at):
    actor = frozen_at(TODAY)
    case, late, _ = panel_plan(actor)
    actions.submit_evidence(actor, late, late.version, "The audit.")
    actions.accept_evidence(actor, late, late.version)
    board = services.dashboard(actor)
    assert board.escalations == [] and board.panel_overdue == []
    html = client.get("/reviews/dashboard").get_data(as_text=True)
    assert "data-no-escalations" in html and "data-no-panel-overdue" in html
