"""A real SMTP server on loopback (aiosmtpd), for tests that check e-mail is actually sent."""

import email
import email.policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """Collects what the server receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append({"to": list(envelope.rcpt_tos), "from": envelope.mail_from,
                              "message": message,
                              "body": message.get_body(("plain",)).get_content()})
        return "250 Message accepted for delivery"


class LoopbackController(Controller):
    """Listen on a port the OS picks (port 0), then let the readiness check use it."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = LoopbackController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        controller.stop()


def mail_settings(inbox, **extra):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port, "MAIL_USE_TLS": False,
            "MAIL_DEFAULT_SENDER": "cdop@example.org", **extra}
