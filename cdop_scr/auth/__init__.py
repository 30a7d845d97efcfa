from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import views  # noqa: E402,F401


def init_login(login_manager):
    from .services import load_session_user

    login_manager.user_loader(load_session_user)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # sessions are checked on the server instead
