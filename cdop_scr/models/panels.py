"""Panel meetings, their agendas and attendance, conflicts, the analysis and break-glass grants.

Narrative (factor descriptions, learning points, recommendations, reasons) is `Encrypted`; the
codes the statistics count (category, grades, outcome, event, dates) stay in clear.
"""

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import Encrypted
from ..extensions import db
from .base import Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow
from .cases import Case, LabelledEnum
from .users import User


class Domain(LabelledEnum):
    """The four domains in which the analysis records factors."""

    CHILD = "child", "Factors intrinsic to the child"
    SOCIAL = "social", "Social environment, including family and parenting capacity"
    PHYSICAL = "physical", "Physical environment"
    SERVICES = "services", "Service provision"


class Grade(enum.IntEnum):
    INFORMATION_NOT_AVAILABLE = 0
    NONE_OR_UNLIKELY = 1
    MAY_HAVE_CONTRIBUTED = 2

    @property
    def label(self):
        return GRADE_LABELS[self]


GRADE_LABELS = {
    Grade.INFORMATION_NOT_AVAILABLE: "0: information not available",
    Grade.NONE_OR_UNLIKELY: "1: no factors, or factors unlikely to have contributed",
    Grade.MAY_HAVE_CONTRIBUTED: "2: factors that may have contributed",
}


class AnalysisStatus(LabelledEnum):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off"


class RecommendationStatus(LabelledEnum):
    OPEN = "open", "Open"
    COMPLETE = "complete", "Complete"


class PanelMeeting(UUIDPrimaryKey, Timestamps, db.Model):
    """One sitting of the panel: a date, a chair, invited members and an agenda."""

    __tablename__ = "panel_meeting"

    meets_on: Mapped[date] = mapped_column(Date, index=True)
    chair_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id"), index=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    chair: Mapped[User] = relationship(foreign_keys=[chair_id])
    members: Mapped[list["PanelMembership"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position")
    conflicts: Mapped[list["ConflictDeclaration"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")

    def membership_of(self, user):
        return next((m for m in self.members if m.user_id == user.id), None)

    def includes(self, user):
        """Is this user the chair or an invited member?"""
        return self.chair_id == user.id or self.membership_of(user) is not None

    def item_for(self, case_id):
        return next((i for i in self.agenda if i.case_id == case_id), None)

    def conflicted(self, user, case_id):
        return any(c.user_id == user.id and c.case_id == case_id for c in self.conflicts)

    @property
    def member_users(self):
        return sorted((m.user for m in self.members), key=lambda u: u.full_name)


class PanelMembership(db.Model):
    """A user invited to a meeting, and whether they attended."""

    __tablename__ = "panel_meeting_member"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_meeting.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id"), index=True)
    attended: Mapped[bool | None] = mapped_column(Boolean)

    meeting: Mapped[PanelMeeting] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class AgendaItem(db.Model):
    """A case on a meeting's agenda, with the pseudonym the meeting calls it by."""

    __tablename__ = "panel_agenda_item"
    __table_args__ = (
        UniqueConstraint("meeting_id", "case_id", name="uq_panel_agenda_item_case"),
        UniqueConstraint("meeting_id", "pseudonym", name="uq_panel_agenda_item_pseudonym"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_meeting.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child_death_case.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    pseudonym: Mapped[str] = mapped_column(String(20))  # "Child A", stable once given

    meeting: Mapped[PanelMeeting] = relationship(back_populates="agenda")
    case: Mapped[Case] = relationship()


class ConflictDeclaration(UUIDPrimaryKey, db.Model):
    """A member's declared conflict of interest in one case at one meeting."""

    __tablename__ = "panel_conflict"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id", "user_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_meeting.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child_death_case.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id"), index=True)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    details = Encrypted(str)  # how they are connected: may name people

    meeting: Mapped[PanelMeeting] = relationship(back_populates="conflicts")
    user: Mapped[User] = relationship()


class FactorTheme(db.Model):
    """A coded theme for cross-case learning; a table (seeded by migration) so it can grow."""

    __tablename__ = "factor_theme"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Analysis(UUIDPrimaryKey, Timestamps, db.Model):
    """The panel's analysis of one case (old Form C): one per case, kept across re-opening."""

    __tablename__ = "panel_analysis"
    __table_args__ = (
        CheckConstraint("category IS NULL OR category BETWEEN 1 AND 10", name="category"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("child_death_case.id"), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default=AnalysisStatus.DRAFT, index=True)
    category: Mapped[int | None] = mapped_column(SmallInteger)
    event: Mapped[str | None] = mapped_column(String(20))
    # The panel says a domain graded only 0 leaves it unable to judge.
    insufficient_information: Mapped[bool] = mapped_column(Boolean, default=False)
    refer_for_scr: Mapped[bool | None] = mapped_column(Boolean)
    learning_points = Encrypted(str)
    # The chair's override of the derived outcome, with the recorded reason.
    override_outcome: Mapped[str | None] = mapped_column(String(32))
    override_reason = Encrypted(str)
    override_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id"))
    # Set at sign-off (the latest one counts).
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("panel_meeting.id"))
    signed_off_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_completed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    factors: Mapped[list["AnalysisFactor"]] = relationship(
        back_populates="analysis", cascade="all, delete-orphan",
        order_by="AnalysisFactor.position")
    recommendations: Mapped[list["PanelRecommendation"]] = relationship(
        back_populates="analysis", cascade="all, delete-orphan",
        order_by="PanelRecommendation.position")
    sign_offs: Mapped[list["ReviewSignOff"]] = relationship(
        back_populates="analysis", cascade="all, delete-orphan",
        order_by="ReviewSignOff.signed_off_at")
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])

    @property
    def is_locked(self):
        return self.status == AnalysisStatus.SIGNED_OFF


class AnalysisFactor(UUIDPrimaryKey, db.Model):
    """One factor: its domain, description, grade, theme and whether it is modifiable."""

    __tablename__ = "panel_analysis_factor"
    __table_args__ = (CheckConstraint("grade BETWEEN 0 AND 2", name="grade"),)

    analysis_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_analysis.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    domain: Mapped[str] = mapped_column(String(16))
    grade: Mapped[int] = mapped_column(SmallInteger)
    modifiable: Mapped[bool] = mapped_column(Boolean, default=False)
    theme_code: Mapped[str] = mapped_column(ForeignKey("factor_theme.code"), index=True)
    description = Encrypted(str)

    analysis: Mapped[Analysis] = relationship(back_populates="factors")
    theme: Mapped[FactorTheme] = relationship()

    @property
    def domain_label(self):
        return Domain.label_of(self.domain, self.domain)


class PanelRecommendation(UUIDPrimaryKey, Timestamps, db.Model):
    """A panel recommendation, tracked as an action with an owning agency and a due date."""

    __tablename__ = "panel_recommendation"

    analysis_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_analysis.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text = Encrypted(str)
    owner_agency: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default=RecommendationStatus.OPEN)
    # Set at sign-off, when the recommendation becomes an action in the shared action tracker.
    action_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("action.id", ondelete="SET NULL"), index=True)

    analysis: Mapped[Analysis] = relationship(back_populates="recommendations")


class ReviewSignOff(UUIDPrimaryKey, db.Model):
    """Each sign-off, and its re-opening if any: the history behind the case's clear columns."""

    __tablename__ = "panel_review_sign_off"

    analysis_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_analysis.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("panel_meeting.id"))
    signed_off_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id"))
    signed_off_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    review_completed_on: Mapped[date] = mapped_column(Date)
    category: Mapped[int] = mapped_column(SmallInteger)
    modifiable: Mapped[str] = mapped_column(String(32))
    event: Mapped[str | None] = mapped_column(String(20))
    reopened_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_reason = Encrypted(str)

    analysis: Mapped[Analysis] = relationship(back_populates="sign_offs")
    signed_off_by: Mapped[User] = relationship(foreign_keys=[signed_off_by_id])
    reopened_by: Mapped[User | None] = relationship(foreign_keys=[reopened_by_id])


class BreakGlassGrant(UUIDPrimaryKey, db.Model):
    """Time-limited access to one case's identifiable record, with the reason given, from the
    panel meeting or the serious case review that was the need to know (exactly one of them)."""

    __tablename__ = "break_glass_grant"
    __table_args__ = (
        CheckConstraint("(meeting_id IS NULL) <> (review_id IS NULL)", name="one_source"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child_death_case.id"), index=True)
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("panel_meeting.id"))
    review_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("scr_review.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason = Encrypted(str)

    user: Mapped[User] = relationship()
    case: Mapped[Case] = relationship()
    meeting: Mapped[PanelMeeting | None] = relationship()
    review = relationship("Review")

    def active(self, now=None):
        return (now or utcnow()) < self.expires_at
