"""Outside contributors: a notifier uses the public page, the coordinator accepts the
notification and e-mails an agency a secure link, the agency's contact sends its report.
Every page passes axe; e-mail goes through a real SMTP server on loopback."""

import os
import re
import shutil
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from ..public.smtp import mail_settings, smtp_server  # noqa: F401 (fixture)
from .pages import sign_in, sign_out

pytestmark = pytest.mark.browser

# Where the public page screenshot is kept for a person to look at (set to keep it).
SCREENSHOT = os.environ.get("CDOP_PUBLIC_SCREENSHOT")
LINK = re.compile(r"http://[^/\s]+(/agency-report/[A-Za-z0-9_\-]+)")


@pytest.fixture
def live_app(make_app, smtp_server):  # noqa: F811
    return make_app(SERVER_NAME=None, WTF_CSRF_ENABLED=True,
                    **mail_settings(smtp_server,
                                    MAIL_COORDINATOR_ADDRESS="coordinator@cdop.example.org"))


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def choose(page, legend, option):
    page.get_by_role("group", name=legend).get_by_label(option, exact=True).check()


def test_a_notifier_tells_us_the_coordinator_accepts_and_an_agency_reports_by_link(
        live_app, live_server, page, journey, smtp_server, tmp_path):  # noqa: F811
    with live_app.app_context():
        coordinator = UserFactory(roles=["coordinator"], full_name="Casey Coordinator")
        email = coordinator.email
    today = date.today()

    # A ward nurse notifies a death from the public page, without an account.
    page.goto(f"{live_server}/notify-a-death")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about the death of a child")
    journey.check("public-notify")
    if SCREENSHOT:
        shutil.copy(journey.visited[-1][2], SCREENSHOT)
    page.get_by_role("button", name="Send notification").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the date of death")
    journey.check("public-notify-errors")

    page.get_by_label("First name").fill("Outside")
    page.get_by_label("Last name").fill("Testchild-Journey")
    fill_date(page, "Date of birth", today - timedelta(days=2 * 365))
    choose(page, "Sex", "Male")
    page.get_by_label("NHS number", exact=True).fill("943 476 5919")
    choose(page, "Is the child normally resident in this CDOP's area?", "Yes")
    fill_date(page, "Date of death", today - timedelta(days=1))
    choose(page, "Where did the child die?", "Hospital")
    choose(page, "Was the death expected?", "Not yet known")
    family = page.get_by_role("group", name="Family member 1")
    family.get_by_label("Relationship to the child").select_option("mother")
    family.get_by_label("Full name").fill("Parent Testchild-Journey")
    page.get_by_label("Your full name").fill("Nurse Journey Example")
    page.get_by_label("Your role").fill("Ward sister")
    page.get_by_label("Your organisation").fill("Example Children's Hospital")
    page.get_by_label("How can we contact you?").fill("nurse@example.org")
    page.get_by_role("button", name="Send notification").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Notification sent"))
    reference = page.locator("[data-reference]").inner_text()
    assert reference.startswith("PN-")
    journey.check("public-sent")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download a copy of your notification").click()
    copy = (download.value.path()).read_text(encoding="utf-8")
    assert "Last name: Testchild-Journey" in copy and reference in copy
    page.reload()
    expect(page.locator("[data-copy-taken]")).to_be_visible()
    [alert] = smtp_server.messages
    assert "Testchild" not in alert["body"]

    # The coordinator finds it in the queue and accepts it: a case is created.
    sign_in(page, live_server, email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="New notifications (1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New notifications")
    journey.check("queue")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Notification {reference}")
    journey.check("notification")
    page.get_by_role("button", name="Accept and create a case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outside Testchild-Journey")
    expect(page.get_by_text("Notification accepted: case CDR-")).to_be_visible()
    case_url = page.url

    # It asks the school for a report and e-mails the contact a secure link.
    page.get_by_role("button", name="Request an agency report").click()
    choose(page, "Agency", "School")
    page.get_by_label("Named contact").fill("Head Teacher")
    page.get_by_label("Contact's email address (optional)").fill("head@school.example.org")
    fill_date(page, "Due date", today + timedelta(days=14))
    page.get_by_role("button", name="Request report").click()
    page.get_by_role("button", name="Send secure link").click()
    expect(page.get_by_text("Secure link sent to head@school.example.org.")).to_be_visible()
    journey.check("case-with-link")
    sign_out(page)
    link_mail = smtp_server.messages[-1]
    assert link_mail["to"] == ["head@school.example.org"]
    path = LINK.search(link_mail["body"]).group(1)

    # The school's contact opens the link, saves a draft, then sends the report.
    page.goto(f"{live_server}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Send your agency's report")
    assert "/agency-report/" not in page.url  # the token was swapped for a session
    expect(page.locator("[data-child-identity]")).to_contain_text("Outside Testchild-Journey")
    journey.check("agency-form")
    page.get_by_label("Your report").fill("Attended nursery class; no concerns recorded.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft has been saved.")).to_be_visible()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("alert")).to_contain_text("Select an answer")
    journey.check("agency-form-errors")
    choose(page, "Was the child known to the agency?", "Yes")
    choose(page, "Did the agency have safeguarding concerns about the child or family?", "No")
    choose(page, "Did the agency have contact with the child or family in the month before "
                 "the death?", "Not known")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Report sent"))
    journey.check("agency-sent")
    page.goto(f"{live_server}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    journey.check("link-used")
    # That refusal is a deliberate 404, which the browser reports as a console error.
    expected = f"{live_server}{path}: Failed to load resource: the server responded with a " \
               f"status of 404"
    assert any(e.startswith(expected) for e in journey.console_errors)
    journey.console_errors = [e for e in journey.console_errors if not e.startswith(expected)]

    # Back with the coordinator: the report is received.
    sign_in(page, live_server, email, DEFAULT_PASSWORD)
    page.goto(case_url)
    expect(page.locator("[data-agency='school']")).to_have_attribute("data-report-status",
                                                                      "received")
    journey.check("case-report-received")
    journey.assert_all_accessible()
