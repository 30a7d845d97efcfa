"""An administrator manages accounts, in a real browser."""

import pytest
from playwright.sync_api import expect

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from .pages import expect_home, service_navigation, sign_in, sign_out, totp_code

pytestmark = pytest.mark.browser


def test_admin_signs_in_with_two_factor_and_creates_a_user(live_app, live_server, page, journey):
    with live_app.app_context():
        admin = UserFactory(roles=["admin"], totp=True)
        email, full_name, secret = admin.email, admin.full_name, admin.totp_secret

    sign_in(page, live_server, email, DEFAULT_PASSWORD)
    expect(page).to_have_url(f"{live_server}/sign-in/two-factor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    journey.check("two-factor")
    page.get_by_label("Security code").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect_home(page, full_name)
    journey.check("home")

    service_navigation(page).get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    journey.check("users")

    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    journey.check("create-account")

    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the person's full name")
    journey.check("create-account-errors")

    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Email address").fill("priya.shah@example.org")
    page.get_by_role("group", name="Roles").get_by_label("Panel chair").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Account created")).to_be_visible()
    journey.check("account-created")

    page.get_by_role("link", name="Back to users").click()
    row = page.get_by_role("row").filter(has_text="priya.shah@example.org")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(0)).to_have_text("Priya Shah")
    expect(row.get_by_role("cell").nth(2)).to_have_text("Panel chair")
    journey.check("users-with-new-account")

    sign_out(page)
    journey.assert_all_accessible()
