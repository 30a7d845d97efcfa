"""Security headers on every page, and CSRF on every form (this module turns CSRF on)."""

import re
from datetime import timedelta

import time_machine

from .conftest import DEFAULT_PASSWORD
from .factories import UserFactory


def test_every_page_sends_a_nonce_csp_and_the_protective_headers(client, login_as):
    login_as("coordinator")
    first, second = client.get("/home"), client.get("/home")
    for response in (first, second):
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "'unsafe-inline'" not in csp
        assert response.headers["Cache-Control"].startswith("no-store")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in response.headers  # development/test: no TLS
    nonces = [re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]).group(1)
              for r in (first, second)]
    assert nonces[0] != nonces[1]
    html = first.get_data(as_text=True)
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts and all(f'nonce="{nonces[0]}"' in attrs for attrs in inline_scripts)


def test_error_pages_are_govuk_styled_and_keep_the_headers(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "govuk-heading-l" in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers


def csrf_app(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    return app


def token_from(response):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     response.get_data(as_text=True)).group(1)


def test_a_form_posted_without_a_csrf_token_is_refused(make_app):
    app = csrf_app(make_app)
    with app.app_context():
        UserFactory(email="csrf@example.org")
        response = app.test_client().post(
            "/sign-in", data={"email": "csrf@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)


def test_a_token_from_another_session_is_refused(make_app):
    app = csrf_app(make_app)
    with app.app_context():
        UserFactory(email="csrf@example.org")
        attacker, victim = app.test_client(), app.test_client()
        foreign = token_from(attacker.get("/sign-in"))
        victim.get("/sign-in")
        response = victim.post("/sign-in", data={
            "email": "csrf@example.org", "password": DEFAULT_PASSWORD, "csrf_token": foreign})
    assert response.status_code == 400


def test_an_expired_token_is_refused_and_a_fresh_one_works(make_app):
    app = csrf_app(make_app)
    with app.app_context():
        UserFactory(email="csrf@example.org")
        client = app.test_client()
        with time_machine.travel("2026-11-22 09:00:00+00:00", tick=False) as traveller:
            token = token_from(client.get("/sign-in"))
            traveller.shift(timedelta(hours=1, minutes=1))
            expired = client.post("/sign-in", data={
                "email": "csrf@example.org", "password": DEFAULT_PASSWORD, "csrf_token": token})
            fresh = client.post("/sign-in", data={
                "email": "csrf@example.org", "password": DEFAULT_PASSWORD,
                "csrf_token": token_from(client.get("/sign-in"))})
    assert expired.status_code == 400
    assert fresh.status_code == 302


def test_sign_out_needs_a_csrf_token_too(make_app):
    app = csrf_app(make_app)
    with app.app_context():
        UserFactory(email="csrf@example.org")
        client = app.test_client()
        client.post("/sign-in", data={"email": "csrf@example.org", "password": DEFAULT_PASSWORD,
                                      "csrf_token": token_from(client.get("/sign-in"))})
        assert client.post("/sign-out").status_code == 400
        assert client.get("/home").status_code == 200
