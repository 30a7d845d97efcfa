"""Account administration pages (admin only; no access to case content)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..errors import ValidationError
from ..permissions import Permission, requires
from . import bp, services
from .forms import ConfirmForm, UserForm


def _actor():
    return current_user._get_current_object()


@bp.get("/users")
@requires(Permission.MANAGE_USERS)
def list_users():
    return render_template("users/list-users.html", users=services.list_users(),
                           action_form=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def create_user():
    form = UserForm()
    form.submit.label.text = "Create account"
    if form.validate_on_submit():
        try:
            user, temporary = services.create_user(
                _actor(), form.email.data, form.full_name.data, form.roles.data
            )
        except ValidationError as error:
            form.email.errors.append(error.message)
        else:
            return render_template("users/temporary-password.html", user=user,
                                   temporary=temporary, created=True)
    return render_template("users/edit-user.html", form=form, user=None)


@bp.route("/users/<uuid:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def edit_user(user_id):
    user = services.get_user(user_id)
    form = UserForm(obj=user)
    if not form.is_submitted():
        form.roles.data = [r.value for r in user.roles]
        form.version.data = user.version
    if form.validate_on_submit():
        try:
            services.update_user(_actor(), user, form.version.data or 0, form.email.data,
                                 form.full_name.data, form.roles.data)
        except ValidationError as error:
            target = form.roles if "role" in error.message else form.email
            target.errors.append(error.message)
        else:
            flash(f"{user.full_name}'s account has been updated.", "success")
            return redirect(url_for("users.list_users"))
    return render_template("users/edit-user.html", form=form, user=user,
                           action_form=ConfirmForm())


@bp.post("/users/<uuid:user_id>/disable")
@requires(Permission.MANAGE_USERS)
def disable_user(user_id):
    return _toggle(user_id, True)


@bp.post("/users/<uuid:user_id>/enable")
@requires(Permission.MANAGE_USERS)
def enable_user(user_id):
    return _toggle(user_id, False)


def _toggle(user_id, disabled):
    user = services.get_user(user_id)
    if ConfirmForm().validate_on_submit():
        services.set_disabled(_actor(), user, disabled)
        flash(f"{user.full_name}'s account has been {'disabled' if disabled else 'enabled'}.",
              "success")
    return redirect(url_for("users.edit_user", user_id=user.id))


@bp.post("/users/<uuid:user_id>/reset-password")
@requires(Permission.MANAGE_USERS)
def reset_password(user_id):
    user = services.get_user(user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("users.edit_user", user_id=user.id))
    temporary = services.reset_password(_actor(), user)
    return render_template("users/temporary-password.html", user=user, temporary=temporary,
                           created=False)


@bp.post("/users/<uuid:user_id>/reset-two-factor")
@requires(Permission.MANAGE_USERS)
def reset_two_factor(user_id):
    user = services.get_user(user_id)
    if ConfirmForm().validate_on_submit():
        services.reset_two_factor(_actor(), user)
        flash(f"Two-factor sign-in has been reset for {user.full_name}.", "success")
    return redirect(url_for("users.edit_user", user_id=user.id))
