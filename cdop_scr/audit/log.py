"""record(): add an audit row to the caller's transaction."""

import getpass
import hashlib
import json
import re
import uuid
from types import SimpleNamespace

from flask import has_request_context, request, session
from flask_login import current_user
from sqlalchemy import insert

from ..extensions import db
from ..models.audit import AuditRecord
from ..models.base import utcnow
from .chain import audit_key, compute_mac, head, lock_chain, mark_order
from .events import REASON_SOURCES, AuditEvent, Outcome

MAX_REASON = 200
# Detail is codes and ids, not data: a panel pack's row names every case on the agenda.
MAX_DETAIL = 20000
# A run of ten digits looks like an NHS number: a reason must never carry one.
_NHS_NUMBER_LIKE = re.compile(r"\d(?:[\s-]?\d){9}")


def _system_label():
    try:
        return f"system:{getpass.getuser()}"
    except (KeyError, OSError):
        return "system:unknown"


def _actor(actor):
    """(user id, label, roles) for the row; the signed-in user when no actor is given."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if actor is not None:
        roles = ",".join(role.value for role in actor.roles)
        return actor.id, str(actor.id), roles
    return None, ("anonymous" if has_request_context() else _system_label()), ""


def _target_id(value):
    """A target is named by its UUID or integer key, never by anything a person could read."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as exc:
        raise ValueError("an audit target id must be a UUID or an integer key") from exc


def _target_type(value):
    if value is not None and not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", value):
        raise ValueError("an audit target type is a table name")
    return value


def _reason(event, value):
    """A reason the system states (a refusal message), never text a person typed: the log is
    append-only, so it could never be re-encrypted. Typed reasons stay encrypted in their
    source row, which the row's detail names (REASON_SOURCES)."""
    if value is None:
        return None
    if event in REASON_SOURCES:
        key, table, _ = REASON_SOURCES[event]
        raise ValueError(f"the reason for {event.value} is kept encrypted in {table}: "
                         f"put its id in the detail as {key!r}")
    value = " ".join(str(value).split())
    if len(value) > MAX_REASON:
        raise ValueError(f"an audit reason is at most {MAX_REASON} characters")
    if _NHS_NUMBER_LIKE.search(value):
        raise ValueError("an audit reason must not contain an NHS number")
    return value or None


def _detail(value):
    if not value:
        return None
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    if len(text) > MAX_DETAIL:
        raise ValueError("audit detail is for codes and ids, not data")
    return text


def _request_context():
    """(hashed session id, client address) when serving a request."""
    if not has_request_context():
        return None, None
    sid = session.get("sid")
    hashed = hashlib.sha256(str(sid).encode()).hexdigest() if sid else None
    return hashed, (request.remote_addr or "")[:64] or None


def record(event, actor=None, target=None, target_type=None, target_id=None,
           outcome="success", reason=None, detail=None, session=None):
    """Add an audit row to db.session, or the given session (the caller commits it with the
    change it records)."""
    event = AuditEvent(event)
    if target is not None:
        target_type = target_type or target.__tablename__
        target_id = target_id if target_id is not None else target.id
    actor_id, actor_label, actor_roles = _actor(actor)
    session_hash, address = _request_context()
    row = AuditRecord(
        at=utcnow(),
        actor_id=actor_id,
        actor_label=actor_label,
        actor_roles=actor_roles,
        event=event.value,
        target_type=_target_type(target_type),
        target_id=_target_id(target_id),
        outcome=Outcome(outcome).value,
        reason=_reason(event, reason),
        detail=_detail(detail),
        session_hash=session_hash,
        client_address=address,
    )
    mark_order(row)
    (session or db.session).add(row)
    return row


def record_many(event, target_type, items, actor=None):
    """One audit row per (target id, detail) in `items`, chained and inserted now in one
    statement, for bulk writes (an import of thousands of cases) that would otherwise build an
    object per row.

    Rows already recorded in this session are flushed first, so the chain keeps the order
    events happened in; the caller commits the rows with the change they record."""
    actor_id, actor_label, actor_roles = _actor(actor)
    session_hash, address = _request_context()
    common = {
        "at": utcnow(), "actor_id": actor_id, "actor_label": actor_label,
        "actor_roles": actor_roles, "event": AuditEvent(event).value,
        "target_type": _target_type(target_type), "outcome": Outcome.SUCCESS.value,
        "reason": None, "session_hash": session_hash, "client_address": address,
    }
    db.session.flush()
    connection = db.session.connection()
    lock_chain(connection)
    seq, prev = head(connection)
    key = audit_key()
    rows = []
    for target_id, detail in items:
        seq += 1
        row = SimpleNamespace(seq=seq, target_id=_target_id(target_id), detail=_detail(detail),
                              prev_mac=prev, **common)
        row.mac = prev = compute_mac(key, prev, row)
        rows.append(vars(row))
    if rows:
        db.session.execute(insert(AuditRecord.__table__), rows)
    return len(rows)
