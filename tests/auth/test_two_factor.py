import re
import time

import pyotp
import time_machine
from sqlalchemy import text

from cdop_scr.audit import AuditEvent

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from ..helpers import audit_events, error_summary


def start_sign_in(client, user):
    return client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})


def shown_secret(response):
    shown = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", response.get_data(as_text=True)).group(1)
    return shown.replace(" ", "")


def test_a_board_manager_must_enrol_two_factor_at_first_sign_in(client, db):
    user = UserFactory(roles=["board_manager"])
    response = start_sign_in(client, user)
    assert response.headers["Location"].endswith("/sign-in/set-up-two-factor")
    assert client.get("/home").status_code == 302  # not signed in yet
    page = client.get("/sign-in/set-up-two-factor")
    assert 'src="data:image/svg+xml;base64,' in page.get_data(as_text=True)
    secret = shown_secret(page)
    wrong = client.post("/sign-in/set-up-two-factor", data={"code": "000000"})
    assert error_summary(wrong) == ["Enter the 6-digit code shown in your authenticator app"]
    done = client.post("/sign-in/set-up-two-factor", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert client.get("/home").status_code == 200
    db.session.refresh(user)
    assert user.totp_enabled
    assert len(audit_events(AuditEvent.TWO_FACTOR_ENROLLED)) == 1


def test_a_coordinator_is_not_asked_for_two_factor_unless_they_chose_it(client):
    user = UserFactory(roles=["coordinator"])
    assert start_sign_in(client, user).headers["Location"].endswith("/home")


def test_an_enrolled_user_needs_a_current_code_and_each_code_works_once(client, db):
    user = UserFactory(roles=["admin"], totp=True)
    code = pyotp.TOTP(user.totp_secret).now()
    with time_machine.travel(time.time(), tick=False):
        assert start_sign_in(client, user).headers["Location"].endswith("/sign-in/two-factor")
        assert client.post("/sign-in/two-factor", data={"code": code}).status_code == 302
        assert client.get("/home").status_code == 200
        client.post("/sign-out")
        start_sign_in(client, user)
        replay = client.post("/sign-in/two-factor", data={"code": code})
    assert error_summary(replay) == ["Enter a correct security code"]
    assert client.get("/home").status_code == 302


def test_a_recovery_code_signs_in_once(client, db):
    user = UserFactory(roles=["board_manager"])
    start_sign_in(client, user)
    secret = shown_secret(client.get("/sign-in/set-up-two-factor"))
    page = client.post("/sign-in/set-up-two-factor", data={"code": pyotp.TOTP(secret).now()})
    recovery = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", page.get_data(as_text=True))[0]
    client.post("/sign-out")
    start_sign_in(client, user)
    assert client.post("/sign-in/two-factor", data={"code": recovery}).status_code == 302
    client.post("/sign-out")
    start_sign_in(client, user)
    again = client.post("/sign-in/two-factor", data={"code": recovery})
    assert error_summary(again) == ["Enter a correct security code"]


def test_the_second_step_cannot_be_reached_without_the_first(client):
    assert client.get("/sign-in/two-factor").headers["Location"].endswith("/sign-in")
    assert client.get("/sign-in/set-up-two-factor").headers["Location"].endswith("/sign-in")


def test_a_half_finished_sign_in_expires_after_five_minutes(client):
    user = UserFactory(roles=["admin"], totp=True)
    with time_machine.travel("2026-11-22 12:00:00+00:00", tick=False) as traveller:
        start_sign_in(client, user)
        traveller.shift(301)
        response = client.post(
            "/sign-in/two-factor", data={"code": pyotp.TOTP(user.totp_secret).now()}
        )
    assert response.headers["Location"].endswith("/sign-in")


def test_the_totp_secret_is_stored_encrypted(client, db):
    user = UserFactory(roles=["admin"], totp=True)
    raw = db.session.execute(
        text('SELECT totp_secret FROM "user" WHERE email = :e'), {"e": user.email}
    ).scalar_one()
    assert user.totp_secret.encode() not in bytes(raw)


def test_wrong_codes_count_towards_the_sign_in_throttle(client):
    user = UserFactory(roles=["admin"], totp=True)
    start_sign_in(client, user)
    for _ in range(10):
        client.post("/sign-in/two-factor", data={"code": "123456"})
    refused = client.post(
        "/sign-in/two-factor", data={"code": pyotp.TOTP(user.totp_secret).now()}
    )
    assert refused.status_code == 429


def test_an_empty_code_is_explained(client):
    user = UserFactory(roles=["admin"], totp=True)
    start_sign_in(client, user)
    response = client.post("/sign-in/two-factor", data={"code": ""})
    assert error_summary(response) == ["Enter the security code"]
    assert client.get("/home").status_code == 302
