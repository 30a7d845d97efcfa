"""What people outside the service send in: public notifications and agency reports by link.

Everything a member of the public typed is in one encrypted JSON column; the clear columns are
the random reference, the queue status and dates. Agency links store only the SHA-256 of their
token, never the token.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import Encrypted
from ..extensions import db
from .base import Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow
from .cases import AgencyReportRequest, LabelledEnum


class PublicNotificationStatus(LabelledEnum):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted: case created"
    LINKED = "linked", "Linked to an existing case"
    REJECTED = "rejected", "Rejected"


class PublicNotification(UUIDPrimaryKey, Timestamps, db.Model):
    """A death notified through the public page, waiting in the coordinator's queue."""

    __tablename__ = "public_notification"

    # Random and shown to the notifier; unrelated to any case reference.
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True,
                                        default=PublicNotificationStatus.NEW)
    submitted_on: Mapped[date] = mapped_column(Date)
    # {"details": {...}, "family": [[relation, name], ...]}: only what the notifier typed.
    content = Encrypted("json")
    # The notifier's one-time copy: SHA-256 of the token kept in their session, until used.
    copy_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    copy_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("child_death_case.id", ondelete="SET NULL"), index=True)
    reject_reason = Encrypted(str)

    @property
    def status_label(self):
        return PublicNotificationStatus.label_of(self.status, self.status)

    @property
    def is_new(self):
        return self.status == PublicNotificationStatus.NEW


class PublicSubmission(db.Model):
    """One public submission from an address (keyed by HMAC), counted for the rate limit."""

    __tablename__ = "public_submission"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address_key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AgencyReportLink(UUIDPrimaryKey, Timestamps, db.Model):
    """A single-use link e-mailed to an agency's contact to return one report."""

    __tablename__ = "agency_report_link"

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agency_report_request.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The contact's saved answers: {"summary": text, "key_facts": {code: {...}}}.
    draft = Encrypted("json")

    request: Mapped[AgencyReportRequest] = relationship()

    def is_live(self, now=None):
        now = now or utcnow()
        return self.revoked_at is None and self.used_at is None and now < self.expires_at
