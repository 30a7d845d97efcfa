"""Learning summaries: anonymised stories drafted from reviewed cases, redacted and published."""

from flask import Blueprint

bp = Blueprint("learning", __name__)

from . import views  # noqa: E402,F401
