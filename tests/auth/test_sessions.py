import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from cdop_scr import create_app
from cdop_scr.crypto import keys
from cdop_scr.extensions import db as _db
from cdop_scr.models import UserSession

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory


def signed_in(client):
    return client.get("/home").status_code == 200


def session_cookie(client, app):
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def test_signing_out_ends_the_session_on_the_server_not_only_the_cookie(app, client, login_as):
    login_as("coordinator")
    stolen = session_cookie(client, app)
    assert client.post("/sign-out").status_code == 302
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)  # replay the old cookie
    assert not signed_in(client)


def test_changing_password_ends_every_other_session_of_that_user(app, login_as):
    phone, laptop = app.test_client(), app.test_client()
    user = UserFactory()
    for client in (phone, laptop):
        client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert signed_in(phone) and signed_in(laptop)
    laptop.post(
        "/account/password",
        data={"current_password": DEFAULT_PASSWORD, "new_password": "another long passphrase"},
    )
    assert signed_in(laptop)
    assert not signed_in(phone)


def test_an_administrator_disabling_an_account_ends_its_sessions(app, login_as):
    target_client = app.test_client()
    target = UserFactory()
    target_client.post("/sign-in", data={"email": target.email, "password": DEFAULT_PASSWORD})
    assert signed_in(target_client)
    admin_client = app.test_client()
    admin = UserFactory(roles=["admin"])
    admin_client.post("/sign-in", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    # Admin needs two-factor sign-in; sign the admin in directly for this test.
    from cdop_scr.auth import services

    token = services.open_session(admin)
    from cdop_scr.extensions import db

    db.session.commit()
    with admin_client.session_transaction() as session:
        session.update({"_user_id": str(admin.id), "sid": token})
    assert admin_client.post(f"/users/{target.id}/disable").status_code == 302
    assert not signed_in(target_client)


def test_a_role_change_ends_the_sessions_of_that_user(app, client, login_as, db):
    target_client = app.test_client()
    target = UserFactory(roles=["panel_member"])
    target_client.post("/sign-in", data={"email": target.email, "password": DEFAULT_PASSWORD})
    assert signed_in(target_client)
    login_as("admin")
    client.post(
        f"/users/{target.id}",
        data={"full_name": target.full_name, "email": target.email,
              "roles": ["panel_chair"], "version": target.version},
    )
    assert not signed_in(target_client)


def test_a_session_idle_for_more_than_thirty_minutes_ends(client, login_as):
    start = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        login_as("coordinator")
        traveller.shift(timedelta(minutes=29))
        assert signed_in(client)
        traveller.shift(timedelta(minutes=31))
        response = client.get("/home")
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_session_ends_after_twelve_hours_however_active(client, login_as, db):
    start = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        login_as("coordinator")
        for _ in range(35):  # active every 20 minutes for 11 h 40 min
            traveller.shift(timedelta(minutes=20))
            assert signed_in(client)
        traveller.shift(timedelta(minutes=21))
        assert not signed_in(client)
    reasons = db.session.scalars(select(UserSession.end_reason)).all()
    assert reasons == ["timed_out"]


def test_session_cookie_is_httponly_and_samesite_lax(app, client):
    user = UserFactory()
    response = client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def production_environment(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CDOP_DATA_KEYS", f"p1:{keys.new_key_text()}")
    monkeypatch.setenv("CDOP_INDEX_KEY", keys.new_key_text())
    monkeypatch.setenv("CDOP_AUDIT_KEY", keys.new_key_text())


def test_production_cookies_are_secure_host_only_and_pages_send_hsts(production_environment):
    app = create_app("production", SQLALCHEMY_DATABASE_URI=__import__("os").environ["DATABASE_URL"])
    client = app.test_client()
    response = client.get("/sign-in", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_sets_the_session_cookie_secure_with_the_host_prefix(production_environment):
    app = create_app("production", SQLALCHEMY_DATABASE_URI=__import__("os").environ["DATABASE_URL"])
    with app.app_context():
        user = UserFactory()
        client = app.test_client()
        page = client.get("/sign-in", base_url="https://localhost")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          page.get_data(as_text=True)).group(1)
        response = client.post(
            "/sign-in", base_url="https://localhost",
            headers={"Referer": "https://localhost/sign-in"},  # CSRF checks it over HTTPS
            data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"].endswith("/home")
        cookies = response.headers.getlist("Set-Cookie")
        _db.session.remove()
        _db.engine.dispose()
    session_cookie = [c for c in cookies if c.startswith("__Host-cdop_session=")]
    assert session_cookie, cookies
    attributes = [part.strip() for part in session_cookie[0].split(";")]
    assert "Secure" in attributes and "HttpOnly" in attributes and "Path=/" in attributes
    assert "SameSite=Lax" in attributes
    assert not any(part.lower().startswith("domain=") for part in attributes)  # __Host- rule


def test_production_refuses_to_start_without_its_keys(production_environment, monkeypatch):
    monkeypatch.delenv("CDOP_AUDIT_KEY")
    with pytest.raises(RuntimeError, match="CDOP_AUDIT_KEY"):
        create_app("production")
