"""Pages anyone can reach without signing in."""

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible

pytestmark = pytest.mark.browser


def test_accessibility_statement_is_accessible_and_styled(live_server, page, journey):
    page.goto(f"{live_server}/accessibility")
    journey.check("accessibility-statement")

    header = page.get_by_role("banner")
    assert "Local Safeguarding Children Partnership" in header.inner_text()
    assert header.locator("svg").count() == 0, "the header must not show the GOV.UK crown"
    footer = page.get_by_role("contentinfo")
    assert footer.locator("svg").count() == 0, "the footer must not show the OGL logo"
    for element in (header, page.get_by_role("heading", level=1), footer):
        font = element.evaluate("element => getComputedStyle(element).fontFamily")
        assert font == "arial, sans-serif", "this service uses Arial, never GDS Transport"
    # application.js ran initAll: GOV.UK Frontend marks each component it starts.
    expect(page.locator(".govuk-skip-link[data-govuk-skip-link-init]")).to_have_count(1)
    journey.assert_all_accessible()


def test_axe_check_fails_on_an_inaccessible_page(live_server, page):
    """The harness itself: axe loads despite the strict CSP and reports what it finds."""
    page.goto(f"{live_server}/accessibility")
    assert_accessible(page)

    page.evaluate(
        """() => {
        const input = document.createElement('input');
        input.id = 'unlabelled';
        document.querySelector('main').append(input);
    }"""
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    assert "label" in str(failure.value)
    assert "#unlabelled" in str(failure.value)
