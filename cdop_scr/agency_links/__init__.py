"""Agency reports by secure link: the coordinator e-mails a single-use link; the agency's
contact opens it, saves drafts and submits the report without an account."""

from flask import Blueprint

bp = Blueprint("agency_links", __name__)

from . import views  # noqa: E402,F401
