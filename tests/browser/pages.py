"""Steps the journeys share, written the way a person reads the page: labels and roles."""

import re

import pyotp
from playwright.sync_api import expect


def sign_in(page, base_url, email, password):
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def totp_code(secret):
    return pyotp.TOTP(secret).now()


def service_navigation(page):
    return page.get_by_role("navigation", name="Menu")


def expect_home(page, full_name):
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {full_name}")
    header = page.get_by_role("banner")
    expect(header.get_by_text(full_name)).to_be_visible()
    expect(service_navigation(page).get_by_role("link", name="Home")).to_have_attribute(
        "aria-current", re.compile(r"^(page|true)$")
    )
