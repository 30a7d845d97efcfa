"""E-mail through a real SMTP client. Without MAIL_SERVER configured nothing is sent.

Messages carry no identifiers of children or families: a link to the service, or a link an
agency contact needs, and nothing else.
"""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

log = logging.getLogger("cdop_scr.mail")


class MailError(Exception):
    """The message could not be handed to the SMTP server."""


def is_configured():
    return bool(current_app.config.get("MAIL_SERVER"))


def send(to, subject, body):
    """Send a plain-text message; raises MailError when the SMTP server does not accept it."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=config["MAIL_DEFAULT_SENDER"].rpartition("@")[2]
                                       or None)
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        # Log the failure, never the recipient or the body (a link may hold a token).
        log.error("e-mail not sent: %s", type(exc).__name__)
        raise MailError(str(type(exc).__name__)) from exc
