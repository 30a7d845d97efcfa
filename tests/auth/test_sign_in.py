from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from cdop_scr.audit import AuditEvent
from cdop_scr.auth import passwords
from cdop_scr.models import User, UserSession

from ..conftest import DEFAULT_PASSWORD
from ..factories import UserFactory
from ..helpers import audit_events, error_summary, text_of


def sign_in(client, email, password=DEFAULT_PASSWORD, **kwargs):
    return client.post("/sign-in", data={"email": email, "password": password}, **kwargs)


def live_sessions(db, user):
    return db.session.scalar(
        select(func.count()).select_from(UserSession).filter_by(user_id=user.id, ended_at=None)
    )


def test_the_sign_in_page_has_the_service_header_without_the_crown(client):
    response = client.get("/sign-in")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Local Safeguarding Children Partnership" in html
    assert "govuk-header__logotype" not in html  # the GOV.UK crown is not ours to use
    assert "Sign in" in text_of(response)


def test_a_coordinator_signs_in_and_reaches_their_home_page(client, db):
    user = UserFactory(roles=["coordinator"], email="casey@example.org")
    response = sign_in(client, "Casey@Example.org ")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/home")
    home = client.get("/home")
    assert home.status_code == 200
    assert "CDOP coordinator" in text_of(home)
    assert live_sessions(db, user) == 1
    assert [e.actor_id for e in audit_events(AuditEvent.SIGN_IN_SUCCEEDED)] == [user.id]


def test_wrong_password_and_unknown_account_get_the_same_answer(client, db):
    UserFactory(email="known@example.org")
    wrong = sign_in(client, "known@example.org", "not the password at all")
    unknown = sign_in(client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    assert error_summary(wrong) == error_summary(unknown) == [
        "Enter a correct email address and password"
    ]
    assert client.get("/home").status_code == 302
    assert len(audit_events(AuditEvent.SIGN_IN_FAILED)) == 2


def test_an_empty_form_names_both_missing_fields_and_signs_nobody_in(client, db):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    assert error_summary(response) == ["Enter your email address", "Enter your password"]
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_a_disabled_account_cannot_sign_in(client):
    UserFactory(email="gone@example.org", disabled=True)
    response = sign_in(client, "gone@example.org")
    assert error_summary(response) == ["Enter a correct email address and password"]


def test_the_eleventh_attempt_within_five_minutes_is_refused_even_with_the_right_password(
    make_app, db
):
    first, second = make_app(), make_app()  # two workers sharing one database
    with first.app_context():
        UserFactory(email="target@example.org")
    for _ in range(10):
        with first.app_context():
            sign_in(first.test_client(), "target@example.org", "wrong password guess")
    with second.app_context():
        refused = sign_in(second.test_client(), "target@example.org")
        assert refused.status_code == 429
        assert error_summary(refused) == [
            "Too many failed attempts to sign in. Wait 5 minutes, then try again"
        ]
        assert len(audit_events(AuditEvent.SIGN_IN_THROTTLED)) == 1


def test_throttling_by_address_covers_guesses_spread_over_many_accounts(client):
    UserFactory(email="real@example.org")
    for n in range(10):
        sign_in(client, f"guess{n}@example.org", "wrong password guess")
    assert sign_in(client, "real@example.org").status_code == 429


def test_sign_in_works_again_once_the_back_off_period_has_passed(client):
    UserFactory(email="patient@example.org")
    with time_machine.travel("2026-11-22 10:00:00+00:00", tick=False) as traveller:
        for _ in range(10):
            sign_in(client, "patient@example.org", "wrong password guess")
        assert sign_in(client, "patient@example.org").status_code == 429
        traveller.shift(timedelta(minutes=6))
        assert sign_in(client, "patient@example.org").status_code == 302


def test_failures_spread_over_the_window_back_sign_in_off_for_a_full_period_after_the_last(
    make_app, db
):
    first, second = make_app(), make_app()  # two workers sharing one database
    with first.app_context():
        UserFactory(email="spread@example.org")

    def attempt(app, password=DEFAULT_PASSWORD):
        with app.app_context():
            return sign_in(app.test_client(), "spread@example.org", password).status_code

    with time_machine.travel("2026-11-22 10:00:00+00:00", tick=False) as traveller:
        for n in range(10):  # one every 30 seconds: the tenth at 4 min 30 s
            if n:
                traveller.shift(timedelta(seconds=30))
            assert attempt((first, second)[n % 2], "wrong password guess") == 200
        traveller.shift(timedelta(seconds=40))  # 5 min 10 s after the first failure
        assert attempt(second) == 429
        traveller.shift(timedelta(minutes=4, seconds=19))  # 4 min 59 s after the tenth
        assert attempt(first) == 429
        traveller.shift(timedelta(seconds=2))  # the back-off has run its course
        assert attempt(second) == 302


def test_the_wait_in_the_message_follows_the_configured_window(make_app):
    app = make_app(SIGN_IN_WINDOW_MINUTES=15)
    with app.app_context():
        UserFactory(email="slow@example.org")
        client = app.test_client()
        for _ in range(10):
            sign_in(client, "slow@example.org", "wrong password guess")
        assert error_summary(sign_in(client, "slow@example.org")) == [
            "Too many failed attempts to sign in. Wait 15 minutes, then try again"
        ]


def test_a_stored_hash_is_upgraded_when_the_cost_is_raised(make_app, db):
    app = make_app()
    with app.app_context():
        user = UserFactory(email="old@example.org")
        old_hash = user.password_hash
    stronger = make_app(ARGON2_TIME_COST=3)
    with stronger.app_context():
        assert sign_in(stronger.test_client(), "old@example.org").status_code == 302
        new_hash = db.session.scalar(select(User.password_hash).filter_by(email="old@example.org"))
        assert new_hash != old_hash and "t=3" in new_hash
        assert passwords.check_password(new_hash, DEFAULT_PASSWORD) == (True, None)


def test_signing_in_starts_a_new_session_so_planted_values_are_dropped(client):
    UserFactory(email="fresh@example.org")
    with client.session_transaction() as session:
        session["planted"] = "attacker"
    sign_in(client, "fresh@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("sid")


def test_next_takes_the_user_back_to_a_local_page_but_never_off_site(client):
    UserFactory(email="next@example.org")
    response = sign_in(client, "next@example.org", query_string={"next": "/account/two-factor"})
    assert response.headers["Location"].endswith("/account/two-factor")
    client.post("/sign-out")
    response = sign_in(client, "next@example.org", query_string={"next": "//evil.example/x"})
    assert response.headers["Location"].endswith("/home")


def test_a_user_with_a_temporary_password_must_change_it_before_anything_else(client, db):
    UserFactory(email="temp@example.org", password_change_required=True)
    response = sign_in(client, "temp@example.org")
    assert response.headers["Location"].endswith("/account/password")
    assert client.get("/home").headers["Location"].endswith("/account/password")
    changed = client.post(
        "/account/password",
        data={"current_password": DEFAULT_PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert changed.status_code == 302
    assert client.get("/home").status_code == 200


def test_a_new_password_shorter_than_twelve_characters_is_refused(client, login_as, db):
    user = login_as("coordinator")
    before = user.password_hash
    response = client.post(
        "/account/password", data={"current_password": DEFAULT_PASSWORD, "new_password": "short"}
    )
    assert error_summary(response) == ["Password must be 12 characters or more"]
    db.session.refresh(user)
    assert user.password_hash == before


def test_a_wrong_current_password_changes_nothing(client, login_as, db):
    user = login_as("coordinator")
    before = user.password_hash
    response = client.post(
        "/account/password",
        data={"current_password": "not my password", "new_password": "a brand new passphrase"},
    )
    assert error_summary(response) == ["Your current password is incorrect"]
    db.session.refresh(user)
    assert user.password_hash == before
