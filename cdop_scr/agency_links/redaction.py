"""Keep link tokens out of logs: the request line of the one URL that carries a token."""

import logging
import re

TOKEN_IN_PATH = re.compile(r"(/agency-report/)(?!sent\b)[A-Za-z0-9_\-]+")
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


class RedactLinkTokens(logging.Filter):
    """Rewrites /agency-report/<token> as /agency-report/[redacted] in any record."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's problem, not ours
            return True
        redacted = TOKEN_IN_PATH.sub(r"\1[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def install(app):
    """Add the filter to the server loggers and the app's own logger (once each)."""
    for logger in [logging.getLogger(name) for name in LOGGERS] + [app.logger]:
        if not any(isinstance(f, RedactLinkTokens) for f in logger.filters):
            logger.addFilter(RedactLinkTokens())
