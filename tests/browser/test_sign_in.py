"""Signing in and out, with and without two-factor sign-in, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from .pages import expect_home, sign_in, sign_out, totp_code

pytestmark = pytest.mark.browser


def make_user(app, **fields):
    """Create a user in the live server's database; returns (email, full name)."""
    with app.app_context():
        user = UserFactory(**fields)
        return user.email, user.full_name


def test_coordinator_signs_in_with_a_password_and_signs_out(live_app, live_server, page, journey):
    email, full_name = make_user(live_app, roles=["coordinator"])

    page.goto(live_server)
    expect(page).to_have_url(f"{live_server}/sign-in")
    journey.check("sign-in")

    sign_in(page, live_server, email, DEFAULT_PASSWORD)
    expect(page).to_have_url(f"{live_server}/home")
    expect_home(page, full_name)
    expect(page.get_by_text("CDOP coordinator")).to_be_visible()
    journey.check("home")

    sign_out(page)
    journey.check("signed-out")

    page.goto(f"{live_server}/home")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    journey.assert_all_accessible()


def test_wrong_password_shows_an_accessible_error(live_app, live_server, page, journey):
    email, _ = make_user(live_app, roles=["coordinator"])

    sign_in(page, live_server, email, "not the password")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    journey.check("sign-in-error")
    journey.assert_all_accessible()


def test_board_manager_is_made_to_set_up_two_factor_sign_in(live_app, live_server, page, journey):
    email, full_name = make_user(live_app, roles=["board_manager"])

    sign_in(page, live_server, email, DEFAULT_PASSWORD)
    expect(page).to_have_url(f"{live_server}/sign-in/set-up-two-factor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    journey.check("offer-two-factor")
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(page).to_have_url(f"{live_server}/sign-in/set-up-two-factor")
    qr_code = page.get_by_role("img", name="QR code to scan with your authenticator app")
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("img => img.naturalWidth") > 0, "the QR code did not load"
    journey.check("set-up-two-factor")

    secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in is on")
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    assert page.locator("[data-recovery-codes] li").count() >= 8
    journey.check("recovery-codes")

    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server}/home")
    expect_home(page, full_name)
    journey.check("home")

    sign_out(page)
    journey.check("signed-out")
    journey.assert_all_accessible()


def test_header_fits_a_narrow_screen_and_sign_out_shows_keyboard_focus(
    live_app, live_server, page, journey
):
    email, full_name = make_user(live_app, roles=["coordinator"])
    sign_in(page, live_server, email, DEFAULT_PASSWORD)
    expect_home(page, full_name)

    sign_out_button = page.get_by_role("banner").get_by_role("button", name="Sign out")
    sign_out_button.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    focused = sign_out_button.evaluate(
        "b => [document.activeElement === b, getComputedStyle(b).backgroundColor]"
    )
    assert focused == [True, "rgb(255, 221, 0)"], "Sign out must show the GOV.UK yellow focus"

    page.set_viewport_size({"width": 320, "height": 640})  # WCAG 1.4.10 reflow
    expect(sign_out_button).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    journey.check("home-320px")
    journey.assert_all_accessible()
