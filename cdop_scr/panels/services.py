"""Panel meetings, need-to-know access, the analysis, sign-off, re-opening and break-glass.

Scope: the coordinator (VIEW_IDENTIFIERS) sees every meeting; the chair and members see only
meetings they belong to, and only the cases on those agendas, pseudonymised. Anything else is
404 (not 403), so a member cannot learn that a case exists. Every function that changes
something checks, changes, records the audit event and commits once.
"""

import re
import string
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from .. import audit
from ..actions import services as action_services
from ..audit import AuditEvent
from ..cases import services as case_services
from ..cases.clocks import today
from ..errors import Conflict, Forbidden, NotFound, ValidationError
from ..extensions import db
from ..models.actions import Action, ActionStatus, Recommendation
from ..models.actions import AgencyType as ActionAgencyType
from ..models.base import utcnow
from ..models.cases import (
    CATEGORIES,
    AgeBand,
    AgencyReportStatus,
    AgencyType,
    Case,
    CaseStatus,
    DeathExpectation,
    Event,
    Modifiable,
    PlaceType,
    Relationship,
    Sex,
)
from ..models.panels import (
    AgendaItem,
    Analysis,
    AnalysisFactor,
    AnalysisStatus,
    BreakGlassGrant,
    ConflictDeclaration,
    Domain,
    FactorTheme,
    PanelMeeting,
    PanelMembership,
    PanelRecommendation,
    ReviewSignOff,
)
from ..models.users import User, UserRole
from ..permissions import Permission, Role
from ..pseudonymise import Identifiers, Pseudonymiser
from . import outcome

PANEL_ROLES = (Role.PANEL_CHAIR, Role.PANEL_MEMBER)
ALERT_DAYS = 30
MAX_REASON = 200
_NHS_NUMBER_LIKE = re.compile(r"\d(?:[\s-]?\d){9}")
CONFLICT_MESSAGE = ("You have declared a conflict of interest in this case, so you cannot "
                    "record or change its analysis.")
STALE_MESSAGE = ("Someone else changed this analysis while you were editing it. Nothing you "
                 "entered has been saved: check the analysis below, then save again.")


# --- who and what ----------------------------------------------------------------------------

def sees_everything(actor):
    """The coordinator runs every meeting and holds the identifiable record."""
    return actor.can(Permission.VIEW_IDENTIFIERS)


def panel_users():
    """Active users holding a panel role, by name: the people a meeting can invite."""
    return db.session.scalars(
        select(User).join(UserRole).where(UserRole.role.in_([r.value for r in PANEL_ROLES]),
                                          User.disabled.is_(False))
        .distinct().order_by(User.full_name)
    ).all()


def chairs():
    return [u for u in panel_users() if u.has_role(Role.PANEL_CHAIR)]


def ready_cases(meeting=None):
    """Cases ready for panel (plus those already on this meeting's agenda), by reference."""
    query = select(Case).where(Case.status == CaseStatus.READY_FOR_PANEL)
    cases = list(db.session.scalars(query.order_by(Case.case_ref)))
    if meeting is not None:
        cases += [i.case for i in meeting.agenda if i.case not in cases]
    return sorted(cases, key=lambda c: c.case_ref)


def case_summary_label(case):
    """How a case is named where no identifier may appear: reference and clear codes."""
    return (f"{case.case_ref}: {AgeBand.label_of(case.age_band, case.age_band)}, "
            f"{Sex.label_of(case.sex, case.sex).lower()}, "
            f"{DeathExpectation.label_of(case.death_expectation).lower()}")


def meetings_in_scope(actor):
    """The ids of the meetings the actor chairs or is invited to (a subquery)."""
    return select(PanelMeeting.id).where(
        (PanelMeeting.chair_id == actor.id)
        | PanelMeeting.id.in_(select(PanelMembership.meeting_id)
                              .where(PanelMembership.user_id == actor.id)))


def cases_in_scope(actor):
    """The ids of the cases on the agendas of the actor's meetings (a subquery)."""
    return select(AgendaItem.case_id).where(AgendaItem.meeting_id.in_(meetings_in_scope(actor)))


def list_meetings(actor):
    """(upcoming, past) meetings the actor may see, and break-glass alerts for coordinators."""
    query = select(PanelMeeting)
    if not sees_everything(actor):
        query = query.where(PanelMeeting.id.in_(meetings_in_scope(actor)))
    meetings = db.session.scalars(query.order_by(PanelMeeting.meets_on.desc())).all()
    upcoming = sorted([m for m in meetings if m.meets_on >= today()], key=lambda m: m.meets_on)
    past = [m for m in meetings if m.meets_on < today()]
    alerts = []
    if actor.can(Permission.VIEW_BREAK_GLASS_ALERTS):
        alerts = recent_grants()
        if alerts:
            audit.record(AuditEvent.BREAK_GLASS_ALERTS_VIEWED, actor=actor,
                         detail={"page": "meetings", "shown": len(alerts)})
            db.session.commit()
    return upcoming, past, alerts


# What a meeting's pages read for every agenda item and member: loaded with the meeting in a
# fixed number of queries, however long the agenda (no query per row).
MEETING_LOADS = (
    joinedload(PanelMeeting.chair),
    selectinload(PanelMeeting.members).joinedload(PanelMembership.user),
    selectinload(PanelMeeting.agenda).joinedload(AgendaItem.case),
    selectinload(PanelMeeting.conflicts).joinedload(ConflictDeclaration.user),
)


def get_meeting(actor, meeting_id):
    """The meeting, if the actor may see it; 404 otherwise."""
    meeting = db.session.get(PanelMeeting, meeting_id, options=MEETING_LOADS)
    if meeting is None or not (sees_everything(actor) or meeting.includes(actor)):
        raise NotFound()
    return meeting


def _managed_meeting(actor, meeting_id):
    meeting = get_meeting(actor, meeting_id)
    if not manages(actor, meeting):
        raise Forbidden("Only the coordinator or the meeting's chair can change this meeting.")
    return meeting


def manages(actor, meeting):
    """May the actor change this meeting (its date, people, agenda and attendance)?"""
    return actor.can(Permission.RUN_PANEL_MEETINGS) and (
        sees_everything(actor) or meeting.chair_id == actor.id)


def analyses_for(meeting):
    case_ids = [i.case_id for i in meeting.agenda]
    if not case_ids:
        return []
    return db.session.scalars(select(Analysis).where(Analysis.case_id.in_(case_ids))).all()


def has_conflict(user, case_id):
    """Has this user declared a conflict of interest in this case, at any meeting?"""
    return db.session.scalar(
        select(ConflictDeclaration.id).where(ConflictDeclaration.user_id == user.id,
                                             ConflictDeclaration.case_id == case_id).limit(1)
    ) is not None


# --- meetings --------------------------------------------------------------------------------

def _users(ids, allowed, message):
    by_id = {str(u.id): u for u in allowed}
    chosen = []
    for user_id in ids or []:
        if str(user_id) not in by_id:
            raise ValidationError(message)
        chosen.append(by_id[str(user_id)])
    return chosen


def _next_pseudonym(meeting):
    taken = {i.pseudonym for i in meeting.agenda}
    letters = list(string.ascii_uppercase)
    names = [f"Child {a}" for a in letters] + [f"Child {a}{b}" for a in letters for b in letters]
    return next(n for n in names if n not in taken)


def _apply_meeting(actor, meeting, meets_on, chair_id, member_ids, case_ids):
    if meets_on is None:
        raise ValidationError("Enter the date of the meeting")
    chair = _users([chair_id], chairs(), "Select the chair from the panel chairs")[0]
    members = _users(member_ids, panel_users(), "Select members from the panel")
    if not sees_everything(actor) and actor.id not in {chair.id, *(m.id for m in members)}:
        raise ValidationError("You must chair or be a member of a meeting you arrange")
    allowed_cases = {str(c.id): c for c in ready_cases(meeting if meeting.id else None)}
    cases = []
    for case_id in case_ids or []:
        if str(case_id) not in allowed_cases:
            raise ValidationError("Select cases that are ready for panel")
        cases.append(allowed_cases[str(case_id)])

    meeting.meets_on = meets_on
    meeting.chair_id = chair.id
    wanted = {m.id for m in members if m.id != chair.id}
    for membership in list(meeting.members):
        if membership.user_id not in wanted:
            meeting.members.remove(membership)
    have = {m.user_id for m in meeting.members}
    for user_id in wanted - have:
        meeting.members.append(PanelMembership(user_id=user_id))

    wanted_cases = {c.id for c in cases}
    for item in list(meeting.agenda):
        if item.case_id not in wanted_cases:
            signed = db.session.scalar(select(Analysis.id).where(
                Analysis.case_id == item.case_id, Analysis.meeting_id == meeting.id,
                Analysis.status == AnalysisStatus.SIGNED_OFF))
            if signed:
                raise ValidationError(f"{item.case.case_ref} was signed off at this meeting "
                                      f"and cannot leave its agenda")
            meeting.agenda.remove(item)
    on_agenda = {i.case_id for i in meeting.agenda}
    position = max((i.position for i in meeting.agenda), default=-1)
    for case in cases:
        if case.id not in on_agenda:
            position += 1
            meeting.agenda.append(AgendaItem(case_id=case.id, position=position,
                                             pseudonym=_next_pseudonym(meeting)))
    return {"members": len(wanted), "cases": len(meeting.agenda)}


def create_meeting(actor, meets_on, chair_id, member_ids, case_ids):
    """Arrange a meeting: date, chair, invited members and an agenda of ready cases."""
    meeting = PanelMeeting(created_by_id=actor.id)
    detail = _apply_meeting(actor, meeting, meets_on, chair_id, member_ids, case_ids)
    db.session.add(meeting)
    db.session.flush()
    audit.record(AuditEvent.PANEL_MEETING_CREATED, actor=actor, target=meeting, detail=detail)
    db.session.commit()
    return meeting


def update_meeting(actor, meeting_id, version, meets_on, chair_id, member_ids, case_ids):
    meeting = _managed_meeting(actor, meeting_id)
    if _int(version) != meeting.version:
        raise Conflict("Someone else changed this meeting while you were editing it. "
                       "Nothing you entered has been saved.")
    detail = _apply_meeting(actor, meeting, meets_on, chair_id, member_ids, case_ids)
    meeting.updated_at = utcnow()
    audit.record(AuditEvent.PANEL_MEETING_UPDATED, actor=actor, target=meeting, detail=detail)
    _commit()
    return meeting


def record_attendance(actor, meeting_id, attended_ids):
    """Record who attended, out of those invited (the chair always counts as present)."""
    meeting = _managed_meeting(actor, meeting_id)
    attended = {str(i) for i in attended_ids or []}
    for membership in meeting.members:
        membership.attended = str(membership.user_id) in attended
    audit.record(AuditEvent.PANEL_ATTENDANCE_RECORDED, actor=actor, target=meeting,
                 detail={"attended": sum(1 for m in meeting.members if m.attended),
                         "invited": len(meeting.members)})
    db.session.commit()


def declare_conflicts(actor, meeting_id, case_ids, details=None):
    """The actor's conflicts of interest in this meeting's cases: ticked ones declared,
    unticked ones withdrawn."""
    meeting = get_meeting(actor, meeting_id)
    if not meeting.includes(actor):
        raise Forbidden("Only the meeting's chair and members declare conflicts of interest.")
    agenda = {str(i.case_id): i for i in meeting.agenda}
    wanted = set()
    for case_id in case_ids or []:
        if str(case_id) not in agenda:
            raise ValidationError("Select cases on this meeting's agenda")
        wanted.add(str(case_id))
    mine = {str(c.case_id): c for c in meeting.conflicts if c.user_id == actor.id}
    for case_id in wanted - set(mine):
        declaration = ConflictDeclaration(meeting_id=meeting.id, case_id=agenda[case_id].case_id,
                                          user_id=actor.id)
        declaration.details = (details or "").strip() or None
        meeting.conflicts.append(declaration)
        audit.record(AuditEvent.CONFLICT_DECLARED, actor=actor, target=agenda[case_id].case,
                     detail={"meeting": str(meeting.id)})
    for case_id in set(mine) - wanted:
        meeting.conflicts.remove(mine[case_id])
        audit.record(AuditEvent.CONFLICT_WITHDRAWN, actor=actor, target=agenda[case_id].case,
                     detail={"meeting": str(meeting.id)})
    db.session.commit()


# --- what a member sees ----------------------------------------------------------------------

@dataclass
class PanelCase:
    """One case as the panel meets it at one meeting."""

    meeting: PanelMeeting
    item: AgendaItem
    case: Case
    analysis: Analysis | None
    conflicted: bool
    grant: BreakGlassGrant | None = None

    @property
    def pseudonym(self):
        return self.item.pseudonym


def get_panel_case(actor, meeting_id, case_id):
    """A case on the agenda of a meeting the actor belongs to; 404 otherwise."""
    meeting = get_meeting(actor, meeting_id)
    item = meeting.item_for(case_id)
    if item is None:
        raise NotFound()
    analysis = db.session.scalar(select(Analysis).where(Analysis.case_id == case_id))
    return PanelCase(meeting, item, item.case, analysis, has_conflict(actor, case_id),
                     active_grant(actor, case_id))


def identifiers_of(case, pseudonym):
    """Everything in the case record that could identify the child or the family."""
    family = [(Relationship.label_of(m.relation, "family member").lower(), m.name)
              for m in case.family_members]
    if case.notifier_name:
        family.append(("notifier", case.notifier_name))
    family += [("agency contact", r.contact_name) for r in case.agency_reports if r.contact_name]
    dates = [d for d in (case.date_of_birth, case.date_of_death, case.notified_on,
                         case.jar_meeting_on, case.post_mortem_on, case.review_meeting_on,
                         case.inquest_opened_on, case.inquest_concluded_on,
                         case.criminal_proceedings_concluded_on)
             if d]
    other = [v for v in (case.notifier_contact, *_time_forms(case.time_of_death),
                         *(r.contact_email for r in case.agency_reports)) if v]
    return Identifiers(
        pseudonym=pseudonym, forename=case.forename, surname=case.surname,
        other_names=list(case.other_names or []), family=family,
        places=[p for p in (case.address, case.school, case.gp_practice,
                            case.place_of_death_name, case.notifier_agency) if p],
        postcode=case.postcode, nhs_number=case.nhs_number, dates=dates, other=other)


def _time_forms(hh_mm):
    """The ways a person might write the time of death: 14:30, 14.30, 2:30pm, 2.30 pm ..."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", (hh_mm or "").strip())
    if not match:
        return [hh_mm] if hh_mm else []
    hour, minute = int(match[1]), match[2]
    twelve, half = hour % 12 or 12, "am" if hour < 12 else "pm"
    forms = {f"{hour:02d}:{minute}", f"{hour}:{minute}", f"{hour:02d}.{minute}",
             f"{hour}.{minute}"}
    for sep in ":.":
        forms |= {f"{twelve}{sep}{minute}{half}", f"{twelve}{sep}{minute} {half}"}
    # Longest first, so "2.30 pm" goes whole before "2.30" could be left with a stray "pm".
    return sorted(forms, key=len, reverse=True)


def age_text(date_of_birth, date_of_death):
    """Age at death in months (under two) or years, never exact days."""
    months = ((date_of_death.year - date_of_birth.year) * 12
              + date_of_death.month - date_of_birth.month
              - (date_of_death.day < date_of_birth.day))
    if months < 1:
        return "Under 1 month"
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12} years"


@dataclass
class PseudonymisedCase:
    """What a panel member reads: codes in clear, narrative with names and identifiers out."""

    pseudonym: str
    case_ref: str
    age_band: str
    age: str
    sex: str
    expectation: str
    place_type: str
    circumstances: str | None
    reports: list = field(default_factory=list)  # (agency label, status label, summary)


def pseudonymised(case, pseudonym):
    clean = Pseudonymiser(identifiers_of(case, pseudonym))
    reports = [(AgencyType.label_of(r.agency_type, r.agency_type),
                AgencyReportStatus.label_of(r.status, r.status), clean(r.summary))
               for r in case.agency_reports if r.status == AgencyReportStatus.RECEIVED]
    return PseudonymisedCase(
        pseudonym=pseudonym, case_ref=case.case_ref,
        age_band=AgeBand.label_of(case.age_band, case.age_band),
        age=age_text(case.date_of_birth, case.date_of_death),
        sex=Sex.label_of(case.sex, case.sex),
        expectation=DeathExpectation.label_of(case.death_expectation, "Not yet known"),
        place_type=PlaceType.label_of(case.place_type, "Not recorded"),
        circumstances=clean(case.circumstances), reports=reports)


def view_panel_case(actor, meeting_id, case_id):
    """The case page: pseudonymised for members, identifiable for the coordinator or under an
    active break-glass grant. One audit row per view."""
    panel_case = get_panel_case(actor, meeting_id, case_id)
    identifiable = sees_everything(actor) or panel_case.grant is not None
    audit.record(AuditEvent.PANEL_CASE_VIEWED, actor=actor, target=panel_case.case,
                 detail={"meeting": str(meeting_id), "identifiable": identifiable,
                         "break_glass": str(panel_case.grant.id) if panel_case.grant else None})
    db.session.commit()
    return panel_case, pseudonymised(panel_case.case, panel_case.pseudonym), identifiable


def download_pack(actor, meeting_id):
    """The meeting's panel pack: every agenda case pseudonymised; each download audited."""
    meeting = get_meeting(actor, meeting_id)
    cases = [pseudonymised(item.case, item.pseudonym) for item in meeting.agenda]
    # Against the meeting, naming each case so that case's access report lists it.
    audit.record(AuditEvent.PANEL_PACK_DOWNLOADED, actor=actor, target=meeting,
                 detail={"cases": len(cases),
                         "case_ids": [str(item.case.id) for item in meeting.agenda]})
    db.session.commit()
    return meeting, cases


# --- break-glass -----------------------------------------------------------------------------

def _check_reason(reason, what):
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(f"Enter the reason {what}")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"The reason must be {MAX_REASON} characters or fewer")
    if _NHS_NUMBER_LIKE.search(reason):
        raise ValidationError("Do not include an NHS number or other long number in the reason")
    return reason


def active_grant(actor, case_id, now=None):
    now = now or utcnow()
    return db.session.scalar(
        select(BreakGlassGrant).where(BreakGlassGrant.user_id == actor.id,
                                      BreakGlassGrant.case_id == case_id,
                                      BreakGlassGrant.expires_at > now)
        .order_by(BreakGlassGrant.expires_at.desc()).limit(1))


def break_glass(actor, meeting_id, case_id, reason):
    """Open one case's identifiable record for a limited time, with the reason audited."""
    panel_case = get_panel_case(actor, meeting_id, case_id)
    if not panel_case.meeting.includes(actor):
        raise NotFound()
    return _open_grant(actor, panel_case.case, reason, meeting_id=panel_case.meeting.id)


def linked_case(actor, review, case_id):
    """The CDOP case a serious case review links to, for someone who manages reviews: their
    need to know. Any other case, or anyone else, is not found."""
    if not actor.can(Permission.MANAGE_SCR) or review.cdop_case_id != case_id:
        raise NotFound()
    return review.cdop_case


def break_glass_from_review(actor, review, case_id, reason):
    """The board manager's break-glass to the case their review links to: the same reason
    rules, time limit, audit event and alert as a panel member's, naming the review."""
    return _open_grant(actor, linked_case(actor, review, case_id), reason, review_id=review.id)


def active_review_grant(actor, review, case_id, now=None):
    """The actor's unexpired grant to this case from this review, or None."""
    return db.session.scalar(
        select(BreakGlassGrant).where(BreakGlassGrant.user_id == actor.id,
                                      BreakGlassGrant.case_id == case_id,
                                      BreakGlassGrant.review_id == review.id,
                                      BreakGlassGrant.expires_at > (now or utcnow()))
        .order_by(BreakGlassGrant.expires_at.desc()).limit(1))


def _open_grant(actor, case, reason, **source):
    """A grant from one source (meeting_id= or review_id=) and its audit row, in one commit."""
    reason = _check_reason(reason, "you need the identifiable record")
    minutes = current_app.config["BREAK_GLASS_MINUTES"]
    now = utcnow()
    grant = BreakGlassGrant(user_id=actor.id, case_id=case.id, granted_at=now,
                            expires_at=now + timedelta(minutes=minutes), **source)
    grant.reason = reason
    db.session.add(grant)
    db.session.flush()
    # The reason stays encrypted in the grant, which the row names.
    where = ({"meeting": str(grant.meeting_id)} if grant.meeting_id
             else {"review": str(grant.review_id)})
    audit.record(AuditEvent.BREAK_GLASS_GRANTED, actor=actor, target=case,
                 detail={**where, "grant": str(grant.id), "minutes": minutes})
    db.session.commit()
    return grant


def recent_grants(days=ALERT_DAYS):
    since = utcnow() - timedelta(days=days)
    return db.session.scalars(
        select(BreakGlassGrant).where(BreakGlassGrant.granted_at >= since)
        .order_by(BreakGlassGrant.granted_at.desc())).all()


@dataclass
class GrantsSummary:
    """How many break-glass grants there were lately, and when the latest was: no case, no
    person, no reason, so the home page can show it without an audit row."""

    count: int
    latest: datetime
    days: int


def break_glass_summary(actor, days=ALERT_DAYS):
    """The home page alert for those who follow break-glass access; None when there is none."""
    if not actor.can(Permission.VIEW_BREAK_GLASS_ALERTS):
        return None
    since = utcnow() - timedelta(days=days)
    count, latest = db.session.execute(
        select(func.count(BreakGlassGrant.id), func.max(BreakGlassGrant.granted_at))
        .where(BreakGlassGrant.granted_at >= since)).one()
    return GrantsSummary(count, latest, days) if count else None


def list_break_glass_alerts(actor):
    grants = recent_grants()
    audit.record(AuditEvent.BREAK_GLASS_ALERTS_VIEWED, actor=actor,
                 detail={"page": "alerts", "shown": len(grants)})
    db.session.commit()
    return grants


# --- the analysis ----------------------------------------------------------------------------

def themes():
    return db.session.scalars(select(FactorTheme).where(FactorTheme.active.is_(True))
                              .order_by(FactorTheme.position)).all()


@dataclass
class Derived:
    grades: dict
    derived: str
    final: str
    only_grade_0: list

    @property
    def grade_rows(self):
        return [(Domain(d).label, g) for d, g in self.grades.items()]


def derive(analysis):
    """Domain grades, the derived outcome and the outcome that counts (override first)."""
    factors = [outcome.FactorGrade(f.domain, f.grade, f.modifiable)
               for f in (analysis.factors if analysis else [])]
    insufficient = bool(analysis and analysis.insufficient_information)
    derived = outcome.derived_outcome(factors, insufficient)
    final = (analysis.override_outcome if analysis and analysis.override_outcome else derived)
    return Derived(outcome.domain_grades(factors), derived, final,
                   outcome.domains_with_only_grade_0(factors))


def view_analysis(actor, meeting_id, case_id):
    """The analysis page (it shows narrative): one audit row per view."""
    panel_case = get_panel_case(actor, meeting_id, case_id)
    audit.record(AuditEvent.ANALYSIS_VIEWED, actor=actor, target=panel_case.case,
                 detail={"meeting": str(meeting_id)})
    db.session.commit()
    return panel_case


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _commit():
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise Conflict(STALE_MESSAGE) from exc


def _editable(actor, meeting_id, case_id, version, chair_only=False):
    """The analysis the actor may change now, created as a draft on first change."""
    panel_case = get_panel_case(actor, meeting_id, case_id)
    if panel_case.conflicted:
        audit.record(AuditEvent.ANALYSIS_REFUSED, actor=actor, target=panel_case.case,
                     outcome="refused", detail={"why": "conflict_of_interest"})
        db.session.commit()
        raise Forbidden(CONFLICT_MESSAGE)
    if chair_only and not (actor.can(Permission.SIGN_OFF_REVIEW)
                           and panel_case.meeting.includes(actor)):
        raise Forbidden("Only the panel chair at this meeting can do this.")
    analysis = panel_case.analysis
    if _int(version) != (analysis.version if analysis else 0):
        raise Conflict(STALE_MESSAGE)
    if analysis is None:
        if panel_case.case.status != CaseStatus.READY_FOR_PANEL:
            raise ValidationError("Only a case that is ready for panel can be analysed")
        analysis = Analysis(case_id=panel_case.case.id, status=AnalysisStatus.DRAFT)
        db.session.add(analysis)
        panel_case.analysis = analysis
    if analysis.is_locked and not chair_only:
        raise Forbidden("This review has been signed off, so the analysis is locked. "
                        "The chair must re-open it before anything can change.")
    return panel_case, analysis


def _touch(analysis):
    """Any change to the analysis or its parts moves its version on (optimistic locking)."""
    analysis.updated_at = utcnow()


def _changed(actor, panel_case, analysis, **detail):
    _touch(analysis)
    audit.record(AuditEvent.ANALYSIS_UPDATED, actor=actor, target=panel_case.case,
                 detail={"meeting": str(panel_case.meeting.id), **detail})
    _commit()


def save_analysis(actor, meeting_id, case_id, version, category=None, event=None,
                  insufficient_information=False, refer_for_scr=None, learning_points=None):
    """Save the draft: category, event, the panel's view on missing information, SCR referral
    and learning points. Any of them may still be empty."""
    if category not in (None, ""):
        category = int(category)
        if category not in CATEGORIES:
            raise ValidationError("Select the category of death")
    else:
        category = None
    if event:
        Event(event)
    panel_case, analysis = _editable(actor, meeting_id, case_id, version)
    values = {"category": category, "event": event or None,
              "insufficient_information": bool(insufficient_information),
              "refer_for_scr": refer_for_scr,
              "learning_points": (learning_points or "").strip() or None}
    changed = [name for name, value in values.items() if getattr(analysis, name) != value]
    for name in changed:
        setattr(analysis, name, values[name])
    _changed(actor, panel_case, analysis, fields=changed)
    return analysis


def add_factor(actor, meeting_id, case_id, version, domain, theme_code, grade, modifiable,
               description):
    Domain(domain)
    grade = int(grade)
    if grade not in (0, 1, 2):
        raise ValidationError("Select the grade")
    if modifiable and grade != 2:
        raise ValidationError("Only a factor graded 2 (may have contributed) can be modifiable")
    theme = db.session.get(FactorTheme, theme_code)
    if theme is None or not theme.active:
        raise ValidationError("Select a theme")
    if not (description or "").strip():
        raise ValidationError("Describe the factor")
    panel_case, analysis = _editable(actor, meeting_id, case_id, version)
    factor = AnalysisFactor(domain=domain, grade=grade, modifiable=bool(modifiable),
                            theme_code=theme.code,
                            position=max((f.position for f in analysis.factors), default=-1) + 1)
    factor.description = description.strip()
    analysis.factors.append(factor)
    _changed(actor, panel_case, analysis, factor_added=str(factor.id), domain=domain,
             grade=grade, theme=theme.code)
    return factor


def remove_factor(actor, meeting_id, case_id, version, factor_id):
    panel_case, analysis = _editable(actor, meeting_id, case_id, version)
    factor = next((f for f in analysis.factors if f.id == factor_id), None)
    if factor is None:
        raise NotFound()
    analysis.factors.remove(factor)
    _changed(actor, panel_case, analysis, factor_removed=str(factor_id))


def add_recommendation(actor, meeting_id, case_id, version, text, owner_agency, due_on):
    """A recommendation, tracked as an action owned by an agency with a due date."""
    if not (text or "").strip():
        raise ValidationError("Enter the recommendation")
    if not (owner_agency or "").strip():
        raise ValidationError("Enter the agency that owns the action")
    if due_on is None:
        raise ValidationError("Enter the due date")
    panel_case, analysis = _editable(actor, meeting_id, case_id, version)
    recommendation = PanelRecommendation(
        owner_agency=owner_agency.strip(), due_on=due_on,
        position=max((r.position for r in analysis.recommendations), default=-1) + 1)
    recommendation.text = text.strip()
    analysis.recommendations.append(recommendation)
    _changed(actor, panel_case, analysis, recommendation_added=str(recommendation.id))
    return recommendation


def remove_recommendation(actor, meeting_id, case_id, version, recommendation_id):
    panel_case, analysis = _editable(actor, meeting_id, case_id, version)
    recommendation = next((r for r in analysis.recommendations if r.id == recommendation_id),
                          None)
    if recommendation is None:
        raise NotFound()
    analysis.recommendations.remove(recommendation)
    _changed(actor, panel_case, analysis, recommendation_removed=str(recommendation_id))


def override_outcome(actor, meeting_id, case_id, version, new_outcome, reason):
    """The chair sets (or clears) an outcome other than the derived one, with a reason."""
    if new_outcome:
        Modifiable(new_outcome)
        reason = _check_reason(reason, "for overriding the outcome")
    panel_case, analysis = _editable(actor, meeting_id, case_id, version, chair_only=True)
    if analysis.is_locked:
        raise Forbidden("This review has been signed off: re-open it to change the outcome.")
    analysis.override_outcome = new_outcome or None
    analysis.override_reason = reason if new_outcome else None
    analysis.override_by_id = actor.id if new_outcome else None
    _touch(analysis)
    audit.record(AuditEvent.OUTCOME_OVERRIDDEN, actor=actor, target=panel_case.case,
                 detail={"meeting": str(panel_case.meeting.id), "to": new_outcome or None,
                         "derived": derive(analysis).derived, "analysis": str(analysis.id)})
    _commit()


def _track_recommendations(actor, analysis, case):
    """Each recommendation becomes an action in the shared tracker (once, even after re-opening).

    The objects are built here rather than through the action services, which commit on their
    own: sign-off must stay one transaction.
    """
    untracked = [r for r in analysis.recommendations if r.action_id is None]
    if not untracked:
        return
    plan = action_services.ensure_plan("cdop_case", case.id, case.case_ref)
    number = max((r.number for r in plan.recommendations), default=0)
    for panel_recommendation in untracked:
        number += 1
        recommendation = Recommendation(plan=plan, number=number)
        recommendation.text = panel_recommendation.text
        action = Action(recommendation=recommendation, number=1,
                        agency_name=panel_recommendation.owner_agency,
                        agency_type=ActionAgencyType.OTHER.value,
                        owner_name=panel_recommendation.owner_agency,
                        due_on=panel_recommendation.due_on,
                        status=ActionStatus.NOT_STARTED.value)
        action.description = panel_recommendation.text
        action.expected_evidence = "Evidence that the agency has carried out the recommendation"
        db.session.add_all([recommendation, action])
        panel_recommendation.action_id = action.id
        audit.record(AuditEvent.ACTION_ADDED, actor=actor, target=action,
                     detail={"source_type": "cdop_case", "source_id": str(case.id),
                             "label": f"{number}.1"})


def sign_off_review(actor, meeting_id, case_id, version, completed_on):
    """The chair completes the review: the date counts in statistics, the case becomes
    reviewed with its category, outcome and event, and the analysis is locked."""
    panel_case, analysis = _editable(actor, meeting_id, case_id, version, chair_only=True)
    if analysis.is_locked:
        raise Forbidden("This review is already signed off.")
    problems = []
    if analysis.category is None:
        problems.append("Select the category of death")
    if not analysis.event:
        problems.append("Select the event leading to death")
    if analysis.refer_for_scr is None:
        problems.append("Say whether to refer the case for serious case review consideration")
    if completed_on is None:
        problems.append("Enter the date the panel completed the review")
    elif completed_on > today():
        problems.append("The date the review was completed must be today or in the past")
    if panel_case.case.status != CaseStatus.READY_FOR_PANEL:
        problems.append("Only a case that is ready for panel can be signed off")
    if problems:
        raise ValidationError(". ".join(problems))
    final = derive(analysis).final
    case = panel_case.case
    analysis.status = AnalysisStatus.SIGNED_OFF.value
    analysis.meeting_id = panel_case.meeting.id
    analysis.signed_off_by_id = actor.id
    analysis.signed_off_at = utcnow()
    analysis.review_completed_on = completed_on
    analysis.sign_offs.append(ReviewSignOff(
        meeting_id=panel_case.meeting.id, signed_off_by_id=actor.id,
        review_completed_on=completed_on, category=analysis.category, modifiable=final,
        event=analysis.event))
    if analysis.refer_for_scr and case.scr_referred_on is None:
        case.scr_referred_on = completed_on
    _track_recommendations(actor, analysis, case)
    _touch(analysis)
    audit.record(AuditEvent.REVIEW_SIGNED_OFF, actor=actor, target=case,
                 detail={"meeting": str(panel_case.meeting.id), "category": analysis.category,
                         "modifiable": final, "event": analysis.event,
                         "completed_on": completed_on.isoformat(),
                         "refer_for_scr": analysis.refer_for_scr})
    try:
        # Moves the case to `reviewed` with the clear columns statistics count, and commits.
        case_services.mark_reviewed(actor, case, analysis.category, final, analysis.event,
                                    completed_on)
    except Conflict as exc:
        raise Conflict(STALE_MESSAGE) from exc


def reopen_review(actor, meeting_id, case_id, version, reason):
    """The chair re-opens a signed-off review, with a reason: the case is ready for panel
    again and no longer counts as completed until it is signed off again."""
    reason = _check_reason(reason, "for re-opening the review")
    panel_case, analysis = _editable(actor, meeting_id, case_id, version, chair_only=True)
    case = panel_case.case
    if not analysis.is_locked:
        raise ValidationError("This review is not signed off")
    if case.status != CaseStatus.REVIEWED:
        raise ValidationError(f"A case that is {CaseStatus(case.status).label.lower()} cannot "
                              f"be re-opened")
    latest = analysis.sign_offs[-1] if analysis.sign_offs else None
    if latest is not None:
        latest.reopened_by_id, latest.reopened_at = actor.id, utcnow()
        latest.reopen_reason = reason
    analysis.status = AnalysisStatus.DRAFT.value
    analysis.signed_off_by_id = analysis.signed_off_at = analysis.review_completed_on = None
    # The cases status machine has no way back from `reviewed`: re-opening is the panel's.
    case.status = CaseStatus.READY_FOR_PANEL.value
    case.set_review_outcome(None, None, None, None)
    _touch(analysis)
    audit.record(AuditEvent.REVIEW_REOPENED, actor=actor, target=case,
                 detail={"meeting": str(panel_case.meeting.id),
                         "sign_off": str(latest.id) if latest is not None else None})
    audit.record(AuditEvent.CASE_STATUS_CHANGED, actor=actor, target=case,
                 detail={"from": CaseStatus.REVIEWED.value,
                         "to": CaseStatus.READY_FOR_PANEL.value, "reason": "review_reopened"})
    _commit()


def latest_sign_off(case_id):
    """The sign-off that counts in statistics (the latest not re-opened), or None."""
    return db.session.scalar(
        select(ReviewSignOff).join(Analysis).where(Analysis.case_id == case_id,
                                                   ReviewSignOff.reopened_at.is_(None))
        .order_by(ReviewSignOff.signed_off_at.desc()).limit(1))


def datetime_label(value):
    return value.strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm") \
        if isinstance(value, datetime) else ""


def date_label(value):
    return value.strftime("%-d %B %Y") if isinstance(value, date) else ""
