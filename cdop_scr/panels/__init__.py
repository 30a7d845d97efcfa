"""Panel meetings and the panel's analysis: category of death, modifiable factors, sign-off."""

from flask import Blueprint

bp = Blueprint("panels", __name__)

from . import views  # noqa: E402,F401
