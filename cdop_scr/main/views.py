"""The signed-in home page (by role), the health check and the accessibility statement."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from ..permissions import Permission, public, requires
from . import bp


@bp.get("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return redirect(url_for("auth.sign_in"))


@bp.get("/home")
@requires(Permission.USE_ACCOUNT)
def home():
    return render_template("main/home.html")


@bp.get("/healthz")
@public
def health():
    return {"status": "ok"}


@bp.get("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html")
