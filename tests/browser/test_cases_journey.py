"""The coordinator's main journey: notify a death, chase agency reports, ready for panel."""

import os
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from .pages import expect_home, service_navigation, sign_in, sign_out

pytestmark = pytest.mark.browser

# Where the case page screenshot is kept for a person to look at (set to keep it).
SCREENSHOT = os.environ.get("CDOP_CASE_SCREENSHOT")


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def choose(page, legend, option):
    page.get_by_role("group", name=legend).get_by_label(option, exact=True).check()


def test_coordinator_notifies_a_death_and_gets_the_case_ready_for_panel(
    live_app, live_server, page, journey
):
    with live_app.app_context():
        user = UserFactory(roles=["coordinator"])
        email, full_name = user.email, user.full_name
    today = date.today()

    sign_in(page, live_server, email, DEFAULT_PASSWORD)
    expect_home(page, full_name)
    service_navigation(page).get_by_role("link", name="Cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    journey.check("case-list")

    page.get_by_role("button", name="Record a new notification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a new notification")
    journey.check("notify-death")
    page.get_by_role("button", name="Save notification").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the date of death")
    journey.check("notify-death-errors")

    page.get_by_label("First name").fill("Journey")
    page.get_by_label("Last name").fill("Testchild-Demo")
    fill_date(page, "Date of birth", today - timedelta(days=3 * 365))
    choose(page, "Sex", "Female")
    page.get_by_label("NHS number", exact=True).fill("943 476 5919")
    page.get_by_label("Postcode (optional)").fill("ct1 2ab")
    choose(page, "Is the child normally resident in this CDOP's area?", "Yes")
    fill_date(page, "Date of death", today - timedelta(days=10))
    page.get_by_label("Time of death (optional)").fill("14:30")
    choose(page, "Where did the child die?", "Hospital")
    choose(page, "Was the death expected?", "Unexpected")
    page.get_by_label("Circumstances of the death (optional)").fill(
        "Fictional journey: collapsed at nursery.")
    family = page.get_by_role("group", name="Family member 1")
    family.get_by_label("Relationship to the child").select_option("mother")
    family.get_by_label("Full name").fill("Parent Testchild-Demo")
    page.get_by_label("Notifier's name").fill("Dr Journey Example")
    fill_date(page, "Date notification received", today - timedelta(days=9))
    page.get_by_role("button", name="Save notification").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Journey Testchild-Demo")
    expect(page.get_by_text("Notification recorded: case CDR-")).to_be_visible()
    journey.check("case-created")

    for agency in ("GP", "School"):
        page.get_by_role("button", name="Request an agency report").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Request an agency report")
        choose(page, "Agency", agency)
        page.get_by_label("Named contact").fill(f"{agency} Contact")
        fill_date(page, "Due date", today + timedelta(days=14))
        if agency == "GP":
            journey.check("request-report")
        page.get_by_role("button", name="Request report").click()
        expect(page.get_by_text(f"{agency} report requested.")).to_be_visible()
    reports = page.locator("[data-agency-reports] tbody tr")
    expect(reports).to_have_count(2)

    page.get_by_role("link", name="Record received GP report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a GP report")
    fill_date(page, "Date received", today)
    page.get_by_label("Summary of the report").fill("Registered since birth; seen last month.")
    choose(page, "Was the child known to the agency?", "Yes")
    choose(page, "Did the agency have safeguarding concerns about the child or family?",
           "Not known")
    choose(page, "Did the agency have contact with the child or family in the month before "
                 "the death?", "Not applicable")
    journey.check("record-report")
    page.get_by_role("button", name="Record report").click()
    expect(page.get_by_text("GP report recorded as received.")).to_be_visible()

    page.get_by_role("link", name="Waive School report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waive the School report")
    page.get_by_label("Why is this report no longer needed?").fill("Not yet at school.")
    journey.check("waive-report")
    page.get_by_role("button", name="Waive report").click()
    expect(page.get_by_text("School report waived.")).to_be_visible()

    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the case status")
    choose(page, "Move the case to", "Ready for panel")
    journey.check("change-status")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("The case is now ready for panel.")).to_be_visible()
    expect(page.locator("[data-case-summary] [data-status]")).to_have_text("Ready for panel")
    expect(page.locator("[data-report-status=received]")).to_have_count(1)
    expect(page.locator("[data-report-status=waived]")).to_have_count(1)
    journey.check("case-ready-for-panel")
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)

    sign_out(page)
    journey.assert_all_accessible()
