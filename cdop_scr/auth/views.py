"""Sign in and out, two-factor sign-in, and the user's own account."""

import base64
import io
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..errors import ValidationError
from ..permissions import Permission, public, requires
from . import bp, services
from .forms import ChangePasswordForm, CodeForm, EnrolForm, SignInForm, StartEnrolForm


def _safe_next(target):
    """Only same-site relative paths: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _after_sign_in():
    target = _safe_next(session.pop("next_url", None)) if "next_url" in session else None
    if current_user.password_change_required:
        return redirect(url_for("auth.change_password"))
    return redirect(target or url_for("main.home"))


@bp.before_app_request
def require_own_password():
    """A user holding a temporary password must choose their own before anything else."""
    allowed = {"auth.change_password", "auth.sign_out", "static"}
    if (
        current_user.is_authenticated
        and current_user.password_change_required
        and request.endpoint not in allowed
    ):
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        next_url = _safe_next(request.args.get("next"))
        try:
            _, step = services.check_password_step(form.email.data, form.password.data)
        except services.SignInRefused as refused:
            form.email.errors.append(refused.message)
            status = 429 if refused.throttled else 200
            return render_template("auth/sign-in.html", form=form), status
        if next_url:
            session["next_url"] = next_url
        if step == "verify":
            return redirect(url_for("auth.two_factor_verify"))
        if step == "enrol":
            return redirect(url_for("auth.two_factor_enrol"))
        return _after_sign_in()
    return render_template("auth/sign-in.html", form=form)


@bp.route("/sign-in/two-factor", methods=["GET", "POST"])
@public
def two_factor_verify():
    user = services.pending_user("verify")
    if user is None:
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        next_url = session.get("next_url")
        try:
            services.verify_step(user, form.code.data)
        except services.SignInRefused as refused:
            form.code.errors.append(refused.message)
            status = 429 if refused.throttled else 200
            return render_template("auth/two-factor.html", form=form), status
        if next_url:
            session["next_url"] = next_url
        return _after_sign_in()
    return render_template("auth/two-factor.html", form=form)


def _qr_data_uri(uri):
    """The QR code as an SVG data URI for an <img>, so no markup is inserted into the page."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@bp.route("/sign-in/set-up-two-factor", methods=["GET", "POST"])
@public
def two_factor_enrol():
    """Enrolment as a sign-in step (pending user) or from the account page (signed in).

    GET only shows: a button that issues the secret (POST), then the QR code and key of the
    issued secret with the box for a code from it (POST), which turns two-factor sign-in on.
    """
    signing_in = not current_user.is_authenticated
    user = services.pending_user("enrol") if signing_in else current_user
    if user is None:
        return redirect(url_for("auth.sign_in"))
    if user.totp_enabled:
        flash("Two-factor sign-in is already set up.")
        return redirect(url_for("auth.two_factor"))
    start = StartEnrolForm()
    if "start" in request.form and start.validate_on_submit():
        services.start_enrolment(user)
        return redirect(url_for("auth.two_factor_enrol"))
    secret = services.pending_secret(user)
    if secret is None:  # nothing issued yet: the page offers to issue a secret
        return render_template("auth/two-factor-enrol.html", start=start)
    form = EnrolForm()
    if form.validate_on_submit():
        next_url = session.get("next_url")
        try:
            codes = services.confirm_enrolment(user, form.code.data, signing_in)
        except ValidationError as error:
            form.code.errors.append(error.message)
        else:
            if next_url:
                session["next_url"] = next_url
            return render_template("auth/recovery-codes.html", codes=codes)
    return render_template(
        "auth/two-factor-enrol.html",
        form=form,
        secret=secret,
        qr=_qr_data_uri(services.provisioning_uri(user, secret)),
    )


@bp.post("/sign-out")
@requires(Permission.USE_ACCOUNT)
def sign_out():
    services.sign_out(current_user._get_current_object())
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.get("/account/two-factor")
@requires(Permission.USE_ACCOUNT)
def two_factor():
    return render_template("auth/two-factor-status.html")


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Permission.USE_ACCOUNT)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user._get_current_object(), form.current_password.data,
                form.new_password.data,
            )
        except ValidationError as error:
            field = form.current_password if "current" in error.message else form.new_password
            field.errors.append(error.message)
        else:
            flash("Your password has been changed. Any other sessions have been signed out.",
                  "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change-password.html", form=form)
