"""The learning summary formatting buttons: they insert the allowed HTML into the text box,
carry labels a screen reader can announce, pass axe, and the page works without JavaScript."""

import pytest
from playwright.sync_api import expect

from cdop_scr.extensions import db
from cdop_scr.learning import services
from cdop_scr.models.cases import Case
from cdop_scr.models.learning import LearningSummary, SourceKind

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from .pages import sign_in
from .test_learning_journey import reviewed_case

pytestmark = pytest.mark.browser


@pytest.fixture
def draft(live_app):
    with live_app.app_context():
        coordinator = UserFactory(roles=["coordinator"], full_name="Casey Coordinator")
        chair = UserFactory(roles=["panel_chair"], full_name="Priya Chair")
        member = UserFactory(roles=["panel_member"], full_name="Morgan Member")
        case_ref = reviewed_case(coordinator, chair, member)
        case = db.session.query(Case).filter_by(case_ref=case_ref).one()
        summary = services.draft_summary(coordinator, SourceKind.CDOP_CASE, case.id, "Ashley")
        return summary.id, coordinator.email


def stored(live_app, summary_id, name):
    with live_app.app_context():
        db.session.expire_all()
        return getattr(db.session.get(LearningSummary, summary_id), name)


def test_the_formatting_buttons_insert_allowed_html_and_the_saved_text_keeps_it(
        live_app, live_server, page, journey, draft):
    summary_id, email = draft
    sign_in(page, live_server, email, DEFAULT_PASSWORD)
    page.goto(f"{live_server}/learning/summaries/{summary_id}/edit")
    box = page.get_by_label("Key learning", exact=True)
    toolbar = page.locator("[data-rich-text-toolbar='key_learning']")
    expect(toolbar).to_have_attribute("role", "group")
    expect(toolbar).to_have_attribute("aria-label", "Text formatting")
    for label in ("Paragraph", "Bulleted list", "Numbered list", "Bold", "Emphasis", "Link"):
        expect(toolbar.get_by_role("button", name=f"{label} (Key learning)")).to_be_visible()
    journey.check("edit-with-toolbar")

    box.fill("Share records\nSee the child alone")
    box.select_text()
    toolbar.get_by_role("button", name="Bulleted list (Key learning)").click()
    expect(box).to_have_value(
        "<ul>\n  <li>Share records</li>\n  <li>See the child alone</li>\n</ul>")

    box.fill("Agencies must act.")
    box.evaluate("(el) => el.setSelectionRange(9, 13)")  # "must"
    toolbar.get_by_role("button", name="Emphasis (Key learning)").click()
    expect(box).to_have_value("Agencies <em>must</em> act.")
    box.select_text()
    toolbar.get_by_role("button", name="Paragraph (Key learning)").click()
    expect(box).to_have_value("<p>Agencies <em>must</em> act.</p>")
    box.press("End")
    toolbar.get_by_role("button", name="Link (Key learning)").click()
    # The address is left selected, so typing replaces it.
    page.keyboard.type("https://www.nhs.uk/safer-sleep")
    expect(box).to_have_value('<p>Agencies <em>must</em> act.</p>'
                              '<a href="https://www.nhs.uk/safer-sleep">link text</a>')
    numbered = page.get_by_label("Recommendations", exact=True)
    numbered.fill("Repeat advice")
    numbered.select_text()
    page.get_by_role("button", name="Numbered list (Recommendations)").click()
    page.get_by_role("button", name="Bold (Recommendations)").click()
    expect(numbered).to_have_value(
        "<ol>\n  <li>Repeat advice</li>\n</ol><strong>bold text</strong>")

    page.get_by_role("button", name="Save and redact").click()
    expect(page.get_by_text("Saved. The text was redacted again")).to_be_visible()
    assert stored(live_app, summary_id, "key_learning") == (
        '<p>Agencies <em>must</em> act.</p><a href="https://www.nhs.uk/safer-sleep" '
        'rel="noopener noreferrer">link text</a>')
    assert stored(live_app, summary_id, "recommendations").startswith(
        "<ol>\n  <li>Repeat advice</li>\n</ol>")
    journey.check("saved")
    journey.assert_all_accessible()


def test_without_javascript_there_are_no_buttons_and_typed_html_is_still_saved(
        live_app, live_server, browser, draft):
    summary_id, email = draft
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        sign_in(page, live_server, email, DEFAULT_PASSWORD)
        page.goto(f"{live_server}/learning/summaries/{summary_id}/edit")
        expect(page.locator("[data-rich-text-toolbar]")).to_have_count(0)
        page.get_by_label("Key learning", exact=True).fill("<p>Typed <strong>by hand</strong>.</p>")
        page.get_by_role("button", name="Save and redact").click()
        expect(page.get_by_text("Saved. The text was redacted again")).to_be_visible()
    finally:
        context.close()
    assert stored(live_app, summary_id, "key_learning") == "<p>Typed <strong>by hand</strong>.</p>"
