"""Reporting: plain-Python tables and suppression, SQL counts, and the board manager's pages."""

from flask import Blueprint

bp = Blueprint("reporting", __name__)

from . import views  # noqa: E402,F401
