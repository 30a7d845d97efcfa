"""The reports pages a board manager, coordinator or chair uses."""

from datetime import date
from io import BytesIO

import time_machine
from openpyxl import load_workbook

from ..helpers import audit_events, text_of
from .test_return import load, row


def twelve_reviews():
    rows = [row(n, date(2024, 5, 1), date(2024, 11, 1), 8 if n < 9 else 9,
                "modifiable" if n % 2 else "not_modifiable") for n in range(12)]
    load(rows)


@time_machine.travel("2025-02-01 10:00:00+00:00", tick=False)
def test_the_reports_page_shows_the_suppressed_category_table_and_charts(client, login_as):
    twelve_reviews()
    login_as("board_manager")
    response = client.get("/reports?year=2024-25")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="t2_category"' in html and html.count('role="img"') == 3
    page = text_of(response)
    assert "Perinatal/neonatal event" in page and "<5" in page
    assert "Statutory return for 2024-25 (XLSX, suppressed)" in page
    assert "Statutory return for 2024-25, unsuppressed" in page  # board managers may


def test_a_panel_chair_sees_no_unsuppressed_download(client, login_as):
    login_as("panel_chair")
    response = client.get("/reports")  # no year chosen yet: the current financial year
    assert response.status_code == 200
    assert "unsuppressed" not in text_of(response).lower()


@time_machine.travel("2025-02-01 10:00:00+00:00", tick=False)
def test_the_return_downloads_as_xlsx_and_the_download_is_audited(client, login_as):
    twelve_reviews()
    user = login_as("coordinator")
    response = client.get("/reports/return.xlsx?year=2024-25")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert "t2_category" in book.sheetnames and book.sheetnames[0] == "notes"
    assert [e.actor_id for e in audit_events("report_exported")] == [user.id]


def test_a_panel_chair_cannot_ask_for_unsuppressed_figures(client, login_as):
    login_as("panel_chair")
    assert client.get("/reports?year=2024-25").status_code == 200
    response = client.get("/reports/table?measure=deaths&year=2024-25&rows=sex&unsuppressed=y")
    assert response.status_code == 403
    assert client.get("/reports/return.xlsx?year=2024-25&unsuppressed=y").status_code == 403


@time_machine.travel("2025-02-01 10:00:00+00:00", tick=False)
def test_the_cross_table_page_shows_a_table_a_chart_and_a_csv_link(client, login_as):
    twelve_reviews()
    login_as("board_manager")
    response = client.get("/reports/table?measure=reviews_completed&year=2024-25"
                          "&rows=category&cols=modifiable")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="cross-table"' in html and 'role="img"' in html
    csv = client.get("/reports/table.csv?measure=reviews_completed&year=2024-25&rows=category")
    assert csv.data.decode().splitlines()[0] == "row,column,value"


def test_a_bad_year_or_dimension_gets_a_clear_error(client, login_as):
    login_as("board_manager")
    response = client.get("/reports/table?measure=deaths&year=2024-25&rows=sex&cols=sex")
    assert response.status_code == 400
    assert "Choose different dimensions" in text_of(response)
    assert client.get("/reports?year=1999").status_code == 400


@time_machine.travel("2025-02-01 10:00:00+00:00", tick=False)
def test_the_data_quality_page_lists_problems_and_is_audited(client, login_as):
    load([row(1, date(2024, 6, 1), sex="not_known")])
    login_as("board_manager")
    response = client.get("/reports/data-quality?year=2024-25")
    assert "Sex not recorded" in text_of(response)
    assert len(audit_events("data_quality_viewed")) == 1
