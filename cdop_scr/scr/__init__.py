"""Serious case reviews and LCSPRs: the record, clocks, decision, documents, action plan."""

from flask import Blueprint

bp = Blueprint("scr", __name__)

from . import views  # noqa: E402,F401
