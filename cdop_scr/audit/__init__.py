"""The audit log: declared events, record(), the hash chain and the pages that read it.

    from cdop_scr import audit
    audit.record(audit.AuditEvent.CASE_VIEWED, actor=user, target=case)
"""

from flask import Blueprint

from .events import AuditEvent, Outcome
from .log import record, record_many

__all__ = ["AuditEvent", "Outcome", "bp", "record", "record_many"]

bp = Blueprint("audit", __name__)

from . import services, views  # noqa: E402,F401

# Decryption failures met while serving are audited after the request's transaction ends.
bp.teardown_app_request(services.record_decryption_failures)
