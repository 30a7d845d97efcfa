"""The reports pages a board manager, coordinator or chair uses."""

import zipfile
from datetime import date
from io import BytesIO

import time_machine
from lxml import html as lxml_html
from openpyxl import load_workbook
from sqlalchemy import select

from cdop_scr.models import Case
from cdop_scr.reporting import services

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


@time_machine.travel("2025-02-01 10:00:00+00:00", tick=False)
def test_the_coordinator_follows_each_data_quality_problem_to_the_case(client, login_as, db):
    load([row(1, date(2024, 6, 1), sex="not_known")])
    case = db.session.scalar(select(Case))
    login_as("coordinator")
    page = lxml_html.fromstring(client.get("/reports/data-quality?year=2024-25").data)
    [link] = page.xpath("//table[@id='data-quality']//a")
    assert link.get("href") == f"/cases/{case.id}" and link.text == case.case_ref
    assert page.xpath("//*[@id='data-quality-who-fixes']") == []


@time_machine.travel("2025-02-01 10:00:00+00:00", tick=False)
def test_the_board_manager_sees_references_and_who_must_correct_them(client, login_as, db):
    load([row(1, date(2024, 6, 1), sex="not_known")])
    case = db.session.scalar(select(Case))
    login_as("board_manager")
    page = lxml_html.fromstring(client.get("/reports/data-quality?year=2024-25").data)
    assert page.xpath("//table[@id='data-quality']//a") == []
    assert case.case_ref in page.xpath("string(//table[@id='data-quality'])")
    assert "Only the CDOP coordinator can correct" in page.xpath(
        "string(//*[@id='data-quality-who-fixes'])")


@time_machine.travel("2025-02-01 10:00:00+00:00", tick=False)
def test_the_return_downloads_as_one_csv_per_table_matching_the_xlsx_and_is_audited(
        client, login_as):
    twelve_reviews()
    user = login_as("board_manager")
    page = lxml_html.fromstring(client.get("/reports?year=2024-25").data)
    [link] = page.xpath("//a[text()='Statutory return for 2024-25, one CSV per table (ZIP, "
                        "suppressed)']")
    response = client.get(link.get("href"))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(BytesIO(response.data))
    assert sorted(archive.namelist()) == sorted(f"{s.table_id}.csv"
                                                for s in services.RETURN_TABLES)
    category = archive.read("t2_category.csv").decode()
    assert category == services.build(services.RETURN_TABLES[1], "2024-25").csv()
    assert "% modifiable" in category
    events = audit_events("report_exported")
    assert [e.actor_id for e in events] == [user.id]
    assert '"report":"dfe_return_csv"' in events[0].detail


def test_a_panel_chair_cannot_download_the_unsuppressed_csvs(client, login_as):
    login_as("panel_chair")
    assert client.get("/reports/return-csv.zip?year=2024-25").status_code == 200
    assert client.get("/reports/return-csv.zip?year=2024-25&unsuppressed=y").status_code == 403


@time_machine.travel("2025-02-01 10:00:00+00:00", tick=False)
def test_the_cross_table_page_lists_every_year_of_death_of_the_counted_reviews(client,
                                                                               login_as):
    load([row(1, date(2018, 6, 1), date(2024, 6, 1), 1, "modifiable"),
          row(2, date(2023, 6, 1), date(2024, 6, 2), 1, "not_modifiable")])
    login_as("board_manager")
    response = client.get("/reports/table?measure=reviews_completed&year=2024-25"
                          "&rows=year_of_death&cols=modifiable")
    assert response.status_code == 200
    page = lxml_html.fromstring(response.data)
    rows = [th.text_content() for th in page.xpath("//table[@id='cross-table']/tbody//th")]
    assert rows == ["2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24",
                    "2024-25", "Total"]


@time_machine.travel("2025-02-01 10:00:00+00:00", tick=False)
def test_the_trend_prints_each_year_as_the_return_prints_its_total(client, login_as):
    twelve_reviews()  # 12 reviews completed in 2024-25, and 12 deaths notified
    load([row(20, date(2022, 6, 1), date(2022, 12, 1), 9, "not_modifiable")])
    login_as("board_manager")
    page = lxml_html.fromstring(client.get("/reports?year=2024-25").data)
    table = "//table[@id='trend-reviews_completed']/tbody"
    reviews = {th.text_content(): td.text_content() for th, td in zip(
        page.xpath(f"{table}//th"), page.xpath(f"{table}//td"), strict=True)}
    assert reviews == {"2020-21": "0", "2021-22": "0", "2022-23": "<5", "2023-24": "0",
                       "2024-25": "12"}
    assert services.build(services.RETURN_TABLES[7], "2022-23").text((3, 0)) == "<5"
