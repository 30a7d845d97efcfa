"""XSS in a real browser: payloads stored in a case are shown as text and never run.

The reliability check (tests/reliability/test_xss.py) parses every page; this one lets Chromium
run the case page and its edit form, where a payload would execute if it were ever unescaped.
"""

import pytest
from playwright.sync_api import expect

from cdop_scr.cases import services as case_services

from ..cases.conftest import details
from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from .pages import sign_in

pytestmark = pytest.mark.browser

RAN = "window.__xss = (window.__xss || 0) + 1"
PAYLOADS = {
    "forename": "<script>" + RAN + "</script>",
    "circumstances": (f'<img src=x onerror="{RAN}; alert(1)"> <svg onload="{RAN}"></svg> '
                      f"\"><script>{RAN}</script> <a href=\"javascript:{RAN}\">link</a>"),
    "school": f"\" autofocus onfocus=\"{RAN}",
    "notifier_name": f"</textarea><script>{RAN}</script>",
}


def test_payloads_in_a_case_are_shown_as_text_and_never_run(live_app, live_server, page):
    with live_app.app_context():
        user = UserFactory(roles=["coordinator"])
        case = case_services.notify_death(user, details(**PAYLOADS), confirmed_new=True)
        email, case_id = user.email, case.id
    dialogs, blocked = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # A script the Content-Security-Policy stopped was still injected: that fails too.
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, live_server, email, DEFAULT_PASSWORD)

    for path in (f"/cases/{case_id}", f"/cases/{case_id}/edit"):
        page.goto(f"{live_server}{path}")  # returns once the page has loaded: handlers ran
        assert page.evaluate("window.__xss") is None, f"a stored payload ran on {path}"
        if path.endswith("/edit"):
            expect(page.get_by_label("Circumstances of the death (optional)")).to_have_value(
                PAYLOADS["circumstances"])
        else:
            expect(page.get_by_text(PAYLOADS["forename"]).first).to_be_visible()
            assert page.get_by_role("link", name="link", exact=True).count() == 0
    assert not dialogs, f"a stored payload opened a dialog: {dialogs}"
    assert not blocked, f"a stored payload was injected (the CSP stopped it): {blocked}"
