"""Reading the audit log: the event list, the Caldicott access report, verification."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import current_app, g

from ..crypto.fields import FAILURES_KEY
from ..errors import NotFound
from ..extensions import db
from ..models.audit import AuditRecord
from ..models.users import User
from ..permissions import Role
from . import chain
from .events import AuditEvent
from .log import record

log = logging.getLogger("cdop_scr.audit")
PER_PAGE = 50


@dataclass
class Access:
    """One line of the access report: who did what to the record, when and why."""

    record: AuditRecord
    user_name: str | None

    @property
    def event_label(self):
        try:
            return AuditEvent(self.record.event).label
        except ValueError:
            return self.record.event

    @property
    def role_labels(self):
        labels = []
        for role in self.record.role_list:
            try:
                labels.append(Role(role).label)
            except ValueError:
                labels.append(role)
        return labels


def _with_names(records):
    ids = {r.actor_id for r in records if r.actor_id}
    names = dict(db.session.execute(
        db.select(User.id, User.full_name).where(User.id.in_(ids))
    ).all()) if ids else {}
    return [Access(r, names.get(r.actor_id)) for r in records]


def accesses_of(target_type, target_id):
    """Every audit row about one record, oldest first, with the actor's name."""
    records = db.session.scalars(
        db.select(AuditRecord)
        .where(AuditRecord.target_type == target_type, AuditRecord.target_id == str(target_id))
        .order_by(AuditRecord.seq)
    ).all()
    return _with_names(records)


def view_record_accesses(actor, target_type, target_id):
    """The access report for a record; viewing it is itself audited."""
    if target_type not in db.metadata.tables or target_type == AuditRecord.__tablename__:
        raise NotFound()
    record(AuditEvent.RECORD_ACCESS_VIEWED, actor=actor, target_type=target_type,
           target_id=target_id)
    db.session.commit()
    return accesses_of(target_type, target_id)


def user_choices():
    """(id, name) of every user, for the event list's filter."""
    rows = db.session.execute(db.select(User.id, User.full_name).order_by(User.full_name)).all()
    return [(str(user_id), name) for user_id, name in rows]


def list_events(actor, event=None, user_id=None, date_from=None, date_to=None, page=1):
    """A page of audit events, newest first, filtered; viewing it is itself audited."""
    filters = {"event": event, "user": str(user_id) if user_id else None,
               "from": date_from, "to": date_to, "page": page}
    record(AuditEvent.AUDIT_VIEWED, actor=actor,
           detail={k: str(v) for k, v in filters.items() if v})
    db.session.commit()
    query = db.select(AuditRecord).order_by(AuditRecord.seq.desc())
    if event:
        query = query.where(AuditRecord.event == str(event))
    if user_id:
        query = query.where(AuditRecord.actor_id == user_id)
    if date_from:
        query = query.where(AuditRecord.at >= datetime.combine(date_from, time.min, UTC))
    if date_to:
        until = datetime.combine(date_to + timedelta(days=1), time.min, UTC)
        query = query.where(AuditRecord.at < until)
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    return pagination, _with_names(pagination.items)


def record_decryption_failures(exc=None):
    """Teardown: audit the decryption failures this request met, in a fresh transaction."""
    failures = g.pop(FAILURES_KEY, None)
    if not failures:
        return
    try:
        # The request's transaction is abandoned: its changes must not ride along with the audit.
        db.session.rollback()
        for failure in failures:
            record(AuditEvent.DECRYPTION_FAILED, target_type=failure["table"],
                   target_id=failure["row_id"], outcome="failure",
                   detail={"column": failure["column"], "key_id": failure["key_id"]})
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not record a decryption failure in the audit log")


def verify_log(checkpoint=None):
    """Verify the whole chain (and, given SEQ:MAC, that nothing after it was removed)."""
    key = current_app.extensions["cdop_keyring"].audit_key
    parsed = chain.parse_checkpoint(checkpoint) if checkpoint else None
    return chain.verify(db.session.connection(), key, parsed)


def checkpoint():
    """SEQ:MAC of the head of the chain, to keep outside the database."""
    seq, mac = chain.head(db.session.connection())
    return f"{seq}:{mac}"
