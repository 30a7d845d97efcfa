"""The learning summary journey: the coordinator drafts from a reviewed case and sees every
redaction, then submits; a board manager approves and publishes; the library shows it; every
page passes axe."""

import os
import shutil
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from cdop_scr.cases import services as case_services
from cdop_scr.cases.clocks import today
from cdop_scr.panels import services as panels

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from ..panels.conftest import FAMILY, identifiable_details
from .pages import service_navigation, sign_in, sign_out, totp_code

pytestmark = pytest.mark.browser

# Where the draft page screenshot is kept for a person to look at (set to keep it).
SCREENSHOT = os.environ.get("CDOP_LEARNING_SCREENSHOT")


def reviewed_case(coordinator, chair, member):
    """A case through notification, an agency report and a signed-off panel review."""
    case = case_services.notify_death(coordinator, identifiable_details(0), FAMILY,
                                      confirmed_new=True)
    report = case_services.request_agency_report(coordinator, case, "health_visitor",
                                                 "Hana Wexford", None, today())
    case_services.record_agency_report(
        coordinator, case, report, today(),
        f"Health visitor saw {case.forename} at 14 Larkspur Close; advice on safer sleep.", {})
    case_services.change_status(coordinator, case, case.version, "ready_for_panel")
    meeting = panels.create_meeting(coordinator, today() + timedelta(days=7), chair.id,
                                    [member.id], [case.id])
    analysis = panels.save_analysis(member, meeting.id, case.id, 0, category=10,
                                    event="sudden_unexpected", refer_for_scr=False,
                                    learning_points="Safer sleep advice should be repeated.")
    panels.add_factor(member, meeting.id, case.id, analysis.version, "social", "co_sleeping",
                      2, True, "Shared sleeping surface.")
    panels.sign_off_review(chair, meeting.id, case.id, analysis.version, today())
    return case.case_ref


def test_coordinator_drafts_and_submits_board_manager_approves_and_publishes(
        live_app, live_server, page, journey):
    with live_app.app_context():
        coordinator = UserFactory(roles=["coordinator"], full_name="Casey Coordinator")
        chair = UserFactory(roles=["panel_chair"], full_name="Priya Chair")
        member = UserFactory(roles=["panel_member"], full_name="Morgan Member")
        manager = UserFactory(roles=["board_manager"], full_name="Bola Board", totp=True)
        case_ref = reviewed_case(coordinator, chair, member)
        coordinator_email, manager_email, secret = (coordinator.email, manager.email,
                                                    manager.totp_secret)

    # The coordinator drafts from the reviewed case and sees every redaction.
    sign_in(page, live_server, coordinator_email, DEFAULT_PASSWORD)
    service_navigation(page).get_by_role("link", name="Learning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning library")
    journey.check("library-empty")
    page.get_by_role("link", name="Summaries in progress").click()
    page.get_by_role("button", name="Draft a learning summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft a learning summary")
    journey.check("choose-source")
    page.get_by_role("link", name=case_ref).click()
    page.get_by_label("Pseudonym for the child").fill("Ashley")
    journey.check("pseudonym")
    page.get_by_role("button", name="Draft the summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the learning summary")
    redactions = page.locator("[data-redaction]")
    expect(redactions.first).to_be_visible()
    assert redactions.count() >= 8
    expect(page.locator("[data-kind='child_name']").first).to_contain_text("Ashley")
    expect(page.get_by_label("What happened")).to_contain_text("Ashley")
    expect(page.get_by_label("What happened")).not_to_contain_text("Ottoline")
    journey.check("draft")
    if SCREENSHOT:
        shutil.copyfile(journey.visited[-1][2], SCREENSHOT)
    page.get_by_role("button", name="Save and redact").click()
    expect(page.get_by_text("Saved. The text was redacted again")).to_be_visible()
    page.get_by_role("link", name="Back to the summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ashley's story")
    journey.check("summary-draft")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Submitted for approval by a board manager.")).to_be_visible()
    sign_out(page)

    # A board manager (not the author) approves and publishes.
    sign_in(page, live_server, manager_email, DEFAULT_PASSWORD)
    page.get_by_label("Security code").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()
    service_navigation(page).get_by_role("link", name="Learning").click()
    page.get_by_role("link", name="Summaries in progress").click()
    journey.check("in-progress")
    page.get_by_role("link", name="Ashley's story").click()
    expect(page.locator("[data-residual]")).to_have_count(0)
    journey.check("summary-submitted")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved for publication.")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published to the learning library.")).to_be_visible()
    journey.check("summary-published")

    # The library shows it, by year, with its theme counted and suppressed: with one summary the
    # total is "<5", and below the threshold every cell of the table is hidden as "[c]".
    service_navigation(page).get_by_role("link", name="Learning").click()
    expect(page.locator("[data-library-summary]")).to_have_count(1)
    expect(page.locator("[data-library-summary]")).to_contain_text("Ashley's story")
    expect(page.locator("[data-theme-row='Co-sleeping'] [data-count]")).to_have_text("[c]")
    expect(page.get_by_text("1", exact=True)).to_have_count(0)
    journey.check("library")
    journey.assert_all_accessible()
