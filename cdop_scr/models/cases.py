"""Child death cases, the people around them, agency report requests and case references.

Identifiers and narrative are `Encrypted`; the analytical fields that reporting counts (status,
sex, ethnicity group, age band, financial year and month of death, category, modifiable outcome,
event, review dates) stay in clear columns. Searches use blind indexes, never decryption.
"""

import enum
import uuid
from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import Encrypted
from ..crypto.blind_index import BlindIndex
from ..extensions import db
from .base import Timestamps, UUIDPrimaryKey


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a human label."""

    def __new__(cls, value, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls):
        return [(m.value, m.label) for m in cls]

    @classmethod
    def label_of(cls, value, default=""):
        try:
            return cls(value).label
        except ValueError:
            return default


class CaseStatus(LabelledEnum):
    NOTIFIED = "notified", "Notified"
    GATHERING_INFORMATION = "gathering_information", "Gathering information"
    READY_FOR_PANEL = "ready_for_panel", "Ready for panel"
    REVIEWED = "reviewed", "Reviewed"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A case in one of these has not had its review completed, so its clock runs.
OPEN_STATUSES = (CaseStatus.NOTIFIED, CaseStatus.GATHERING_INFORMATION,
                 CaseStatus.READY_FOR_PANEL)


class Sex(LabelledEnum):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    NOT_KNOWN = "not_known", "Not known"


class EthnicityGroup(LabelledEnum):
    WHITE = "white", "White"
    MIXED = "mixed", "Mixed"
    ASIAN = "asian", "Asian"
    BLACK = "black", "Black"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(LabelledEnum):
    """NHS Data Dictionary ethnic category (2001 census list); Z is "not stated"."""

    A = "A", "White: British"
    B = "B", "White: Irish"
    C = "C", "White: any other White background"
    D = "D", "Mixed: White and Black Caribbean"
    E = "E", "Mixed: White and Black African"
    F = "F", "Mixed: White and Asian"
    G = "G", "Mixed: any other mixed background"
    H = "H", "Asian or Asian British: Indian"
    J = "J", "Asian or Asian British: Pakistani"
    K = "K", "Asian or Asian British: Bangladeshi"
    L = "L", "Asian or Asian British: any other Asian background"
    M = "M", "Black or Black British: Caribbean"
    N = "N", "Black or Black British: African"
    P = "P", "Black or Black British: any other Black background"
    R = "R", "Other ethnic groups: Chinese"
    S = "S", "Other ethnic groups: any other ethnic group"
    Z = "Z", "Not stated"

    @property
    def group(self):
        return ETHNICITY_GROUPS[self.value]


ETHNICITY_GROUPS = {
    **dict.fromkeys("ABC", EthnicityGroup.WHITE),
    **dict.fromkeys("DEFG", EthnicityGroup.MIXED),
    **dict.fromkeys("HJKL", EthnicityGroup.ASIAN),
    **dict.fromkeys("MNP", EthnicityGroup.BLACK),
    **dict.fromkeys("RS", EthnicityGroup.OTHER),
    "Z": EthnicityGroup.NOT_KNOWN,
}


class AgeBand(LabelledEnum):
    DAYS_0_27 = "0_27_days", "0-27 days"
    DAYS_28_364 = "28_364_days", "28-364 days"
    YEARS_1_4 = "1_4_years", "1-4 years"
    YEARS_5_9 = "5_9_years", "5-9 years"
    YEARS_10_14 = "10_14_years", "10-14 years"
    YEARS_15_17 = "15_17_years", "15-17 years"


class DeathExpectation(LabelledEnum):
    EXPECTED = "expected", "Expected"
    UNEXPECTED = "unexpected", "Unexpected"
    NOT_KNOWN = "not_known", "Not yet known"


class PlaceType(LabelledEnum):
    HOSPITAL = "hospital", "Hospital"
    HOME = "home", "Home"
    OTHER = "other", "Other place"
    ABROAD = "abroad", "Abroad"


class Event(LabelledEnum):
    """The event leading to death (the reporting issue's codes)."""

    NEONATAL = "neonatal", "Neonatal"
    LIFE_LIMITING = "life_limiting", "Life-limiting condition"
    SUDDEN_UNEXPECTED = "sudden_unexpected", "Sudden unexpected death in infancy or childhood"
    ROAD_TRAFFIC = "road_traffic", "Road traffic collision"
    DROWNING = "drowning", "Drowning"
    FIRE_BURNS = "fire_burns", "Fire and burns"
    POISONING = "poisoning", "Poisoning"
    OTHER_INJURY = "other_injury", "Other non-intentional injury"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    HOMICIDE = "homicide", "Apparent homicide"
    SUICIDE = "suicide", "Apparent suicide"
    NONE = "none", "None of these"


CATEGORIES = {
    1: "Deliberately inflicted injury, abuse or neglect",
    2: "Suicide or deliberate self-inflicted harm",
    3: "Trauma and other external factors",
    4: "Malignancy",
    5: "Acute medical or surgical condition",
    6: "Chronic medical condition",
    7: "Chromosomal, genetic and congenital anomalies",
    8: "Perinatal/neonatal event",
    9: "Infection",
    10: "Sudden unexpected, unexplained death",
}


class Modifiable(LabelledEnum):
    MODIFIABLE = "modifiable", "Modifiable"
    NOT_MODIFIABLE = "not_modifiable", "Not modifiable"
    INSUFFICIENT_INFORMATION = "insufficient_information", "Insufficient information"


class DelayReason(LabelledEnum):
    AWAITING_INQUEST = "awaiting_inquest", "Awaiting inquest"
    AWAITING_CRIMINAL_PROCEEDINGS = "awaiting_criminal_proceedings", "Awaiting criminal proceedings"
    AWAITING_REVIEW_OR_INVESTIGATION = (
        "awaiting_review_or_investigation", "Awaiting SCR/LCSPR or other investigation")
    AWAITING_AGENCY_INFORMATION = "awaiting_agency_information", "Awaiting agency information"
    PANEL_CAPACITY = "panel_capacity", "Panel capacity"
    OTHER = "other", "Other"


class WithdrawalReason(LabelledEnum):
    NOT_ELIGIBLE = "not_eligible", "Not eligible for child death review"
    TRANSFERRED = "transferred", "Transferred to the child's home CDOP"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error"


class Relationship(LabelledEnum):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent"
    CARER = "carer", "Carer or guardian"
    SIBLING = "sibling", "Sibling"
    GRANDPARENT = "grandparent", "Grandparent"
    OTHER = "other", "Other family member or carer"


class AgencyType(LabelledEnum):
    GP = "gp", "GP"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    MIDWIFERY = "midwifery", "Midwifery"
    HOSPITAL = "hospital", "Hospital"
    SCHOOL = "school", "School"
    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    AMBULANCE = "ambulance", "Ambulance service"
    OTHER = "other", "Other"


class AgencyReportStatus(LabelledEnum):
    REQUESTED = "requested", "Requested"
    RECEIVED = "received", "Received"
    WAIVED = "waived", "Waived"


class Case(UUIDPrimaryKey, Timestamps, db.Model):
    """One child death notified to the CDOP, from notification to closure."""

    __tablename__ = "child_death_case"
    __table_args__ = (
        CheckConstraint("category IS NULL OR category BETWEEN 1 AND 10", name="category"),
        CheckConstraint("age_in_days IS NULL OR age_in_days >= 0", name="age_in_days"),
        # The case list: each filter reads its rows already in list order (days open is
        # notified_on then case_ref), so a page needs no sort of the whole match.
        Index("ix_child_death_case_status_notified_on", "status", "notified_on", "case_ref"),
        Index("ix_child_death_case_year_notified_on", "financial_year_of_death", "notified_on",
              "case_ref"),
        Index("ix_child_death_case_expectation_year", "death_expectation",
              "financial_year_of_death", "notified_on", "case_ref"),
        # The open-review clock filter: open statuses by month of death.
        Index("ix_child_death_case_status_month_of_death", "status", "month_of_death"),
    )

    case_ref: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(32), index=True, default=CaseStatus.NOTIFIED)

    # The child (identifiers encrypted).
    forename = Encrypted(str)
    surname = Encrypted(str)
    other_names = Encrypted("json")  # list of names: aliases, family and carers' names on import
    nhs_number = Encrypted(str)  # ten digits, no spaces
    nhs_number_unavailable_reason = Encrypted(str)
    date_of_birth = Encrypted(date)
    address = Encrypted(str)
    postcode = Encrypted(str)
    gp_practice = Encrypted(str)
    school = Encrypted(str)
    sex: Mapped[str] = mapped_column(String(16), index=True)
    ethnicity: Mapped[str | None] = mapped_column(String(1))
    ethnicity_group: Mapped[str] = mapped_column(String(16), index=True)
    local_authority: Mapped[str | None] = mapped_column(String(100))
    resident: Mapped[bool] = mapped_column(Boolean, default=True)

    # The death.
    date_of_death = Encrypted(date)
    time_of_death = Encrypted(str)  # HH:MM
    place_of_death_name = Encrypted(str)
    circumstances = Encrypted(str)
    place_type: Mapped[str | None] = mapped_column(String(16))
    death_expectation: Mapped[str] = mapped_column(String(16), index=True)
    # Derived at save from the encrypted dates, kept in clear for counting.
    age_in_days: Mapped[int] = mapped_column(Integer)
    age_band: Mapped[str] = mapped_column(String(16), index=True)
    financial_year_of_death: Mapped[str] = mapped_column(String(7), index=True)
    month_of_death: Mapped[date] = mapped_column(Date, index=True)  # first day of the month

    # The notification.
    notifier_name = Encrypted(str)
    notifier_role = Encrypted(str)
    notifier_agency = Encrypted(str)
    notifier_contact = Encrypted(str)
    notified_on: Mapped[date] = mapped_column(Date, index=True)

    # Key dates: exact meeting and legal dates sit close to the date of death, so they are
    # encrypted; the SCR referral is a process date reporting needs.
    jar_meeting_on = Encrypted(date)
    post_mortem_on = Encrypted(date)
    review_meeting_on = Encrypted(date)
    inquest_opened_on = Encrypted(date)
    inquest_concluded_on = Encrypted(date)
    criminal_proceedings: Mapped[bool | None] = mapped_column(Boolean)
    criminal_proceedings_concluded_on = Encrypted(date)
    scr_referred_on: Mapped[date | None] = mapped_column(Date)

    # Timeliness.
    delay_reason: Mapped[str | None] = mapped_column(String(40))
    delay_other_text = Encrypted(str)

    # Withdrawal (a transferred child is withdrawn with reason "transferred" and the area).
    withdrawal_reason: Mapped[str | None] = mapped_column(String(20))
    withdrawal_reason_text = Encrypted(str)
    transferred_to: Mapped[str | None] = mapped_column(String(100))

    # The panel's outcome (set by panel sign-off, or by import of a completed review).
    category: Mapped[int | None] = mapped_column(SmallInteger, index=True)
    modifiable: Mapped[str | None] = mapped_column(String(32), index=True)
    event: Mapped[str | None] = mapped_column(String(20))
    review_completed_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Banded at sign-off from the exact (encrypted) date of death, so reports need not decrypt.
    time_to_review: Mapped[str | None] = mapped_column(String(16), index=True)

    nhs_number_index = BlindIndex("nhs_number", source="nhs_number")
    surname_dob_index = BlindIndex("surname_dob", source=("surname", "date_of_birth"))

    family_members: Mapped[list["FamilyMember"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="FamilyMember.position"
    )
    agency_reports: Mapped[list["AgencyReportRequest"]] = relationship(
        back_populates="case", cascade="all, delete-orphan",
        order_by="AgencyReportRequest.requested_on",
    )

    # Optimistic locking: a save made from a stale form fails instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    def set_review_outcome(self, category, modifiable, event, completed_on):
        """Record (or with Nones clear) the panel's outcome and the time taken to reach it."""
        # Imported here: the reporting package imports this model.
        from ..reporting.dimensions import time_to_review_for

        self.category, self.modifiable, self.event = category, modifiable, event
        self.review_completed_on = completed_on
        self.time_to_review = (time_to_review_for(self.date_of_death, completed_on)
                               if completed_on and self.date_of_death else None)

    @property
    def status_enum(self):
        return CaseStatus(self.status)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_transferred(self):
        return self.withdrawal_reason == WithdrawalReason.TRANSFERRED

    @property
    def full_name(self):
        return " ".join(p for p in (self.forename, self.surname) if p)

    @property
    def outstanding_reports(self):
        return [r for r in self.agency_reports if r.status == AgencyReportStatus.REQUESTED]

    def __repr__(self):
        return f"<Case {self.case_ref}>"


class FamilyMember(UUIDPrimaryKey, db.Model):
    """A parent, carer or sibling of the child: each a separate entry."""

    __tablename__ = "family_member"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("child_death_case.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    relation: Mapped[str] = mapped_column(String(20))
    name = Encrypted(str)

    case: Mapped[Case] = relationship(back_populates="family_members")


class AgencyReportRequest(UUIDPrimaryKey, Timestamps, db.Model):
    """A report asked of one agency about one case: requested, then received or waived."""

    __tablename__ = "agency_report_request"
    # Outstanding and overdue reports: by status, then due date, carrying the case id.
    __table_args__ = (Index("ix_agency_report_request_status_due_on", "status", "due_on",
                            "case_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("child_death_case.id", ondelete="CASCADE"), index=True
    )
    agency_type: Mapped[str] = mapped_column(String(32))
    contact_name = Encrypted(str)
    contact_email = Encrypted(str)
    requested_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True,
                                        default=AgencyReportStatus.REQUESTED)
    received_on: Mapped[date | None] = mapped_column(Date)
    summary = Encrypted(str)
    key_facts = Encrypted("json")  # {question code: {"answer": code, "details": text}}
    waive_reason = Encrypted(str)

    case: Mapped[Case] = relationship(back_populates="agency_reports")

    @property
    def agency_label(self):
        return AgencyType.label_of(self.agency_type, self.agency_type)

    @property
    def status_label(self):
        return AgencyReportStatus.label_of(self.status, self.status)


class CaseRefCounter(db.Model):
    """The last case reference number issued in each year (one row per year)."""

    __tablename__ = "case_ref_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
