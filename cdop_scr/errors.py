"""Domain errors and the GOV.UK-styled error pages they map to."""

from flask import render_template
from flask_wtf.csrf import CSRFError

from .crypto import DecryptionFailed
from .crypto.check import KeysDoNotFit


class DomainError(Exception):
    status = 400
    default_message = "There is a problem with your request."

    def __init__(self, message=None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message


class ValidationError(DomainError):
    status = 400


class Forbidden(DomainError):
    status = 403
    default_message = "You do not have permission to do this."


class NotFound(DomainError):
    status = 404
    default_message = "Page not found."


class Conflict(DomainError):
    status = 409
    default_message = "Someone else changed this record while you were editing it."


TITLES = {
    400: "There is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "This action is not allowed",
    409: "This record has changed",
    413: "The file or form is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}


def render_error(status, message=None):
    return (
        render_template(
            "errors/error.html", status=status, title=TITLES.get(status, TITLES[500]),
            message=message,
        ),
        status,
    )


def init_app(app):
    @app.errorhandler(DomainError)
    def domain_error(error):
        return render_error(error.status, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "Your form expired or was not sent from this service. "
                                 "Go back, reload the page and try again.")

    @app.errorhandler(KeysDoNotFit)
    def keys_do_not_fit(error):
        # The whole service refuses (crypto/check.py has logged which key is wrong).
        return render_error(503, "The service cannot read its records with the keys it was "
                                 "started with, so it is not serving any page. The service "
                                 "team has been told.")

    @app.errorhandler(DecryptionFailed)
    def decryption_failed(error):
        # Fail closed: never show ciphertext, garbage or a blank as if it were data.
        app.logger.error("decryption failed: %s", error)
        return render_error(503, "A protected record could not be read. "
                                 "The service team has been told.")

    for status in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, lambda e, s=status: render_error(s))
