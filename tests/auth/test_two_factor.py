import os
import re
import time

import pyotp
import time_machine
from sqlalchemy import text

from cdop_scr.audit import AuditEvent

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from ..helpers import audit_events, content_hash, error_summary, text_of
from ..reliability.test_malformed_input import fingerprint


def start_sign_in(client, user):
    return client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})


ENROL = "/sign-in/set-up-two-factor"


def issue_secret(client):
    """Press "Set up two-factor sign-in": the secret is issued, then the page shows it."""
    response = client.post(ENROL, data={"start": "Set up two-factor sign-in"})
    assert response.headers["Location"].endswith(ENROL)
    return client.get(ENROL)


def shown_secret(response):
    shown = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", response.get_data(as_text=True)).group(1)
    return shown.replace(" ", "")


def test_a_board_manager_must_enrol_two_factor_at_first_sign_in(client, db):
    user = UserFactory(roles=["board_manager"])
    response = start_sign_in(client, user)
    assert response.headers["Location"].endswith("/sign-in/set-up-two-factor")
    assert client.get("/home").status_code == 302  # not signed in yet
    offer = client.get(ENROL)
    assert "Set up two-factor sign-in" in text_of(offer)
    assert "data-totp-secret" not in offer.get_data(as_text=True)
    page = issue_secret(client)
    assert 'src="data:image/svg+xml;base64,' in page.get_data(as_text=True)
    secret = shown_secret(page)
    assert shown_secret(client.get(ENROL)) == secret  # shown again, not replaced
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
    secret = shown_secret(issue_secret(client))
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


def test_opening_the_set_up_page_stores_nothing_until_the_button_is_pressed(client, db):
    user = UserFactory(roles=["admin"])
    start_sign_in(client, user)
    before = content_hash()
    for _ in range(2):
        assert client.get(ENROL).status_code == 200
    assert content_hash() == before
    secret = shown_secret(issue_secret(client))
    db.session.refresh(user)
    assert user.totp_secret == secret and not user.totp_enabled
    issued = content_hash()
    assert shown_secret(client.get(ENROL)) == secret
    assert content_hash() == issued


def test_a_wrong_enrolment_code_turns_nothing_on_and_stores_nothing(client, login_as, db):
    user = login_as("coordinator")  # setting it up from their account page
    issue_secret(client)
    before = content_hash()
    wrong = client.post(ENROL, data={"code": "000000"})
    assert error_summary(wrong) == ["Enter the 6-digit code shown in your authenticator app"]
    empty = client.post(ENROL, data={"code": ""})
    assert error_summary(empty) == ["Enter the 6-digit code"]
    assert content_hash() == before
    db.session.refresh(user)
    assert not user.totp_enabled and user.recovery_codes == []


def test_a_wrong_enrolment_code_while_signing_in_only_counts_towards_the_throttle(client, db):
    user = UserFactory(roles=["board_manager"])
    start_sign_in(client, user)
    issue_secret(client)
    before = fingerprint(allow_throttle=True)  # the failure is counted, and audited as failed
    wrong = client.post(ENROL, data={"code": "999999"})
    assert error_summary(wrong) == ["Enter the 6-digit code shown in your authenticator app"]
    assert fingerprint(allow_throttle=True) == before
    db.session.refresh(user)
    assert not user.totp_enabled and user.recovery_codes == []
    assert client.get("/home").status_code == 302


def test_recovery_codes_are_stored_hashed_never_as_written(client, db):
    user = UserFactory(roles=["board_manager"])
    start_sign_in(client, user)
    secret = shown_secret(issue_secret(client))
    page = client.post(ENROL, data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", page.get_data(as_text=True))
    stored = db.session.execute(text("SELECT code_hash FROM recovery_code")).scalars().all()
    assert len(codes) == len(stored) == 10
    assert all(value.startswith("$argon2id$") for value in stored)
    assert not any(code in value for code in codes for value in stored)


def test_the_two_factor_roles_setting_decides_who_must_enrol(make_app, db):
    app = make_app(TWO_FACTOR_REQUIRED_ROLES=["coordinator"])
    with app.app_context():
        coordinator = UserFactory(roles=["coordinator"])
        board_manager = UserFactory(roles=["board_manager"])
        client = app.test_client()
        assert start_sign_in(client, coordinator).headers["Location"].endswith(ENROL)
        assert client.get("/home").status_code == 302  # not in until they have enrolled
        other = app.test_client()
        assert start_sign_in(other, board_manager).headers["Location"].endswith("/home")


def test_cdop_two_factor_roles_in_the_environment_sets_the_roles():
    import subprocess
    import sys

    env = {**os.environ, "CDOP_TWO_FACTOR_ROLES": "coordinator, panel_chair"}
    result = subprocess.run(
        [sys.executable, "-c", "import config; print(config.Config.TWO_FACTOR_REQUIRED_ROLES)"],
        capture_output=True, text=True, env=env, check=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert result.stdout.strip() == "['coordinator', 'panel_chair']"
