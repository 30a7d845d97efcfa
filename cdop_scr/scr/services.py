"""Serious case review services: the record, its decision, status, documents and action plan.

The board manager (Permission.MANAGE_SCR) sees the identifiers of the reviews they manage; a
linked CDOP case opens from its review pseudonymised, or identifiable through break-glass (see
view_linked_case). Each change
checks, changes, records its audit event and commits once; each page showing identifiers or
narrative records one view.
"""

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from .. import audit, uploads
from ..actions import export
from ..actions import services as actions
from ..audit import AuditEvent
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..models.actions import AgencyType, Document, SourceType
from ..models.cases import Case
from ..models.scr import (
    DecisionOutcome,
    DeferralReason,
    DocumentKind,
    Framework,
    IncidentType,
    Methodology,
    Review,
    ReviewAgency,
    ReviewMeeting,
    ReviewStatus,
)
from ..panels import services as panel_services
from ..workdays import today
from . import rules
from .clocks import clocks_for

SOURCE = SourceType.SCR_REVIEW.value
PANEL_SOURCE = SourceType.CDOP_CASE.value
TRACKED_SOURCES = (SOURCE, PANEL_SOURCE)
# How the child is named in a linked case's narrative read from a review.
LINKED_CASE_PSEUDONYM = "the child"
REVIEW_CONFLICT = ("Someone else changed this review while you were working on it. "
                   "Nothing was saved.")
# The fields of the review form, in order; identifiers and narrative among them are encrypted.
REVIEW_FIELDS = (
    "child_name", "child_date_of_birth", "child_nhs_number", "looked_after", "incident_type",
    "incident_on", "incident_summary", "framework", "la_learned_on", "referred_on",
    "notified_on", "rapid_review_on", "reviewer_name", "methodology",
)


def _check_version(review, version):
    actions.check_version(review, version, REVIEW_CONFLICT)


# Finding reviews --------------------------------------------------------------------------------

def get_review(review_id):
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound()
    return review


def list_reviews():
    return db.session.scalars(select(Review).order_by(Review.referred_on.desc(),
                                                      Review.reference.desc())).all()


def record_list_viewed(actor, count):
    audit.record(AuditEvent.REVIEW_LIST_VIEWED, actor=actor, detail={"rows": count})
    db.session.commit()


def record_review_viewed(actor, review, page="review"):
    """One audit row for a page that shows the review's identifiers or narrative."""
    audit.record(AuditEvent.REVIEW_VIEWED, actor=actor, target=review, detail={"page": page})
    db.session.commit()


def referred_cases_without_review():
    """CDOP cases referred for SCR consideration that have no review yet (oldest first)."""
    query = (select(Case).outerjoin(Review, Review.cdop_case_id == Case.id)
             .where(Case.scr_referred_on.is_not(None), Review.id.is_(None))
             .order_by(Case.scr_referred_on))
    return db.session.scalars(query).all()


def get_referable_case(case_id):
    """A CDOP case referred for SCR consideration; any other case is not found from here."""
    case = db.session.get(Case, case_id)
    if case is None or case.scr_referred_on is None:
        raise NotFound()
    return case


def get_linked_case(actor, review, case_id):
    """The CDOP case this review was started from; any other case is not found from here."""
    return panel_services.linked_case(actor, review, case_id)


def view_linked_case(actor, review, case_id):
    """The CDOP case this review was started from: pseudonymised, or identifiable while the
    actor's break-glass grant from this review lasts. Any other case is not found.

    The review is the board manager's need-to-know; the case record is the coordinator's, so
    its identifiers follow the case rules (break-glass, with a reason, time-limited and
    alerted). One audit row, on the case, naming the grant when there is one.
    """
    case = get_linked_case(actor, review, case_id)
    grant = panel_services.active_review_grant(actor, review, case.id)
    detail = {"page": "review_linked_case", "review": str(review.id),
              "identifiable": grant is not None}
    if grant is not None:
        detail["break_glass"] = str(grant.id)
    audit.record(AuditEvent.CASE_VIEWED, actor=actor, target=case, detail=detail)
    db.session.commit()
    return case, panel_services.pseudonymised(case, LINKED_CASE_PSEUDONYM), grant


def break_glass_linked_case(actor, review, case_id, reason):
    """Break-glass to the linked case's identifiable record (see panels.services)."""
    return panel_services.break_glass_from_review(actor, review, case_id, reason)


# Creating and editing ---------------------------------------------------------------------------

def _next_reference(framework, on):
    prefix = f"{Framework(framework).short}-{on.year}-"
    count = db.session.scalar(
        select(func.count()).select_from(Review).where(Review.reference.like(f"{prefix}%"))
    )
    return f"{prefix}{count + 1:03d}"


def _check_fields(fields):
    if fields.get("incident_type") not in {t.value for t in IncidentType}:
        raise ValidationError("Select whether the child died or was seriously harmed")
    if fields.get("referred_on") is None:
        raise ValidationError("Enter the date of referral")
    if fields.get("methodology") and fields["methodology"] not in {m.value for m in Methodology}:
        raise ValidationError("Select the review methodology")
    nhs = fields.get("child_nhs_number")
    if nhs and (len(nhs) != 10 or not nhs.isdigit()):
        raise ValidationError("Enter the NHS number as 10 digits")
    on = today()
    for name in ("incident_on", "la_learned_on", "referred_on", "notified_on",
                 "rapid_review_on"):
        if fields.get(name) and fields[name] > on:
            raise ValidationError("Dates must be today or in the past")


def _apply(review, fields):
    """Set the given fields; returns the names that changed (names only, for the audit)."""
    changed = []
    for name in REVIEW_FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        if isinstance(value, str):
            value = value.strip() or None
        if getattr(review, name) != value:
            setattr(review, name, value)
            changed.append(name)
    return changed


def create_review(actor, **fields):
    """Record a referral for review consideration (a serious harm case, or a death)."""
    fields.setdefault("referred_on", today())
    _check_fields(fields)
    if not fields.get("framework"):
        fields["framework"] = Framework.for_incident(fields.get("incident_on")).value
    review = Review(reference=_next_reference(fields["framework"], fields["referred_on"]),
                    status=ReviewStatus.REFERRED.value, framework=fields["framework"],
                    incident_type=fields["incident_type"], referred_on=fields["referred_on"],
                    cdop_case_id=fields.pop("cdop_case_id", None))
    _apply(review, fields)
    db.session.add(review)
    db.session.flush()
    audit.record(AuditEvent.REVIEW_CREATED, actor=actor, target=review,
                 detail={"framework": review.framework, "incident_type": review.incident_type,
                         "from_case": review.cdop_case_id is not None})
    db.session.commit()
    return review


def create_review_from_case(actor, case, la_learned_on=None, looked_after=None):
    """Start the review of a CDOP case referred for SCR consideration, linked both ways.

    The child's identifiers come from the case; the case's own page keeps its access rules.
    """
    if case.scr_referred_on is None:
        raise ValidationError("The case has not been referred for serious case review "
                              "consideration")
    if case.scr_review is not None:
        raise ValidationError(f"This case already has a review: {case.scr_review.reference}")
    return create_review(
        actor,
        cdop_case_id=case.id,
        child_name=case.full_name,
        child_date_of_birth=case.date_of_birth,
        child_nhs_number=case.nhs_number,
        incident_type=IncidentType.DEATH.value,
        incident_on=case.date_of_death,
        referred_on=case.scr_referred_on or today(),
        la_learned_on=la_learned_on,
        looked_after=looked_after,
    )


def update_review(actor, review, version, **fields):
    _check_version(review, version)
    fields.setdefault("referred_on", review.referred_on)
    fields.setdefault("incident_type", review.incident_type)
    _check_fields(fields)
    if "framework" in fields and not fields["framework"]:
        incident_on = fields["incident_on"] if "incident_on" in fields else review.incident_on
        fields["framework"] = Framework.for_incident(incident_on).value
    changed = _apply(review, fields)
    if changed:
        audit.record(AuditEvent.REVIEW_UPDATED, actor=actor, target=review,
                     detail={"fields": changed})
        actions.commit_versioned(REVIEW_CONFLICT)
    return review


# Decision and status ----------------------------------------------------------------------------

def record_decision(actor, review, version, outcome, decided_on, decided_by, rationale):
    """The chair's decision: a review is held (in progress) or not held."""
    _check_version(review, version)
    if review.status != ReviewStatus.DECISION_PENDING:
        raise ValidationError(f"A decision can only be recorded while the review is "
                              f"'Decision pending'; it is '{review.status_label}'")
    try:
        outcome = DecisionOutcome(outcome)
    except ValueError as exc:
        raise ValidationError("Select the decision") from exc
    if decided_on is None:
        raise ValidationError("Enter the date of the decision")
    if decided_on > today():
        raise ValidationError("The date of the decision must be today or in the past")
    if decided_on < review.referred_on:
        raise ValidationError("The date of the decision must be on or after the referral")
    if not (decided_by or "").strip():
        raise ValidationError("Enter who made the decision")
    if not (rationale or "").strip():
        raise ValidationError("Enter why the criteria are or are not met")
    old = review.status
    review.decision_outcome = outcome.value
    review.decided_on = decided_on
    review.decided_by = decided_by.strip()
    review.decision_rationale = rationale.strip()
    review.status = rules.STATUS_AFTER_DECISION[outcome].value
    audit.record(AuditEvent.REVIEW_DECISION_RECORDED, actor=actor, target=review,
                 detail={"outcome": outcome.value, "from": old, "to": review.status})
    actions.commit_versioned(REVIEW_CONFLICT)
    return review


def change_status(actor, review, version, status, on=None, deferral_reason=None,
                  deferral_review_on=None):
    """Move a review along the status table; a refused move changes nothing."""
    _check_version(review, version)
    try:
        new = ReviewStatus(status)
    except ValueError as exc:
        raise ValidationError("Select the new status") from exc
    rules.check_move(review.status, new)
    on = on or today()
    if on > today():
        raise ValidationError("The date must be today or in the past")
    if new == ReviewStatus.PUBLICATION_DEFERRED:
        if deferral_reason not in {r.value for r in DeferralReason}:
            raise ValidationError("Select why publication is deferred")
        if deferral_review_on is None:
            raise ValidationError("Enter the date to review the deferral")
        review.deferral_reason, review.deferral_review_on = deferral_reason, deferral_review_on
    old = review.status
    review.status = new.value
    if new in rules.DATE_FIELDS:
        setattr(review, rules.DATE_FIELDS[new], on)
    audit.record(AuditEvent.REVIEW_STATUS_CHANGED, actor=actor, target=review,
                 detail={"from": old, "to": new.value})
    actions.commit_versioned(REVIEW_CONFLICT)
    return review


# Agencies, meetings, documents ------------------------------------------------------------------

def add_agency(actor, review, agency_name, agency_type, imr_requested_on=None,
               imr_received_on=None):
    if agency_type not in {t.value for t in AgencyType}:
        raise ValidationError("Select the type of agency")
    agency = ReviewAgency(review=review, agency_name=agency_name.strip(),
                          agency_type=agency_type, imr_requested_on=imr_requested_on,
                          imr_received_on=imr_received_on)
    db.session.add(agency)
    db.session.flush()
    audit.record(AuditEvent.REVIEW_AGENCY_ADDED, actor=actor, target=review,
                 detail={"agency_id": str(agency.id)})
    db.session.commit()
    return agency


def get_agency(review, agency_id):
    for agency in review.agencies:
        if agency.id == agency_id:
            return agency
    raise NotFound()


def update_agency(actor, agency, agency_name, agency_type, imr_requested_on, imr_received_on):
    if agency_type not in {t.value for t in AgencyType}:
        raise ValidationError("Select the type of agency")
    agency.agency_name, agency.agency_type = agency_name.strip(), agency_type
    agency.imr_requested_on, agency.imr_received_on = imr_requested_on, imr_received_on
    audit.record(AuditEvent.REVIEW_AGENCY_UPDATED, actor=actor, target=agency.review,
                 detail={"agency_id": str(agency.id)})
    db.session.commit()


def add_meeting(actor, review, held_on, notes=None):
    meeting = ReviewMeeting(review=review, held_on=held_on)
    meeting.notes = (notes or "").strip() or None
    db.session.add(meeting)
    db.session.flush()
    audit.record(AuditEvent.REVIEW_MEETING_ADDED, actor=actor, target=review,
                 detail={"meeting_id": str(meeting.id)})
    db.session.commit()
    return meeting


def documents_for(review):
    return db.session.scalars(
        select(Document).filter_by(owner_type=Review.__tablename__, owner_id=review.id)
        .order_by(Document.uploaded_at)
    ).all()


def upload_document(actor, review, kind, storage):
    """Check (content sniffed, size), encrypt and keep a review document; refusals audited."""
    if kind not in {k.value for k in DocumentKind}:
        raise ValidationError("Select what the document is")
    if storage is None or not getattr(storage, "filename", None):
        raise uploads.UploadRefused("Select a file")
    try:
        checked = uploads.read_upload(storage)
    except uploads.UploadRefused as refused:
        audit.record(AuditEvent.DOCUMENT_REFUSED, actor=actor, target=review,
                     outcome="refused", reason=refused.message)
        db.session.commit()
        raise
    document = actions.store_document(actor, Review.__tablename__, review.id, kind, checked)
    db.session.commit()
    return document


def download_document(actor, review, document_id):
    document = db.session.get(Document, document_id)
    if (document is None or document.owner_type != Review.__tablename__
            or document.owner_id != review.id):
        raise NotFound()
    actions.record_download(actor, document)
    return document


# The action plan --------------------------------------------------------------------------------

def plan_of(review):
    return actions.plan_for(SOURCE, review.id)


def add_recommendation(actor, review, text):
    plan = actions.ensure_plan(SOURCE, review.id, review.reference)
    return actions.add_recommendation(actor, plan, text)


# The board dashboard ----------------------------------------------------------------------------

@dataclass
class ReviewClocks:
    review: Review
    clocks: list

    @property
    def breaches(self):
        return [c for c in self.clocks if c.breached]


@dataclass
class Dashboard:
    on: object
    reviews: list
    counts: list
    overdue: list
    escalations: list
    escalation_days: int
    # CDOP panel recommendations, tracked and progressed by the board manager in the same way;
    # the escalation list holds the actions of both.
    panel_counts: list = field(default_factory=list)
    panel_overdue: list = field(default_factory=list)


def open_reviews():
    return db.session.scalars(
        select(Review).where(Review.status.not_in([s.value for s in
                                                   (ReviewStatus.CLOSED,
                                                    ReviewStatus.NOT_HELD)]))
        .order_by(Review.referred_on)
    ).all()


def dashboard(actor):
    """Open reviews with their clocks, actions by agency and status, overdue and escalations."""
    on = today()
    days = current_app.config["ESCALATION_OVERDUE_DAYS"]
    board = Dashboard(
        on=on,
        reviews=[ReviewClocks(r, clocks_for(r, on)) for r in open_reviews()],
        counts=actions.counts_by_agency(SOURCE, on),
        overdue=actions.overdue_actions(SOURCE, on),
        escalations=sorted(
            (a for source in TRACKED_SOURCES
             for a in actions.overdue_actions(source, on, more_than_days=days)),
            key=lambda a: (a.due_on, a.agency_name)),
        escalation_days=days,
        panel_counts=actions.counts_by_agency(PANEL_SOURCE, on),
        panel_overdue=actions.overdue_actions(PANEL_SOURCE, on),
    )
    # The overdue list shows what each action is (narrative): one audit row for the page.
    audit.record(AuditEvent.REVIEW_DASHBOARD_VIEWED, actor=actor,
                 detail={"reviews": len(board.reviews), "overdue": len(board.overdue)})
    db.session.commit()
    return board


def export_tracker(actor, fmt):
    """The action-plan tracker of every review and every CDOP panel plan as CSV or XLSX bytes
    (audited)."""
    on = today()
    rows = [export.row_for(a, on) for source in TRACKED_SOURCES
            for a in actions.tracker_actions(source)]
    data = export.to_csv(rows) if fmt == "csv" else export.to_xlsx(rows)
    actions.record_export(actor, TRACKED_SOURCES, fmt, len(rows))
    return data
