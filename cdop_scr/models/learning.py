"""Learning summaries: anonymised stories drafted from a reviewed case or an approved review.

Everything a person wrote (title, pseudonym, each section, the hold's details) is `Encrypted`:
a draft may still hold residue of an identifier until the residual check passes. The codes the
library counts (status, themes, year of publication, hold reason) stay in clear.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import Encrypted
from ..extensions import db
from .base import Timestamps, UTCDateTime, UUIDPrimaryKey
from .cases import Case, LabelledEnum
from .scr import Review
from .users import User


class SummaryStatus(LabelledEnum):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    PUBLICATION_HOLD = "publication_hold", "Publication on hold"


class HoldReason(LabelledEnum):
    CRIMINAL_PROCEEDINGS = "criminal_proceedings", "Criminal proceedings"
    INQUEST = "inquest", "Inquest"
    FAMILY = "family", "The family's wishes or welfare"
    OTHER = "other", "Other"


class SourceKind(LabelledEnum):
    CDOP_CASE = "cdop_case", "Child death review"
    SCR_REVIEW = "scr_review", "Case review"


# The written sections of a summary, in reading order: (attribute, heading).
SECTIONS = (
    ("introduction", "About the child"),
    ("what_happened", "What happened"),
    ("what_agencies_knew", "What agencies knew"),
    ("key_learning", "Key learning"),
    ("recommendations", "Recommendations"),
)


class LearningSummary(UUIDPrimaryKey, Timestamps, db.Model):
    """One anonymised learning summary, from draft to publication."""

    __tablename__ = "learning_summary"

    source_kind: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("child_death_case.id"), index=True)
    review_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("scr_review.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default=SummaryStatus.DRAFT)

    pseudonym = Encrypted(str)
    title = Encrypted(str)
    # Sanitised, redacted HTML (paragraphs, lists, emphasis and links only).
    introduction = Encrypted(str)
    what_happened = Encrypted(str)
    what_agencies_knew = Encrypted(str)
    key_learning = Encrypted(str)
    recommendations = Encrypted(str)
    theme_codes: Mapped[list] = mapped_column(JSON, default=list)
    # The last save's replacements: field, kind, replacement and rule; never original text.
    redactions: Mapped[list] = mapped_column(JSON, default=list)

    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id"), index=True)
    last_edited_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_year: Mapped[int | None] = mapped_column(Integer, index=True)

    hold_reason: Mapped[str | None] = mapped_column(String(24))
    hold_details = Encrypted(str)
    hold_review_on: Mapped[date | None] = mapped_column(Date)
    status_before_hold: Mapped[str | None] = mapped_column(String(20))

    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case | None] = relationship()
    review: Mapped[Review | None] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    last_edited_by: Mapped[User] = relationship(foreign_keys=[last_edited_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    @property
    def status_label(self):
        return SummaryStatus.label_of(self.status, self.status)

    @property
    def hold_reason_label(self):
        return HoldReason.label_of(self.hold_reason, "")

    @property
    def source_reference(self):
        if self.case is not None:
            return self.case.case_ref
        return self.review.reference if self.review is not None else ""

    @property
    def is_published(self):
        return self.status == SummaryStatus.PUBLISHED

    def sections(self):
        """(attribute, heading, html) for each section that has text."""
        return [(name, heading, getattr(self, name)) for name, heading in SECTIONS
                if getattr(self, name)]
