import re

from sqlalchemy import func, select

from cdop_scr.audit import AuditEvent
from cdop_scr.models import User

from ..factories import UserFactory
from ..helpers import audit_events, error_summary, text_of


def user_count(db):
    return db.session.scalar(select(func.count()).select_from(User))


def test_admin_creates_an_account_and_sees_a_one_time_temporary_password(client, login_as, db):
    admin = login_as("admin")
    response = client.post(
        "/users/new",
        data={"full_name": "Dana Doctor", "email": "Dana@Example.org",
              "roles": ["panel_member", "panel_chair"]},
    )
    assert response.status_code == 200
    temporary = re.search(r"data-temporary-password>([^<]+)<", response.get_data(as_text=True))
    user = db.session.scalar(select(User).filter_by(email="dana@example.org"))
    assert [r.value for r in user.roles] == ["panel_chair", "panel_member"]
    assert user.password_change_required
    assert temporary is not None
    created = audit_events(AuditEvent.USER_CREATED)
    assert [(e.actor_id, e.target_id) for e in created] == [(admin.id, str(user.id))]
    # the new user can sign in with it, and must choose their own password at once
    client.post("/sign-out")
    signed = client.post("/sign-in", data={"email": "dana@example.org",
                                           "password": temporary.group(1)})
    assert signed.headers["Location"].endswith("/account/password")


def test_the_users_list_shows_every_account_with_roles_and_status(client, login_as):
    login_as("admin", full_name="Ada Admin")
    UserFactory(full_name="Bea Board", roles=["board_manager"], disabled=True)
    page = text_of(client.get("/users"))
    assert "Ada Admin" in page and "Bea Board" in page
    assert "Board manager" in page and "Disabled" in page


def test_bad_input_on_the_create_form_is_explained_and_creates_nothing(client, login_as, db):
    login_as("admin")
    before = user_count(db)
    response = client.post("/users/new", data={"full_name": "", "email": "not-an-email"})
    assert error_summary(response) == [
        "Enter the person's full name",
        "Enter an email address in the correct format, like name@example.org",
        "Select at least one role",
    ]
    assert user_count(db) == before


def test_an_unknown_role_is_refused(client, login_as, db):
    login_as("admin")
    before = user_count(db)
    response = client.post("/users/new", data={"full_name": "Eve", "email": "eve@example.org",
                                               "roles": ["superuser"]})
    assert error_summary(response) == ["'superuser' is not a valid choice for this field."]
    assert user_count(db) == before


def test_a_second_account_with_the_same_email_is_refused(client, login_as, db):
    login_as("admin")
    UserFactory(email="taken@example.org")
    before = user_count(db)
    response = client.post("/users/new", data={"full_name": "Twin", "email": "TAKEN@example.org",
                                               "roles": ["coordinator"]})
    assert error_summary(response) == ["An account with this email address already exists"]
    assert user_count(db) == before


def test_editing_roles_saves_them_and_is_audited(client, login_as, db):
    login_as("admin")
    user = UserFactory(roles=["panel_member"])
    response = client.post(
        f"/users/{user.id}",
        data={"full_name": user.full_name, "email": user.email,
              "roles": ["panel_chair"], "version": user.version},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert [r.value for r in user.roles] == ["panel_chair"]
    changed = audit_events(AuditEvent.USER_ROLES_CHANGED)
    assert len(changed) == 1 and '"to":["panel_chair"]' in changed[0].detail


def test_an_edit_from_a_stale_form_gets_409_and_overwrites_nothing(client, login_as, db):
    login_as("admin")
    user = UserFactory(full_name="Original Name", roles=["panel_member"])
    stale_version = user.version
    client.post(f"/users/{user.id}", data={"full_name": "First Edit", "email": user.email,
                                           "roles": ["panel_member"], "version": stale_version})
    second = client.post(f"/users/{user.id}", data={"full_name": "Second Edit",
                                                    "email": user.email,
                                                    "roles": ["panel_member"],
                                                    "version": stale_version})
    assert second.status_code == 409
    db.session.refresh(user)
    assert user.full_name == "First Edit"


def test_an_admin_cannot_remove_their_own_admin_role_or_disable_themselves(client, login_as, db):
    admin = login_as("admin")
    response = client.post(f"/users/{admin.id}",
                           data={"full_name": admin.full_name, "email": admin.email,
                                 "roles": ["coordinator"], "version": admin.version})
    assert error_summary(response) == ["You cannot remove your own administrator role"]
    client.post(f"/users/{admin.id}/disable")
    db.session.refresh(admin)
    assert not admin.disabled and admin.has_role("admin")


def test_a_disabled_account_can_be_enabled_again(client, login_as, db):
    login_as("admin")
    user = UserFactory()
    client.post(f"/users/{user.id}/disable")
    db.session.refresh(user)
    assert user.disabled
    client.post(f"/users/{user.id}/enable")
    db.session.refresh(user)
    assert not user.disabled
    assert [e.event for e in audit_events() if e.event.startswith("user_")][-2:] == [
        "user_disabled", "user_enabled"]


def test_resetting_a_password_issues_a_temporary_one(client, login_as, db):
    login_as("admin")
    user = UserFactory()
    old = user.password_hash
    page = client.post(f"/users/{user.id}/reset-password")
    assert re.search(r"data-temporary-password>([^<]+)<", page.get_data(as_text=True))
    db.session.refresh(user)
    assert user.password_hash != old and user.password_change_required


def test_resetting_two_factor_makes_the_user_enrol_again(client, login_as, db):
    login_as("admin")
    user = UserFactory(roles=["board_manager"], totp=True)
    client.post(f"/users/{user.id}/reset-two-factor")
    db.session.refresh(user)
    assert not user.totp_enabled and user.totp_secret is None


def test_an_unknown_user_id_is_a_404(client, login_as):
    login_as("admin")
    assert client.get("/users/00000000-0000-0000-0000-000000000000").status_code == 404


def test_the_cli_creates_an_account(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "cli@example.org", "--name", "Cli User",
              "--role", "coordinator", "--role", "panel_member"])
    assert result.exit_code == 0, result.output
    assert "Temporary password" in result.output
    user = db.session.scalar(select(User).filter_by(email="cli@example.org"))
    assert [r.value for r in user.roles] == ["coordinator", "panel_member"]
    assert audit_events(AuditEvent.USER_CREATED)[0].actor_label.startswith("system:")


def test_the_cli_creates_an_account_from_just_an_email_and_a_role(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "jo.bloggs@example.org", "--role", "board_manager"])
    assert result.exit_code == 0, result.output
    assert "Created jo.bloggs@example.org (board_manager)" in result.output
    user = db.session.scalar(select(User).filter_by(email="jo.bloggs@example.org"))
    assert user.full_name == "jo.bloggs"
    assert [r.value for r in user.roles] == ["board_manager"]


def test_the_cli_refuses_a_bad_role_or_short_password_and_creates_nothing(app, db):
    runner = app.test_cli_runner()
    bad_role = runner.invoke(args=["users", "create", "--email", "x@example.org", "--name", "X",
                                   "--role", "root"])
    short = runner.invoke(args=["users", "create", "--email", "x@example.org", "--name", "X",
                                "--role", "admin", "--password", "short"])
    assert bad_role.exit_code != 0 and "root" in bad_role.output
    assert short.exit_code != 0 and "12 characters" in short.output
    assert user_count(db) == 0


def test_bad_input_on_the_edit_form_is_explained_and_changes_nothing(client, login_as, db):
    login_as("admin")
    user = UserFactory(full_name="Kept Name", email="kept@example.org", roles=["coordinator"])
    response = client.post(f"/users/{user.id}", data={"full_name": "", "email": "bad",
                                                      "version": user.version})
    assert error_summary(response) == [
        "Enter the person's full name",
        "Enter an email address in the correct format, like name@example.org",
        "Select at least one role",
    ]
    db.session.refresh(user)
    assert (user.full_name, user.email, [r.value for r in user.roles]) == (
        "Kept Name", "kept@example.org", ["coordinator"])
