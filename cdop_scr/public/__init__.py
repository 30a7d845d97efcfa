"""Public notification of a child's death (no account) and the coordinator's queue of them."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from . import views  # noqa: E402,F401
