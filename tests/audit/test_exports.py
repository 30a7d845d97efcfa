"""Every download is audited as an export, suppressed or not: one row each."""

import time_machine

from ..helpers import audit_events
from ..reporting.test_views import twelve_reviews

TABLE = "/reports/table.csv?measure=reviews_completed&year=2024-25&rows=category"


@time_machine.travel("2025-02-01 10:00:00+00:00", tick=False)
def test_the_suppressed_cross_table_csv_download_is_audited_as_an_export(client, login_as):
    twelve_reviews()
    chair = login_as("panel_chair")
    response = client.get(TABLE)
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    assert "<5" in response.get_data(as_text=True)
    [exported] = audit_events("report_exported")
    assert exported.actor_id == chair.id
    assert exported.detail_dict == {"report": "cross_table", "measure": "reviews_completed",
                                    "year": "2024-25", "rows": "category", "cols": None,
                                    "unsuppressed": False}


@time_machine.travel("2025-02-01 10:00:00+00:00", tick=False)
def test_the_unsuppressed_csv_download_writes_one_export_row_naming_it_unsuppressed(
    client, login_as
):
    twelve_reviews()
    board = login_as("board_manager")
    before = len(audit_events())
    assert client.get(f"{TABLE}&unsuppressed=y").status_code == 200
    [row] = audit_events()[before:]
    assert (row.event, row.actor_id) == ("report_exported", board.id)
    assert row.detail_dict["unsuppressed"] is True


def test_viewing_the_cross_table_page_is_not_recorded_as_an_export(client, login_as):
    login_as("board_manager")
    assert client.get("/reports/table?measure=deaths&year=2024-25&rows=sex").status_code == 200
    assert audit_events("report_exported") == []
