"""The board manager takes a referred CDOP case through to a tracked action plan, in a browser."""

import shutil
from datetime import date

import pytest
from playwright.sync_api import expect

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from .pages import service_navigation, sign_in, sign_out, totp_code

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/cdop-scr-dashboard.png"


@pytest.fixture
def live_app(make_app):
    # The server's "today" is fixed (test config only), so time can be moved on mid-journey.
    return make_app(SERVER_NAME=None, WTF_CSRF_ENABLED=True, CDOP_TODAY="2025-03-03")


def fill_date(page, legend, value):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def add_action(page, description, agency, agency_type, owner, due):
    page.get_by_role("link", name="Add an action to recommendation 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Add an action to recommendation 1")
    page.get_by_label("What the agency will do").fill(description)
    page.get_by_label("Owning agency").fill(agency)
    page.get_by_label("Type of agency").select_option(label=agency_type)
    page.get_by_label("Action owner").fill(owner)
    fill_date(page, "Due date", due)
    page.get_by_label("Evidence that will show it is done").fill("Attendance register.")
    page.get_by_role("button", name="Add action").click()


def test_board_manager_runs_a_review_from_referral_to_an_overdue_action(
        live_app, live_server, page, journey):
    with live_app.app_context():
        from cdop_scr.cases import services as case_services

        from ..cases.conftest import details

        manager = UserFactory(roles=["board_manager"], totp=True)
        email, secret = manager.email, manager.totp_secret
        coordinator = UserFactory(roles=["coordinator"])
        case = case_services.notify_death(coordinator, details(), confirmed_new=True)
        case_services.update_key_dates(coordinator, case, case.version,
                                       {"scr_referred_on": date(2025, 2, 20)})
        case_ref = case.case_ref

    sign_in(page, live_server, email, DEFAULT_PASSWORD)
    page.get_by_label("Security code").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()

    service_navigation(page).get_by_role("link", name="Case reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case reviews")
    journey.check("case-reviews")

    # Start the review from the referred CDOP case.
    page.get_by_role("link", name=f"Start a review of case {case_ref}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Start a review of case {case_ref}")
    fill_date(page, "Date the local authority learned of the incident", date(2025, 2, 18))
    looked_after = page.get_by_role("group", name="Was the child looked after?")
    looked_after.get_by_label("No", exact=True).check()
    journey.check("start-review")
    page.get_by_role("button", name="Start the review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "LCSPR-2025-001: Canary-Forename Testchild-Zephyrine")
    notification = page.locator('[data-clock="notification"]')
    expect(notification).to_contain_text("25 February 2025")
    expect(notification).to_contain_text("Overdue")
    journey.check("review")

    # Send for decision, then record it.
    page.get_by_role("button", name="Change status").click()
    page.get_by_label("Decision pending").check()
    journey.check("change-status")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("LCSPR-2025-001 is now 'Decision pending'.")).to_be_visible()
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_label("Criteria met: hold a review").check()
    fill_date(page, "Date of the decision", date(2025, 3, 3))
    page.get_by_label("Decided by").fill("Independent chair")
    page.get_by_label("Why the criteria are or are not met").fill(
        "Agencies held information that was not shared.")
    journey.check("decision")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator('[data-status="in_progress"]')).to_be_visible()
    expect(page.locator('[data-clock="decision"]')).to_contain_text("Met")

    # The action plan: one recommendation, two actions.
    page.get_by_role("button", name="Action plan").click()
    page.get_by_role("button", name="Add a recommendation").click()
    page.get_by_label("Recommendation").fill(
        "Agencies share missed-appointment information within five working days.")
    page.get_by_role("button", name="Add recommendation").click()
    add_action(page, "Train health visitors on escalation.", "Example NHS Trust",
               "Health provider (NHS trust)", "Named nurse", date(2025, 4, 30))
    add_action(page, "Audit police welfare-check referrals.", "Kent Police", "Police",
               "Detective Inspector", date(2025, 3, 31))
    expect(page.locator('[data-action]')).to_have_count(2)
    journey.check("action-plan")

    # Evidence for 1.1, accepted.
    page.get_by_role("link", name="1.1").click()
    page.get_by_role("button", name="Submit evidence").click()
    page.get_by_label("Evidence", exact=True).fill("Training register: 48 of 50 trained.")
    journey.check("submit-evidence")
    page.get_by_role("button", name="Submit evidence").click()
    expect(page.locator('[data-action-status="evidence_submitted"]')).to_be_visible()
    page.get_by_role("button", name="Accept evidence and complete the action").click()
    expect(page.get_by_text("action 1.1 is completed")).to_be_visible()
    expect(page.locator('[data-action-status="completed"]')).to_be_visible()
    journey.check("action-completed")

    # Six weeks on, action 1.2 is overdue (and past the escalation threshold).
    live_app.config["CDOP_TODAY"] = "2025-05-15"
    service_navigation(page).get_by_role("link", name="Case reviews").click()
    page.get_by_role("button", name="Board dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board dashboard")
    overdue = page.locator("#overdue-actions")
    expect(overdue.locator("[data-action]")).to_have_count(1)
    expect(overdue).to_contain_text("Audit police welfare-check referrals.")
    expect(overdue).to_contain_text("45 days overdue")
    expect(page.locator("#escalations")).to_contain_text("LCSPR-2025-001")
    police = page.locator('[data-agency="Kent Police"]')
    expect(police.locator('[data-status="not_started"]')).to_have_text("1")
    expect(police.locator("[data-overdue]")).to_have_text("1")
    nhs = page.locator('[data-agency="Example NHS Trust"]')
    expect(nhs.locator('[data-status="completed"]')).to_have_text("1")
    expect(nhs.locator("[data-overdue]")).to_have_text("0")
    journey.check("dashboard")
    shutil.copyfile(journey.visited[-1][2], SCREENSHOT)

    sign_out(page)
    journey.assert_all_accessible()
