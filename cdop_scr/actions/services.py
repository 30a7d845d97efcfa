"""Action-plan services: add, change, evidence, challenge, and the tracker's queries.

Each change checks, changes, records its audit event and commits once. The caller (the owning
domain's service) has already found the plan or action within the actor's scope.
"""

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm.exc import StaleDataError

from .. import audit
from ..audit import AuditEvent
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..models.actions import (
    Action,
    ActionChallenge,
    ActionEvidence,
    ActionPlan,
    ActionStatus,
    AgencyType,
    Document,
    DocumentContent,
    EvidenceOutcome,
    Recommendation,
)
from ..workdays import today
from . import rules

ACTION_CONFLICT = ("Someone else changed this action while you were working on it. "
                   "Nothing was saved.")


def check_version(obj, version, message=ACTION_CONFLICT):
    try:
        stale = int(version) != obj.version
    except (TypeError, ValueError):
        stale = True
    if stale:
        raise Conflict(message)


def commit_versioned(message=ACTION_CONFLICT):
    """Commit a change to a versioned row. Two saves can both pass check_version (PostgreSQL
    reads take no locks); the second's UPDATE then matches no row: a conflict, not an error."""
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise Conflict(message) from exc


def _source_detail(plan):
    return {"source_type": plan.source_type, "source_id": str(plan.source_id)}


# Plans ------------------------------------------------------------------------------------------

def plan_for(source_type, source_id):
    return db.session.scalar(select(ActionPlan).filter_by(source_type=source_type,
                                                          source_id=source_id))


def ensure_plan(source_type, source_id, source_reference):
    """The source's plan, created (uncommitted) on first use."""
    plan = plan_for(source_type, source_id)
    if plan is None:
        plan = ActionPlan(source_type=source_type, source_id=source_id,
                          source_reference=source_reference)
        db.session.add(plan)
        db.session.flush()
    return plan


def record_plan_viewed(actor, plan, source_target):
    """One audit row for a page showing the plan's narrative."""
    audit.record(AuditEvent.ACTION_PLAN_VIEWED, actor=actor, target=source_target,
                 detail={"plan_id": str(plan.id)} if plan else None)
    db.session.commit()


def record_action_viewed(actor, action, page="action"):
    audit.record(AuditEvent.ACTION_VIEWED, actor=actor, target=action, detail={"page": page})
    db.session.commit()


def add_recommendation(actor, plan, text):
    text = (text or "").strip()
    if not text:
        raise ValidationError("Enter the recommendation")
    number = 1 + max((r.number for r in plan.recommendations), default=0)
    recommendation = Recommendation(plan=plan, number=number)
    recommendation.text = text
    db.session.add(recommendation)
    db.session.flush()
    audit.record(AuditEvent.RECOMMENDATION_ADDED, actor=actor, target=recommendation,
                 detail={**_source_detail(plan), "number": number})
    db.session.commit()
    return recommendation


def _check_action_fields(agency_type, due_on):
    if agency_type not in {t.value for t in AgencyType}:
        raise ValidationError("Select the type of agency")
    if due_on is None:
        raise ValidationError("Enter the due date")


def add_action(actor, recommendation, description, agency_name, agency_type, owner_name,
               due_on, expected_evidence):
    _check_action_fields(agency_type, due_on)
    number = 1 + max((a.number for a in recommendation.actions), default=0)
    action = Action(recommendation=recommendation, number=number,
                    agency_name=agency_name.strip(), agency_type=agency_type,
                    owner_name=owner_name.strip(), due_on=due_on,
                    status=ActionStatus.NOT_STARTED)
    action.description = description.strip()
    action.expected_evidence = expected_evidence.strip()
    db.session.add(action)
    db.session.flush()
    audit.record(AuditEvent.ACTION_ADDED, actor=actor, target=action,
                 detail={**_source_detail(recommendation.plan), "label": action.label})
    db.session.commit()
    return action


def update_action(actor, action, version, description, agency_name, agency_type, owner_name,
                  due_on, expected_evidence):
    """Change what an action is, who owns it and when it is due (not its status)."""
    check_version(action, version)
    if action.status == ActionStatus.COMPLETED:
        raise ValidationError(f"Action {action.label} is completed: it cannot change")
    _check_action_fields(agency_type, due_on)
    changed = []
    for name, value in (("agency_name", agency_name.strip()), ("agency_type", agency_type),
                        ("owner_name", owner_name.strip()), ("due_on", due_on),
                        ("description", description.strip()),
                        ("expected_evidence", expected_evidence.strip())):
        if getattr(action, name) != value:
            setattr(action, name, value)
            changed.append(name)
    if changed:
        audit.record(AuditEvent.ACTION_UPDATED, actor=actor, target=action,
                     detail={"fields": changed})
        commit_versioned()
    return action


def start_action(actor, action, version):
    """The agency has started work."""
    check_version(action, version)
    _move(actor, action, ActionStatus.IN_PROGRESS)
    commit_versioned()


def _move(actor, action, new, **detail):
    old = action.status
    rules.check_move(action, new)
    action.status = ActionStatus(new).value
    audit.record(AuditEvent.ACTION_UPDATED, actor=actor, target=action,
                 detail={"from": old, "to": action.status, **detail})


# Evidence ---------------------------------------------------------------------------------------

def store_document(actor, owner_type, owner_id, kind, upload):
    """Keep a checked upload (uploads.CheckedUpload), encrypted; uncommitted."""
    stored = DocumentContent()
    stored.data = upload.data
    document = Document(owner_type=owner_type, owner_id=owner_id, kind=kind,
                        content_type=upload.content_type, size_bytes=len(upload.data),
                        uploaded_by_id=actor.id if actor else None, stored=stored)
    document.filename = upload.filename
    db.session.add(document)
    db.session.flush()
    audit.record(AuditEvent.DOCUMENT_UPLOADED, actor=actor, target=document,
                 detail={"owner_type": owner_type, "kind": kind,
                         "content_type": upload.content_type, "bytes": len(upload.data)})
    return document


def submit_evidence(actor, action, version, note, upload=None, on=None):
    """An agency's evidence that the action is done; the board then accepts it or not."""
    check_version(action, version)
    note = (note or "").strip()
    if not note:
        raise ValidationError("Describe the evidence")
    rules.check_move(action, ActionStatus.EVIDENCE_SUBMITTED)
    evidence = ActionEvidence(action=action, submitted_on=on or today(),
                              submitted_by_id=actor.id if actor else None)
    evidence.note = note
    db.session.add(evidence)
    db.session.flush()
    if upload is not None:
        evidence.document = store_document(actor, "action_evidence", evidence.id, "evidence",
                                           upload)
    audit.record(AuditEvent.ACTION_EVIDENCE_SUBMITTED, actor=actor, target=evidence,
                 detail={"action_id": str(action.id), "document": upload is not None})
    _move(actor, action, ActionStatus.EVIDENCE_SUBMITTED)
    commit_versioned()
    return evidence


def accept_evidence(actor, action, version, on=None):
    """The board manager accepts the evidence: the action is completed."""
    check_version(action, version)
    rules.check_can_complete(action)
    on = on or today()
    for evidence in action.pending_evidence:
        evidence.outcome = EvidenceOutcome.ACCEPTED.value
        evidence.decided_on, evidence.decided_by_id = on, actor.id if actor else None
        audit.record(AuditEvent.ACTION_EVIDENCE_ACCEPTED, actor=actor, target=evidence,
                     detail={"action_id": str(action.id)})
    action.completed_on = on
    _move(actor, action, ActionStatus.COMPLETED)
    commit_versioned()


def reject_evidence(actor, action, version, reason, on=None):
    """The evidence does not show the action is done: back to the agency with the reason."""
    check_version(action, version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter why the evidence is not accepted")
    rules.check_can_decide(action, ActionStatus.NOT_ACCEPTED)
    on = on or today()
    for evidence in action.pending_evidence:
        evidence.outcome = EvidenceOutcome.NOT_ACCEPTED.value
        evidence.decided_on, evidence.decided_by_id = on, actor.id if actor else None
        evidence.reason = reason
        audit.record(AuditEvent.ACTION_EVIDENCE_NOT_ACCEPTED, actor=actor, target=evidence,
                     detail={"action_id": str(action.id)})
    _move(actor, action, ActionStatus.NOT_ACCEPTED)
    commit_versioned()


def get_evidence_document(action, evidence_id):
    """(evidence, document) of this action, or (None, None)."""
    for evidence in action.evidence:
        if evidence.id == evidence_id and evidence.document is not None:
            return evidence, evidence.document
    return None, None


def record_download(actor, document):
    audit.record(AuditEvent.DOCUMENT_DOWNLOADED, actor=actor, target=document,
                 detail={"owner_type": document.owner_type, "kind": document.kind})
    db.session.commit()


# Challenges -------------------------------------------------------------------------------------

def record_challenge(actor, action, asked, on=None):
    """A challenge put to the owning agency: what was asked, and when."""
    asked = (asked or "").strip()
    if not asked:
        raise ValidationError("Enter what was asked of the agency")
    challenge = ActionChallenge(action=action, challenged_on=on or today(),
                                recorded_by_id=actor.id if actor else None)
    challenge.asked = asked
    db.session.add(challenge)
    db.session.flush()
    audit.record(AuditEvent.ACTION_CHALLENGE_RECORDED, actor=actor, target=challenge,
                 detail={"action_id": str(action.id)})
    db.session.commit()
    return challenge


def record_challenge_response(actor, challenge, response, on=None):
    response = (response or "").strip()
    if not response:
        raise ValidationError("Enter the agency's response")
    challenge.response = response
    challenge.responded_on = on or today()
    audit.record(AuditEvent.ACTION_CHALLENGE_ANSWERED, actor=actor, target=challenge,
                 detail={"action_id": str(challenge.action_id)})
    db.session.commit()
    return challenge


# The tracker ------------------------------------------------------------------------------------

def _actions_of(source_type, source_ids=None):
    query = (select(Action).join(Action.recommendation).join(Recommendation.plan)
             .where(ActionPlan.source_type == source_type))
    if source_ids is not None:
        query = query.where(ActionPlan.source_id.in_(source_ids))
    return query


def overdue_actions(source_type, on=None, more_than_days=0):
    """Actions past their due date and not completed, most overdue first."""
    on = on or today()
    query = (_actions_of(source_type)
             .where(Action.status != ActionStatus.COMPLETED.value)
             .where(Action.due_on < on)
             .order_by(Action.due_on, Action.agency_name))
    actions = db.session.scalars(query).all()
    return [a for a in actions if a.days_overdue(on) > more_than_days]


@dataclass
class AgencyCounts:
    agency_name: str
    by_status: dict
    overdue: int

    @property
    def total(self):
        return sum(self.by_status.values())


def counts_by_agency(source_type, on=None):
    """Actions per agency and status, and overdue per agency: one GROUP BY in the database."""
    on = on or today()
    overdue = case((and_(Action.status != ActionStatus.COMPLETED.value, Action.due_on < on), 1),
                   else_=0)
    query = (select(Action.agency_name, Action.status, func.count(), func.sum(overdue))
             .join(Action.recommendation).join(Recommendation.plan)
             .where(ActionPlan.source_type == source_type)
             .group_by(Action.agency_name, Action.status)
             .order_by(Action.agency_name))
    rows = {}
    for agency, status, count, late in db.session.execute(query):
        entry = rows.setdefault(agency, AgencyCounts(agency, dict.fromkeys(ActionStatus, 0), 0))
        entry.by_status[ActionStatus(status)] += count
        entry.overdue += int(late or 0)
    return list(rows.values())


def tracker_actions(source_type):
    """Every action of every plan of this source type, in plan order, for the export."""
    query = (_actions_of(source_type)
             .order_by(ActionPlan.source_reference, Recommendation.number, Action.number))
    return db.session.scalars(query).all()


def view_tracker(actor, source_type):
    """The actions of every plan of this source type for a page showing what each is: one
    audit row for the page."""
    rows = tracker_actions(source_type)
    audit.record(AuditEvent.ACTION_TRACKER_VIEWED, actor=actor,
                 detail={"source_type": source_type, "rows": len(rows)})
    db.session.commit()
    return rows


def record_export(actor, source_types, fmt, count):
    audit.record(AuditEvent.ACTION_TRACKER_EXPORTED, actor=actor,
                 detail={"source_types": list(source_types), "format": fmt, "rows": count})
    db.session.commit()
