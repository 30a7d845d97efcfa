"""The panel's journey: the coordinator arranges a meeting, a member records the analysis,
the chair signs it off; every page passes axe."""

import os
import shutil
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from cdop_scr.cases import services as case_services
from cdop_scr.cases.clocks import today

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from ..panels.conftest import FAMILY, identifiable_details
from .pages import service_navigation, sign_in, sign_out

pytestmark = pytest.mark.browser

# Where the analysis page screenshot is kept for a person to look at (set to keep it).
SCREENSHOT = os.environ.get("CDOP_ANALYSIS_SCREENSHOT")


def ready_case(coordinator, n):
    case = case_services.notify_death(coordinator, identifiable_details(n), FAMILY,
                                      confirmed_new=True)
    report = case_services.request_agency_report(coordinator, case, "gp", "A Contact", None,
                                                 today())
    case_services.record_agency_report(coordinator, case, report, today(),
                                       f"GP saw {case.forename} twice for a cough.", {})
    case_services.change_status(coordinator, case, case.version, "ready_for_panel")
    return case.case_ref


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_coordinator_arranges_a_meeting_member_records_factors_chair_signs_off(
        live_app, live_server, page, journey):
    with live_app.app_context():
        coordinator = UserFactory(roles=["coordinator"], full_name="Casey Coordinator")
        chair = UserFactory(roles=["panel_chair"], full_name="Priya Chair")
        member = UserFactory(roles=["panel_member"], full_name="Morgan Member")
        refs = [ready_case(coordinator, n) for n in range(3)]
        emails = coordinator.email, chair.email, member.email

    # The coordinator arranges a meeting with two of the three ready cases.
    sign_in(page, live_server, emails[0], DEFAULT_PASSWORD)
    service_navigation(page).get_by_role("link", name="Panel meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel meetings")
    journey.check("meetings")
    page.get_by_role("button", name="Arrange a meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arrange a panel meeting")
    fill_date(page, "Date of the meeting", date.today() + timedelta(days=7))
    page.get_by_label("Chair", exact=True).select_option(label="Priya Chair")
    page.get_by_role("group", name="Panel members").get_by_label("Morgan Member").check()
    agenda = page.get_by_role("group", name="Agenda")
    for ref in refs[:2]:
        agenda.get_by_label(ref, exact=False).check()
    journey.check("arrange-meeting")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("Panel meeting arranged.")).to_be_visible()
    expect(page.locator("[data-agenda-item]")).to_have_count(2)
    journey.check("meeting")
    sign_out(page)

    # The member sees only those two cases, pseudonymised, and records the analysis.
    sign_in(page, live_server, emails[2], DEFAULT_PASSWORD)
    service_navigation(page).get_by_role("link", name="Panel meetings").click()
    page.locator("[data-meetings] a").first.click()
    rows = page.locator("[data-agenda-item]")
    expect(rows).to_have_count(2)
    expect(page.get_by_text(refs[2])).to_have_count(0)
    # The panel pack: both agenda cases, pseudonymised, and nothing of the third.
    page.get_by_role("button", name="Open the panel pack").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Panel meeting on")
    pack = page.locator("[data-panel-pack]")
    expect(pack.get_by_role("heading", level=2)).to_have_text(["Child A", "Child B"])
    expect(pack).not_to_contain_text("Ottoline")
    expect(pack).not_to_contain_text(refs[2])
    journey.check("panel-pack")
    page.go_back()
    page.get_by_role("link", name="Child A").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Child A")
    expect(page.locator("[data-circumstances]")).to_contain_text("Child A")
    expect(page.get_by_text("Ottoline")).to_have_count(0)
    journey.check("panel-case")
    page.get_by_role("link", name="Go to the analysis").click()
    page.get_by_label("10. Sudden unexpected, unexplained death").check()
    page.get_by_label("Event leading to death").select_option(
        label="Sudden unexpected death in infancy or childhood")
    page.get_by_role("group", name="Refer the case for serious case review consideration?") \
        .get_by_label("No").check()
    page.get_by_label("Learning points").fill("Repeat safer sleep advice when a family moves.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft analysis saved.")).to_be_visible()

    form = page.locator("[data-factor-form]")
    form.get_by_label("Social environment, including family and parenting capacity").check()
    form.get_by_label("Theme").select_option(label="Co-sleeping")
    form.get_by_label("Description").fill("Child A shared an adult bed after a house move.")
    form.get_by_label("2: factors that may have contributed").check()
    form.get_by_label("This factor is modifiable").check()
    form.get_by_role("button", name="Add factor").click()
    expect(page.get_by_text("Factor added.")).to_be_visible()
    expect(page.locator("[data-final-outcome]")).to_have_attribute(
        "data-final-outcome", "modifiable")
    journey.check("analysis")
    if SCREENSHOT:
        shutil.copy(journey.visited[-1][2], SCREENSHOT)
    sign_out(page)

    # The chair signs the review off.
    sign_in(page, live_server, emails[1], DEFAULT_PASSWORD)
    service_navigation(page).get_by_role("link", name="Panel meetings").click()
    page.locator("[data-meetings] a").first.click()
    page.get_by_role("link", name="Child A").click()
    page.get_by_role("link", name="Go to the analysis").click()
    page.get_by_role("button", name="Sign off review").click()
    expect(page.get_by_text("Review signed off. The case is now reviewed.")).to_be_visible()
    expect(page.locator("[data-locked]")).to_be_visible()
    journey.check("signed-off")
    page.get_by_role("link", name="Back to the case").click()
    page.get_by_role("link", name="Back to the meeting").click()
    expect(rows.first).to_contain_text("Signed off")
    journey.check("meeting-after-sign-off")
    sign_out(page)
    journey.assert_all_accessible()
