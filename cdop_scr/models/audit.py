"""The append-only, hash-chained audit log (rows are written by cdop_scr.audit.record)."""

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime

# The MAC of the row before the first one.
GENESIS_MAC = "0" * 64


def canonical(row):
    """Canonical JSON of everything the MAC covers except prev_mac (any object with the fields)."""
    content = {
        "seq": row.seq,
        "at": row.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": str(row.actor_id) if row.actor_id else None,
        "actor_label": row.actor_label,
        "actor_roles": row.actor_roles or "",
        "event": row.event,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "outcome": row.outcome,
        "reason": row.reason,
        "detail": row.detail,
        "session_hash": row.session_hash,
        "client_address": row.client_address,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


class AuditRecord(db.Model):
    """One audit event. seq, prev_mac and mac are set at flush, under the chain lock."""

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint("outcome IN ('success', 'failure', 'refused')", name="outcome"),
        Index("ix_audit_log_target", "target_type", "target_id"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    actor_label: Mapped[str] = mapped_column(String(100))
    actor_roles: Mapped[str] = mapped_column(String(200), default="")
    event: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)  # canonical JSON, kept as text for the MAC
    session_hash: Mapped[str | None] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64))
    prev_mac: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64), unique=True)

    def canonical(self):
        return canonical(self)

    @property
    def detail_dict(self):
        return json.loads(self.detail) if self.detail else {}

    @property
    def role_list(self):
        return [r for r in (self.actor_roles or "").split(",") if r]

    def __repr__(self):
        return f"<AuditRecord {self.seq} {self.event}>"
