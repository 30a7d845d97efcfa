"""Serious case reviews and local child safeguarding practice reviews (one model: `Review`).

The child's identifiers, the incident date and summary and the decision rationale are
encrypted; statuses, framework, incident type, process dates (referral, notification, decision
...), agencies, methodology and decision outcome codes stay clear so the dashboard can count.
"""

import uuid
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..crypto import Encrypted
from ..extensions import db
from .base import Timestamps, UUIDPrimaryKey
from .cases import LabelledEnum

# Working Together to Safeguard Children 2018 commenced on 29 June 2018: incidents from then
# on are reviewed as local child safeguarding practice reviews; earlier ones as SCRs.
LCSPR_FROM = date(2018, 6, 29)


class Framework(LabelledEnum):
    SCR = "scr", "Serious case review (Working Together 2010-2015)"
    LCSPR = "lcspr", "Local child safeguarding practice review (Working Together 2018)"

    @classmethod
    def for_incident(cls, incident_on):
        return cls.SCR if incident_on and incident_on < LCSPR_FROM else cls.LCSPR

    @property
    def short(self):
        return {"scr": "SCR", "lcspr": "LCSPR"}[self.value]


class IncidentType(LabelledEnum):
    DEATH = "death", "Death"
    SERIOUS_HARM = "serious_harm", "Serious harm"


class ReviewStatus(LabelledEnum):
    REFERRED = "referred", "Referred"
    DECISION_PENDING = "decision_pending", "Decision pending"
    IN_PROGRESS = "in_progress", "Review in progress"
    REPORT_RECEIVED = "report_received", "Report received"
    APPROVED_BY_BOARD = "approved_by_board", "Approved by the board"
    PUBLISHED = "published", "Published"
    PUBLICATION_DEFERRED = "publication_deferred", "Publication deferred"
    CLOSED = "closed", "Closed"
    NOT_HELD = "not_held", "Not held"


CLOSED_STATUSES = (ReviewStatus.CLOSED, ReviewStatus.NOT_HELD)


class DecisionOutcome(LabelledEnum):
    CRITERIA_MET = "criteria_met", "Criteria met: hold a review"
    CRITERIA_NOT_MET = "criteria_not_met", "Criteria not met: no review"
    OTHER_LEARNING_REVIEW = "other_learning_review", "Criteria not met: other learning review"


class Methodology(LabelledEnum):
    IMR = "imr", "Individual management reviews"
    SCIE = "scie", "SCIE learning together"
    SILP = "silp", "Significant incident learning process (SILP)"
    OTHER = "other", "Other"


class DeferralReason(LabelledEnum):
    CRIMINAL_PROCEEDINGS = "criminal_proceedings", "Criminal proceedings"
    INQUEST = "inquest", "Inquest"
    WELFARE_OF_SIBLINGS = "welfare_of_siblings", "Welfare of siblings or family"
    OTHER = "other", "Other"


class DocumentKind(LabelledEnum):
    OVERVIEW_REPORT = "overview_report", "Overview report"
    EXECUTIVE_SUMMARY = "executive_summary", "Executive summary"
    IMR = "imr", "Individual management review"
    OTHER = "other", "Other document"


class Review(UUIDPrimaryKey, Timestamps, db.Model):
    """One serious incident considered for review, from referral to closure."""

    __tablename__ = "scr_review"

    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(32), index=True, default=ReviewStatus.REFERRED)
    framework: Mapped[str] = mapped_column(String(8))

    # The child (a review cannot be commissioned anonymously).
    child_name = Encrypted(str)
    child_date_of_birth = Encrypted(date)
    child_nhs_number = Encrypted(str)
    looked_after: Mapped[bool | None] = mapped_column(Boolean)

    # The incident. Its date is the date of death for a death, so it is encrypted like one.
    incident_type: Mapped[str] = mapped_column(String(16), index=True)
    incident_on = Encrypted(date)
    incident_summary = Encrypted(str)

    # Process dates, clear: the clocks run on them.
    la_learned_on: Mapped[date | None] = mapped_column(Date)
    referred_on: Mapped[date] = mapped_column(Date)
    notified_on: Mapped[date | None] = mapped_column(Date)
    rapid_review_on: Mapped[date | None] = mapped_column(Date)

    # The decision.
    decision_outcome: Mapped[str | None] = mapped_column(String(24))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_rationale = Encrypted(str)

    # The review.
    reviewer_name: Mapped[str | None] = mapped_column(String(200))
    methodology: Mapped[str | None] = mapped_column(String(16))
    report_received_on: Mapped[date | None] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    deferral_reason: Mapped[str | None] = mapped_column(String(32))
    deferral_review_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)

    # The CDOP case that was referred for SCR consideration, when the child died.
    cdop_case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("child_death_case.id"), unique=True
    )
    cdop_case = relationship("Case", backref=backref("scr_review", uselist=False))

    agencies: Mapped[list["ReviewAgency"]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewAgency.agency_name"
    )
    meetings: Mapped[list["ReviewMeeting"]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewMeeting.held_on"
    )

    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self):
        return ReviewStatus.label_of(self.status, self.status)

    @property
    def framework_enum(self):
        return Framework(self.framework)

    @property
    def is_open(self):
        return self.status not in CLOSED_STATUSES

    @property
    def incident_type_label(self):
        return IncidentType.label_of(self.incident_type, self.incident_type)

    @property
    def decision_label(self):
        return DecisionOutcome.label_of(self.decision_outcome, "")

    @property
    def methodology_label(self):
        return Methodology.label_of(self.methodology, "")

    @property
    def deferral_reason_label(self):
        return DeferralReason.label_of(self.deferral_reason, "")

    def __repr__(self):
        return f"<Review {self.reference}>"


class ReviewAgency(UUIDPrimaryKey, db.Model):
    """An agency contributing to a review, with its IMR (or learning-model) return dates."""

    __tablename__ = "scr_review_agency"

    review_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("scr_review.id", ondelete="CASCADE"), index=True
    )
    agency_name: Mapped[str] = mapped_column(String(200))
    agency_type: Mapped[str] = mapped_column(String(32))
    imr_requested_on: Mapped[date | None] = mapped_column(Date)
    imr_received_on: Mapped[date | None] = mapped_column(Date)

    review: Mapped[Review] = relationship(back_populates="agencies")


class ReviewMeeting(UUIDPrimaryKey, db.Model):
    """A review panel meeting."""

    __tablename__ = "scr_review_meeting"

    review_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("scr_review.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    notes = Encrypted(str)

    review: Mapped[Review] = relationship(back_populates="meetings")
