"""Reading the audit log: the event list, the Caldicott access report, verification."""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import current_app, g
from sqlalchemy import Uuid, and_, or_, select

from ..crypto.fields import FAILURES_KEY
from ..errors import NotFound
from ..extensions import db
from ..models.audit import AuditRecord
from ..models.users import User
from ..permissions import Role
from . import chain
from .events import REASON_SOURCES, AuditEvent
from .log import record

log = logging.getLogger("cdop_scr.audit")
PER_PAGE = 50


# What a target type is called on the report (a table name otherwise, made readable).
TARGET_LABELS = {
    "child_death_case": "Case", "scr_review": "Serious case review",
    "agency_report_request": "Agency report", "panel_meeting": "Panel meeting",
    "public_notification": "Public notification", "action_evidence": "Action evidence",
    "action_challenge": "Action challenge", "break_glass_grant": "Break-glass grant",
}


def target_label(target_type):
    return TARGET_LABELS.get(target_type) or (target_type or "").replace("_", " ").capitalize()


@dataclass
class Access:
    """One line of the access report: who did what to the record, when and why."""

    record: AuditRecord
    user_name: str | None
    source_reason: str | None = None

    @property
    def reason(self):
        """The reason given: read from its encrypted source row, or the system's own words."""
        return self.source_reason or self.record.reason

    @property
    def event_label(self):
        try:
            return AuditEvent(self.record.event).label
        except ValueError:
            return self.record.event

    @property
    def about(self):
        return target_label(self.record.target_type)

    @property
    def role_labels(self):
        labels = []
        for role in self.record.role_list:
            try:
                labels.append(Role(role).label)
            except ValueError:
                labels.append(role)
        return labels


REPLACED = "Changed again later: only the latest reason is kept"


def _model_of(table):
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    return None


def _source_reason(row):
    """The reason a person gave for this row, decrypted from the row its detail names.

    A source that holds only its latest reason (the analysis's override) answers only for the
    latest row naming it; earlier rows say the reason was replaced."""
    key, table, attribute = REASON_SOURCES.get(row.event, (None, None, None))
    source_id = row.detail_dict.get(key) if key else None
    if not source_id:
        return None
    later = db.session.scalar(select(AuditRecord.seq).where(
        AuditRecord.event == row.event, AuditRecord.seq > row.seq,
        AuditRecord.detail.contains(f'"{key}":"{source_id}"')).limit(1))
    if later is not None:
        return REPLACED
    source = db.session.get(_model_of(table), uuid.UUID(source_id))
    return getattr(source, attribute, None) if source is not None else None


def _with_names(records):
    ids = {r.actor_id for r in records if r.actor_id}
    names = dict(db.session.execute(
        db.select(User.id, User.full_name).where(User.id.in_(ids))
    ).all()) if ids else {}
    return [Access(r, names.get(r.actor_id), _source_reason(r)) for r in records]


# Records about a child: their report also lists the rows about the records that belong to
# them (agency reports, the analysis, learning summaries, action plans, documents...).
CHILD_RECORDS = ("child_death_case", "scr_review")
# Links by type and id rather than by foreign key: (table, type column, id column, the type
# value naming a table when it is not the table's own name).
POLYMORPHIC = (("action_plan", "source_type", "source_id", {"child_death_case": "cdop_case"}),
               ("document", "owner_type", "owner_id", {}))


def related_records(target_type, target_id):
    """{table: {id}} of the record and every record that belongs to it, at any depth."""
    found = {target_type: {target_id}}
    frontier = dict(found)
    while frontier:
        step = {}
        for table in db.metadata.sorted_tables:
            # Audit rows name records by UUID: tables keyed otherwise are not targets.
            if "id" not in table.c or not isinstance(table.c.id.type, Uuid):
                continue
            conditions = [column.in_(list(frontier[fk.column.table.name]))
                          for column in table.c for fk in column.foreign_keys
                          if fk.column.table.name in frontier and fk.column.name == "id"]
            for name, type_column, id_column, names in POLYMORPHIC:
                if table.name == name:
                    conditions += [and_(table.c[type_column] == names.get(parent, parent),
                                        table.c[id_column].in_(list(ids)))
                                   for parent, ids in frontier.items()]
            if not conditions:
                continue
            ids = set(db.session.scalars(select(table.c.id).where(or_(*conditions)))) - \
                found.get(table.name, set())
            if ids:
                step[table.name] = ids
        for table, ids in step.items():
            found.setdefault(table, set()).update(ids)
        frontier = step
    return found


def accesses_of(target_type, target_id):
    """Every audit row about one record, oldest first, with the actor's name.

    For a child's record that includes the rows about what belongs to it, and the rows that
    name it in their detail while being about another record (a meeting's panel pack)."""
    target_id = str(target_id)
    about = and_(AuditRecord.target_type == target_type, AuditRecord.target_id == target_id)
    if target_type in CHILD_RECORDS:
        related = related_records(target_type, uuid.UUID(target_id))
        about = or_(about, AuditRecord.detail.contains(f'"{target_id}"'), *[
            and_(AuditRecord.target_type == table,
                 AuditRecord.target_id.in_([str(i) for i in ids]))
            for table, ids in related.items() if table != target_type])
    records = db.session.scalars(
        db.select(AuditRecord).where(about).order_by(AuditRecord.seq)).all()
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
