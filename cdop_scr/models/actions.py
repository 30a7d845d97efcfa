"""Action plans: recommendations, their actions, the evidence that closes them, challenges.

Written for any source of recommendations: a plan belongs to a serious case review
(`source_type` "scr_review") or, for the CDOP panel, a child death case ("cdop_case"); nothing
here assumes which. Narrative (recommendation and action text, evidence notes, challenges,
reasons) is encrypted; agencies, owners, dates and statuses stay clear so SQL can count them.
Uploaded documents (for reviews and for evidence) live in `document`, encrypted.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import Encrypted
from ..extensions import db
from .base import Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow
from .cases import LabelledEnum


class SourceType(LabelledEnum):
    SCR_REVIEW = "scr_review", "Serious case review"
    CDOP_CASE = "cdop_case", "Child death review"


class ActionStatus(LabelledEnum):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    EVIDENCE_SUBMITTED = "evidence_submitted", "Evidence submitted"
    COMPLETED = "completed", "Completed"
    NOT_ACCEPTED = "not_accepted", "Evidence not accepted"


class AgencyType(LabelledEnum):
    """The kinds of partner agency that contribute to reviews and own actions."""

    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH_PROVIDER = "health_provider", "Health provider (NHS trust)"
    HEALTH_COMMISSIONER = "health_commissioner", "Health commissioner (ICB)"
    GP = "gp", "GP practice"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    VOLUNTARY = "voluntary", "Voluntary sector"
    PARTNERSHIP = "partnership", "Safeguarding partnership"
    OTHER = "other", "Other"


class EvidenceOutcome(LabelledEnum):
    ACCEPTED = "accepted", "Accepted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class ActionPlan(UUIDPrimaryKey, Timestamps, db.Model):
    """The action plan of one review or case."""

    __tablename__ = "action_plan"
    __table_args__ = (UniqueConstraint("source_type", "source_id"),)

    source_type: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # The source's reference (e.g. SCR-2026-001): exports name the plan by it, never the child.
    source_reference: Mapped[str] = mapped_column(String(40))

    recommendations: Mapped[list["Recommendation"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Recommendation.number"
    )

    @property
    def actions(self):
        return [a for r in self.recommendations for a in r.actions]


class Recommendation(UUIDPrimaryKey, Timestamps, db.Model):
    __tablename__ = "recommendation"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("action_plan.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    text = Encrypted(str)

    plan: Mapped[ActionPlan] = relationship(back_populates="recommendations")
    actions: Mapped[list["Action"]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan", order_by="Action.number"
    )


class Action(UUIDPrimaryKey, Timestamps, db.Model):
    """One thing an agency must do, by a date, shown done by evidence the board accepts."""

    __tablename__ = "action"
    __table_args__ = (UniqueConstraint("recommendation_id", "number"),)

    recommendation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    description = Encrypted(str)
    agency_name: Mapped[str] = mapped_column(String(200), index=True)
    agency_type: Mapped[str] = mapped_column(String(32))
    owner_name: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    # What the board expects to see as proof that the action is done.
    expected_evidence = Encrypted(str)
    status: Mapped[str] = mapped_column(String(24), index=True, default=ActionStatus.NOT_STARTED)
    completed_on: Mapped[date | None] = mapped_column(Date)

    recommendation: Mapped[Recommendation] = relationship(back_populates="actions")
    evidence: Mapped[list["ActionEvidence"]] = relationship(
        back_populates="action", cascade="all, delete-orphan",
        order_by="ActionEvidence.submitted_at",
    )
    challenges: Mapped[list["ActionChallenge"]] = relationship(
        back_populates="action", cascade="all, delete-orphan",
        order_by="ActionChallenge.challenged_on",
    )

    # Optimistic locking: a save made from a stale form fails instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    @property
    def label(self):
        """The action's number in its plan, e.g. 2.1 (recommendation 2, action 1)."""
        return f"{self.recommendation.number}.{self.number}"

    @property
    def status_label(self):
        return ActionStatus.label_of(self.status, self.status)

    @property
    def agency_type_label(self):
        return AgencyType.label_of(self.agency_type, self.agency_type)

    def days_overdue(self, on):
        """Days past the due date on `on`; 0 when not overdue (completed actions never are)."""
        if self.status == ActionStatus.COMPLETED or on <= self.due_on:
            return 0
        return (on - self.due_on).days

    def is_overdue(self, on):
        return self.days_overdue(on) > 0

    @property
    def pending_evidence(self):
        return [e for e in self.evidence if e.outcome is None]


class ActionEvidence(UUIDPrimaryKey, db.Model):
    """An agency's evidence that an action is done: a note, optionally a document."""

    __tablename__ = "action_evidence"

    action_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), index=True
    )
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id"))
    note = Encrypted(str)
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("document.id"))
    outcome: Mapped[str | None] = mapped_column(String(16))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id"))
    # Why the board did not accept it: goes back to the agency.
    reason = Encrypted(str)

    action: Mapped[Action] = relationship(back_populates="evidence")
    document: Mapped["Document | None"] = relationship()

    @property
    def outcome_label(self):
        return EvidenceOutcome.label_of(self.outcome, "Awaiting decision")


class ActionChallenge(UUIDPrimaryKey, db.Model):
    """A challenge to the owning agency (e.g. about slow progress) and its response."""

    __tablename__ = "action_challenge"

    action_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), index=True
    )
    challenged_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id"))
    asked = Encrypted(str)
    responded_on: Mapped[date | None] = mapped_column(Date)
    response = Encrypted(str)

    action: Mapped[Action] = relationship(back_populates="challenges")


class Document(UUIDPrimaryKey, db.Model):
    """An uploaded document, encrypted, with the type sniffed from its content.

    Owned by a review (overview report, executive summary, IMR) or by action evidence;
    `owner_type` names the owning table, as audit targets do.
    """

    __tablename__ = "document"

    owner_type: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # File names often carry the child's name: encrypted like the content.
    filename = Encrypted(str)
    content_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document_content.id"))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id"))

    # The bytes sit in their own table, loaded only when downloaded, not with every list.
    stored: Mapped["DocumentContent"] = relationship(cascade="all, delete-orphan",
                                                     single_parent=True)

    @property
    def extension(self):
        return EXTENSIONS.get(self.content_type, "")


class DocumentContent(UUIDPrimaryKey, db.Model):
    __tablename__ = "document_content"

    data = Encrypted(bytes)


EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
}
