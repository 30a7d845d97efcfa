"""The board manager picks a year, reads the suppressed category table and chart, downloads the
statutory return, in a browser."""

import re
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from ..reporting.test_return import load, row
from .pages import service_navigation, sign_in, totp_code

pytestmark = pytest.mark.browser
SCREENSHOT = "/tmp/cdop-reports.png"


def test_board_manager_reads_the_category_table_and_downloads_the_return(
        live_app, live_server, page, journey, tmp_path):
    with live_app.app_context():
        # Reviews completed in 2024-25: 9 perinatal (5 modifiable), 2 infection, 1 SUDI, and
        # 12 chromosomal (6 modifiable), so that the modifiable ones are not all perinatal.
        rows = [row(n, date(2024, 4, 10), date(2024, 10, 1), 8,
                    "modifiable" if n < 5 else "not_modifiable") for n in range(9)]
        rows += [row(n, date(2024, 4, 11), date(2024, 10, 2), 7,
                     "modifiable" if n < 18 else "not_modifiable") for n in range(12, 24)]
        rows += [row(9, date(2024, 5, 1), date(2024, 11, 1), 9, "not_modifiable"),
                 row(10, date(2024, 5, 2), date(2024, 11, 2), 9, "not_modifiable"),
                 row(11, date(2024, 5, 3), date(2024, 11, 3), 10, "insufficient_information")]
        load(rows)
        manager = UserFactory(roles=["board_manager"], totp=True)
        email, secret = manager.email, manager.totp_secret

    sign_in(page, live_server, email, DEFAULT_PASSWORD)
    page.get_by_label("Security code").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()
    service_navigation(page).get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    page.get_by_label("Financial year").select_option("2024-25")
    page.get_by_role("button", name="Show").click()

    table = page.locator("#t2_category")
    perinatal = table.locator("tr", has=page.get_by_role("rowheader",
                                                           name="Perinatal/neonatal event"))
    expect(perinatal.locator("td").nth(0)).to_have_text("5")
    infection = table.locator("tr", has=page.get_by_role("rowheader", name="Infection"))
    # Two infection deaths, both not modifiable: hidden whole, so the outcome is not revealed.
    expect(infection.locator("td").nth(1)).to_have_text(re.compile(r"^(<5|\[c\])$"))
    expect(infection).not_to_contain_text("2")
    expect(table).not_to_contain_text("[z]")
    chart = page.get_by_role("img", name="Reviews completed, by category of death")
    expect(chart).to_be_visible()
    journey.check("reports")
    page.screenshot(path=SCREENSHOT, full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Statutory return for 2024-25 (XLSX, suppressed)").click()
    path = tmp_path / "return.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames[:2] == ["notes", "t1_notified"]
    sheet_values = [c.value for line in book["t2_category"].iter_rows() for c in line]
    assert 2 not in sheet_values and "<5" in sheet_values
    journey.assert_all_accessible()
