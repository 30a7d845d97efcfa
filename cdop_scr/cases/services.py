"""Child death cases: notify, edit, move through the status machine, agency reports, search.

Every function that changes a case checks, changes, records the audit event and commits once.
Pages that show identifiers or narrative are audited here too (one row per view).
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, any_, cast, func, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import audit
from ..audit import AuditEvent
from ..crypto.blind_index import blind_index, normalise_nhs_number, normalise_text
from ..crypto.fields import keyring
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..models.audit import AuditRecord
from ..models.cases import (
    OPEN_STATUSES,
    AgencyReportRequest,
    AgencyReportStatus,
    AgencyType,
    Case,
    CaseRefCounter,
    CaseStatus,
    DelayReason,
    Ethnicity,
    EthnicityGroup,
    FamilyMember,
    Modifiable,
    Relationship,
    WithdrawalReason,
)
from ..models.users import User
from ..reporting.dimensions import financial_years as financial_years_between
from . import rules
from .clocks import Rag, boundary_month, days_since, first_of_month, rag_for, today

PER_PAGE = 25

# The fields a notification or an edit sets, in form order (all plain values, no derived ones).
DETAIL_FIELDS = (
    "forename", "surname", "other_names", "date_of_birth", "sex", "ethnicity", "nhs_number",
    "nhs_number_unavailable_reason", "address", "postcode", "local_authority", "resident",
    "gp_practice", "school", "date_of_death", "time_of_death", "place_type",
    "place_of_death_name", "death_expectation", "circumstances", "notifier_name",
    "notifier_role", "notifier_agency", "notifier_contact", "notified_on",
)
KEY_DATE_FIELDS = (
    "jar_meeting_on", "post_mortem_on", "review_meeting_on", "inquest_opened_on",
    "inquest_concluded_on", "criminal_proceedings", "criminal_proceedings_concluded_on",
    "scr_referred_on",
)

# The status machine. `reviewed` is reached only through mark_reviewed (panel sign-off) and
# `withdrawn` only through withdraw_case (it needs a reason).
TRANSITIONS = {
    CaseStatus.NOTIFIED: {CaseStatus.GATHERING_INFORMATION, CaseStatus.WITHDRAWN},
    CaseStatus.GATHERING_INFORMATION: {CaseStatus.READY_FOR_PANEL, CaseStatus.WITHDRAWN},
    CaseStatus.READY_FOR_PANEL: {CaseStatus.GATHERING_INFORMATION, CaseStatus.REVIEWED,
                                 CaseStatus.WITHDRAWN},
    CaseStatus.REVIEWED: {CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),
    CaseStatus.WITHDRAWN: set(),
}
COORDINATOR_MOVES = (CaseStatus.GATHERING_INFORMATION, CaseStatus.READY_FOR_PANEL,
                     CaseStatus.CLOSED)


class PossibleDuplicate(Exception):
    """A notification matches existing cases; the coordinator decides what to do."""

    def __init__(self, matches):
        super().__init__("possible duplicate")
        self.matches = matches


# --- reading -------------------------------------------------------------------------------

def get_case(case_id):
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound()
    return case


def get_report(case, report_id):
    report = db.session.get(AgencyReportRequest, report_id)
    if report is None or report.case_id != case.id:
        raise NotFound()
    return report


def record_case_viewed(actor, case, page):
    """Audit one view of a page showing this case's identifiers or narrative."""
    audit.record(AuditEvent.CASE_VIEWED, actor=actor, target=case, detail={"page": page})
    db.session.commit()


def view_case(actor, case_id):
    """The case record page: the case, its clock and chronology; the view is audited."""
    case = get_case(case_id)
    record_case_viewed(actor, case, "case")
    return case


def view_agency_report(actor, case, report):
    audit.record(AuditEvent.AGENCY_REPORT_VIEWED, actor=actor, target=case,
                 detail={"report": str(report.id), "agency": report.agency_type})
    db.session.commit()
    return report


@dataclass
class Clock:
    """Days since death and the timeliness flag, worked out from the exact date of death;
    and days open (since the notification), the clear date the case list sorts by."""

    days: int
    rag: Rag | None  # None once the review is complete, or the case is withdrawn
    needs_delay_reason: bool
    days_open: int = 0

    @property
    def label(self):
        return self.rag.label if self.rag else None


def clock_for(case, on=None):
    on = on or today()
    days, days_open = days_since(case.date_of_death, on), days_since(case.notified_on, on)
    if not case.is_open:
        return Clock(days, None, False, days_open)
    rag = rag_for(case.date_of_death, on)
    return Clock(days, rag, rag == Rag.RED and not case.delay_reason, days_open)


# --- the case list -------------------------------------------------------------------------

# The list's clock filter beyond the three flags: open over 12 months and no reason for delay
# recorded yet, the cases the coordinator must chase.
RED_WITHOUT_DELAY_REASON = "red_no_reason"


@dataclass
class CaseFilters:
    status: str | None = None
    death_expectation: str | None = None
    financial_year: str | None = None
    rag: str | None = None  # a Rag value, or RED_WITHOUT_DELAY_REASON
    awaiting_reports: str | None = None  # "any" outstanding, or "overdue"
    sort: str = "days_open"

    def codes(self):
        return {k: v for k, v in vars(self).items() if v}


def _rag_condition(rag):
    """Cases whose open-review flag is `rag`, decided exactly while decrypting only the
    dates of death in the two boundary months."""
    rag = Rag(rag)
    amber_month, red_month = boundary_month(6), boundary_month(12)
    open_case = Case.status.in_(OPEN_STATUSES)
    # Only the dates are read (hundreds of rows in a busy month), not whole cases.
    dates = Case.date_of_death
    on_boundary = db.session.execute(
        select(Case.id, dates.stored_column(Case))
        .where(open_case, Case.month_of_death.in_([amber_month, red_month]))
    ).all()
    exact = [case_id for case_id, stored in on_boundary
             if rag_for(dates.plaintext_of(Case, case_id, stored)) == rag]
    if rag == Rag.RED:
        definite = Case.month_of_death < red_month
    elif rag == Rag.AMBER:
        definite = and_(Case.month_of_death < amber_month, Case.month_of_death > red_month)
    else:
        definite = Case.month_of_death > amber_month
    # Two indexed reads (open statuses by month, and the boundary cases by id), not a scan.
    return or_(and_(open_case, definite), Case.id.in_(exact))


def _outstanding(overdue=False):
    """Cases with a report still awaited: found from the reports' status index, not by testing
    every case in turn (a correlated EXISTS scans the whole case table)."""
    condition = AgencyReportRequest.status == AgencyReportStatus.REQUESTED
    if overdue:
        condition = and_(condition, AgencyReportRequest.due_on < today())
    if _on_postgresql():
        return _read_first(AgencyReportRequest.case_id, condition)
    return Case.id.in_(select(AgencyReportRequest.case_id).where(condition))


def _on_postgresql():
    return db.session.get_bind().dialect.name == "postgresql"


def _read_first(column, condition):
    """Cases whose id is a `column` value of the rows matching `condition`, on PostgreSQL.

    With IN (or the condition itself) PostgreSQL may walk the case list in list order testing
    each case, expecting a page of matches soon; but awaited reports and open clocks belong to
    the newest cases, so it reads nearly all of them. = ANY(array) reads the matching ids first
    (one index scan), then only their cases."""
    found = select(func.array_agg(column)).where(condition).scalar_subquery()
    return Case.id == any_(cast(found, ARRAY(Case.id.type)))


def _filtered(filters):
    query = select(Case)
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.death_expectation:
        query = query.where(Case.death_expectation == filters.death_expectation)
    if filters.financial_year:
        query = query.where(Case.financial_year_of_death == filters.financial_year)
    if filters.rag:
        if filters.rag == RED_WITHOUT_DELAY_REASON:
            condition = and_(_rag_condition(Rag.RED), Case.delay_reason.is_(None))
        else:
            condition = _rag_condition(filters.rag)
        query = query.where(_read_first(Case.id, condition) if _on_postgresql() else condition)
    if filters.awaiting_reports:
        query = query.where(_outstanding(overdue=filters.awaiting_reports == "overdue"))
    if filters.sort == "newest":
        return query.order_by(Case.notified_on.desc(), Case.case_ref.desc())
    # Days open, longest first: counted from the notification, the clear date the list's
    # indexes are ordered by (the date of death is encrypted, so it cannot be sorted in SQL).
    # The list shows this count as "Days open", beside days since death.
    return query.order_by(Case.notified_on, Case.case_ref)


def _rows(cases):
    """(case, clock, reports awaited) for each case, read in full now.

    The awaited reports are counted in one query for the page, not loaded. A commit that would
    expire the rows (a POST's audit commit; a read-only request keeps what it loaded) finds them
    detached, so it does not cost a refresh per row."""
    ids = [case.id for case in cases]
    awaited = dict(db.session.execute(
        select(AgencyReportRequest.case_id, func.count())
        .where(AgencyReportRequest.case_id.in_(ids),
               AgencyReportRequest.status == AgencyReportStatus.REQUESTED)
        .group_by(AgencyReportRequest.case_id)
    ).all()) if ids else {}
    rows = [(case, clock_for(case), awaited.get(case.id, 0)) for case in cases]
    if db.session().expire_on_commit:
        for case in cases:
            db.session.expunge(case)
    return rows


def list_cases(actor, filters, page=1):
    """A page of cases with their clocks; the view is audited (the list shows names)."""
    pagination = db.paginate(_filtered(filters), page=page, per_page=PER_PAGE, error_out=False,
                             count=True)
    rows = _rows(pagination.items)
    audit.record(AuditEvent.CASE_LIST_VIEWED, actor=actor,
                 detail={"filters": filters.codes(), "page": page, "shown": len(rows)})
    db.session.commit()
    return pagination, rows


def financial_years():
    """Every financial year from the earliest death on record to the latest, newest first.

    Two index lookups (the list asks on every view): SELECT DISTINCT would read the whole
    index on PostgreSQL."""
    year = Case.financial_year_of_death
    first, last = db.session.execute(select(select(func.min(year)).scalar_subquery(),
                                            select(func.max(year)).scalar_subquery())).one()
    return list(reversed(financial_years_between(first, last))) if first else []


def search_cases(actor, case_ref=None, nhs_number=None, surname=None, date_of_birth=None):
    """Exact search by case reference, NHS number, or surname and date of birth (blind index)."""
    if case_ref:
        by, condition = "case_ref", Case.case_ref == normalise_case_ref(case_ref)
    elif nhs_number:
        by = "nhs_number"
        condition = Case.nhs_number_index == blind_index("nhs_number", nhs_number)
    elif surname and date_of_birth:
        by = "surname_dob"
        condition = Case.surname_dob_index == blind_index("surname_dob", surname, date_of_birth)
    else:
        raise ValidationError("Enter a case reference, an NHS number, or a surname and date "
                              "of birth")
    cases = db.session.scalars(select(Case).where(condition).order_by(Case.case_ref)).all()
    rows = _rows(cases)
    audit.record(AuditEvent.CASE_LIST_SEARCHED, actor=actor,
                 detail={"by": by, "results": len(cases)})
    db.session.commit()
    return rows


def normalise_case_ref(value):
    return " ".join((value or "").split()).upper()


def find_duplicates(nhs_number=None, surname=None, date_of_birth=None, exclude=None):
    """Cases with the same NHS number, or the same surname and date of birth."""
    conditions = []
    if nhs_number:
        conditions.append(Case.nhs_number_index == blind_index("nhs_number", nhs_number))
    if surname and date_of_birth:
        conditions.append(
            Case.surname_dob_index == blind_index("surname_dob", surname, date_of_birth))
    if not conditions:
        return []
    query = select(Case).where(or_(*conditions)).order_by(Case.case_ref)
    if exclude is not None:
        query = query.where(Case.id != exclude.id)
    return db.session.scalars(query).all()


def duplicate_check_token(details):
    """A digest of the identifiers a duplicate check was shown for (NHS number, surname, date
    of birth): it travels in the form when the coordinator confirms a different child, so that
    the confirmation holds only for those identifiers. Keyed (HMAC under a key derived from the
    index key), so it reveals nothing and cannot be made without the key."""
    key = hmac.new(keyring().index_key, b"cdop-scr duplicate check confirmation",
                   hashlib.sha256).digest()
    dob = details.get("date_of_birth")
    parts = (normalise_nhs_number(details.get("nhs_number") or ""),
             normalise_text(details.get("surname") or ""), dob.isoformat() if dob else "")
    return hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()


def confirms_new(token, details):
    """Whether the confirmation `token` was given for exactly these identifiers."""
    return bool(token) and hmac.compare_digest(str(token).encode("utf-8"),
                                               duplicate_check_token(details).encode())


def overdue_reports(actor):
    """Agency reports past their due date and not yet received or waived, oldest first."""
    reports = db.session.scalars(
        select(AgencyReportRequest).join(Case)
        .where(AgencyReportRequest.status == AgencyReportStatus.REQUESTED,
               AgencyReportRequest.due_on < today())
        .order_by(AgencyReportRequest.due_on, Case.case_ref)
    ).all()
    audit.record(AuditEvent.OVERDUE_REPORTS_VIEWED, actor=actor, detail={"shown": len(reports)})
    db.session.commit()
    return reports


# --- case references -----------------------------------------------------------------------

CASE_REF = re.compile(r"^CDR-(\d{4})-(\d{4,})$")


def _bump_counter(year, count):
    """Reserve `count` numbers for `year`; returns the last one. Safe under concurrency:
    the UPDATE locks the year's row until commit, and a second first-of-year INSERT fails
    on the primary key and retries the UPDATE."""
    table = CaseRefCounter.__table__
    for _ in range(3):
        last = db.session.execute(
            update(table).where(table.c.year == year)
            .values(last_number=table.c.last_number + count).returning(table.c.last_number)
        ).scalar()
        if last is not None:
            return last
        try:
            with db.session.begin_nested():
                db.session.execute(table.insert().values(year=year, last_number=count))
            return count
        except IntegrityError:
            continue
    raise Conflict("Could not issue a case reference: try again.")


def allocate_case_refs(year, count):
    """`count` unused case references for `year`, like CDR-2026-0042."""
    refs = []
    while len(refs) < count:
        wanted = count - len(refs)
        last = _bump_counter(year, wanted)
        candidates = [f"CDR-{year}-{n:04d}" for n in range(last - wanted + 1, last + 1)]
        taken = set(db.session.scalars(select(Case.case_ref).where(
            Case.case_ref.in_(candidates))))
        refs.extend(ref for ref in candidates if ref not in taken)
    return refs


def note_explicit_refs(refs):
    """Move each year's counter past imported references written in our own pattern."""
    highest = {}
    for ref in refs:
        match = CASE_REF.match(ref)
        if match:
            year, number = int(match.group(1)), int(match.group(2))
            highest[year] = max(highest.get(year, 0), number)
    table = CaseRefCounter.__table__
    for year, number in highest.items():
        current = db.session.scalar(select(table.c.last_number).where(table.c.year == year))
        if current is None:
            db.session.execute(table.insert().values(year=year, last_number=number))
        elif current < number:
            db.session.execute(update(table).where(table.c.year == year)
                               .values(last_number=number))


# --- creating and editing ------------------------------------------------------------------

def apply_details(case, details):
    """Set the given fields and the clear values derived from them; returns changed names."""
    changed = []
    for name in DETAIL_FIELDS:
        if name not in details:
            continue
        value = details[name]
        if isinstance(value, str):
            value = value.strip() or None
        if name == "other_names":
            value = [n for n in (value or []) if n] or None
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    for name, value in derived_details(case.date_of_birth, case.date_of_death,
                                       case.ethnicity).items():
        setattr(case, name, value)
    return changed


def derived_details(date_of_birth, date_of_death, ethnicity):
    """The clear values kept for counting, derived from the (encrypted) dates and ethnicity."""
    return {
        "ethnicity_group": (Ethnicity(ethnicity).group if ethnicity
                            else EthnicityGroup.NOT_KNOWN).value,
        "age_in_days": (date_of_death - date_of_birth).days,
        "age_band": rules.age_band(date_of_birth, date_of_death).value,
        "financial_year_of_death": rules.financial_year(date_of_death),
        "month_of_death": first_of_month(date_of_death),
    }


def _check_details(details):
    problems = rules.check_dates(details.get("date_of_birth"), details.get("date_of_death"),
                                 details.get("notified_on"), today())
    if problems:
        raise ValidationError(next(iter(problems.values())))


def notify_death(actor, details, family=(), confirmed_new=False):
    """Record a new notification; raises PossibleDuplicate unless the coordinator confirmed."""
    _check_details(details)
    if not confirmed_new:
        matches = find_duplicates(details.get("nhs_number"), details.get("surname"),
                                  details.get("date_of_birth"))
        if matches:
            # Looking a child up by identifier is itself an access worth recording.
            audit.record(AuditEvent.CASE_LIST_SEARCHED, actor=actor,
                         detail={"by": "duplicate_check", "results": len(matches)})
            db.session.commit()
            raise PossibleDuplicate(matches)
    case = Case(status=CaseStatus.NOTIFIED)
    apply_details(case, details)
    case.case_ref = allocate_case_refs(case.notified_on.year, 1)[0]
    for position, (relation, name) in enumerate(family):
        member = FamilyMember(position=position, relation=relation)
        member.name = name
        case.family_members.append(member)
    db.session.add(case)
    db.session.flush()
    audit.record(AuditEvent.CASE_CREATED, actor=actor, target=case,
                 detail={"source": "notification", "confirmed_not_duplicate": bool(confirmed_new)})
    db.session.commit()
    return case


def _check_version(case, version):
    try:
        version = int(version)
    except (TypeError, ValueError):
        version = -1
    if version != case.version:
        raise Conflict("Someone else changed this case while you were editing it. "
                       "Nothing you entered has been saved.")


def _commit():
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise Conflict("Someone else changed this case while you were editing it. "
                       "Nothing you entered has been saved.") from exc


def update_case(actor, case, version, details):
    """Change the child's, death's and notifier's details (optimistic locking)."""
    _check_version(case, version)
    _check_details(details)
    changed = apply_details(case, details)
    if changed:
        audit.record(AuditEvent.CASE_UPDATED, actor=actor, target=case,
                     detail={"fields": changed})
    _commit()
    return changed


class KeyDateProblems(ValidationError):
    """Key dates that do not fit the case or each other: a GOV.UK message for each field."""

    def __init__(self, problems):
        super().__init__(next(iter(problems.values())))
        self.problems = problems


def update_key_dates(actor, case, version, dates):
    """Set the given key dates (the others kept), checked together against the case's dates
    of birth and death; nothing is saved while any is wrong."""
    _check_version(case, version)
    merged = {name: dates[name] if name in dates else getattr(case, name)
              for name in KEY_DATE_FIELDS}
    problems = rules.check_key_dates(merged, case.date_of_birth, case.date_of_death, today())
    if problems:
        raise KeyDateProblems(problems)
    changed = []
    for name in KEY_DATE_FIELDS:
        if name in dates and getattr(case, name) != dates[name]:
            setattr(case, name, dates[name])
            changed.append(name)
    if changed:
        audit.record(AuditEvent.CASE_UPDATED, actor=actor, target=case,
                     detail={"fields": changed})
    _commit()
    return changed


def add_family_member(actor, case, relation, name):
    Relationship(relation)
    position = max((m.position for m in case.family_members), default=-1) + 1
    member = FamilyMember(position=position, relation=relation)
    member.name = name.strip()
    case.family_members.append(member)
    db.session.flush()
    audit.record(AuditEvent.CASE_UPDATED, actor=actor, target=case,
                 detail={"family_member_added": str(member.id), "relation": relation})
    db.session.commit()
    return member


def remove_family_member(actor, case, member_id):
    member = db.session.get(FamilyMember, member_id)
    if member is None or member.case_id != case.id:
        raise NotFound()
    case.family_members.remove(member)
    audit.record(AuditEvent.CASE_UPDATED, actor=actor, target=case,
                 detail={"family_member_removed": str(member_id)})
    db.session.commit()


def record_delay_reason(actor, case, version, reason, other_text=None):
    _check_version(case, version)
    reason = DelayReason(reason)
    if reason == DelayReason.OTHER and not (other_text or "").strip():
        raise ValidationError("Describe the reason for delay")
    case.delay_reason = reason.value
    case.delay_other_text = (other_text or "").strip() if reason == DelayReason.OTHER else None
    audit.record(AuditEvent.CASE_UPDATED, actor=actor, target=case,
                 detail={"fields": ["delay_reason"], "delay_reason": reason.value})
    _commit()


# --- the status machine --------------------------------------------------------------------

def allowed_moves(case):
    """The statuses a coordinator may move this case to now (withdrawal has its own page)."""
    current = CaseStatus(case.status)
    return [s for s in COORDINATOR_MOVES if s in TRANSITIONS[current]]


def _transition(actor, case, to, detail=None):
    current = CaseStatus(case.status)
    to = CaseStatus(to)
    if to not in TRANSITIONS[current]:
        raise ValidationError(f"A case that is {current.label.lower()} cannot be moved to "
                              f"{to.label.lower()}")
    if to == CaseStatus.READY_FOR_PANEL and case.outstanding_reports:
        count = len(case.outstanding_reports)
        raise ValidationError(
            f"Every agency report must be received or waived before the case is ready for "
            f"panel: {count} {'is' if count == 1 else 'are'} still outstanding")
    case.status = to.value
    audit.record(AuditEvent.CASE_STATUS_CHANGED, actor=actor, target=case,
                 detail={"from": current.value, "to": to.value, **(detail or {})})


def change_status(actor, case, version, to):
    """A coordinator's move: gathering information, ready for panel, closed.

    Any other status is refused with a message naming both statuses; where the move is
    possible another way (the panel's sign-off, withdrawal with a reason) it says so."""
    _check_version(case, version)
    if to not in {s.value for s in CaseStatus}:
        raise ValidationError("Select a status you can move this case to")
    current, to = CaseStatus(case.status), CaseStatus(to)
    if to not in COORDINATOR_MOVES and to in TRANSITIONS[current]:
        how = ("only the panel's sign-off completes a review" if to == CaseStatus.REVIEWED
               else "withdraw the case and give the reason")
        raise ValidationError(f"A case that is {current.label.lower()} cannot be moved to "
                              f"{to.label.lower()} here: {how}")
    _transition(actor, case, to)
    _commit()


def withdraw_case(actor, case, version, reason, transferred_to=None, text=None):
    """Withdraw: not eligible, transferred to the home CDOP (with the area), or in error."""
    _check_version(case, version)
    reason = WithdrawalReason(reason)
    if reason == WithdrawalReason.TRANSFERRED and not (transferred_to or "").strip():
        raise ValidationError("Enter the area whose CDOP the case was transferred to")
    _transition(actor, case, CaseStatus.WITHDRAWN, {"reason": reason.value})
    case.withdrawal_reason = reason.value
    case.transferred_to = ((transferred_to or "").strip()
                           if reason == WithdrawalReason.TRANSFERRED else None)
    case.withdrawal_reason_text = (text or "").strip() or None
    _commit()


def mark_reviewed(actor, case, category, modifiable, event=None, completed_on=None):
    """Panel sign-off (called by the panels feature): the review is complete."""
    category = int(category)
    if category not in range(1, 11):
        raise ValidationError("Select the category of death")
    modifiable = Modifiable(modifiable)
    completed_on = completed_on or today()
    _transition(actor, case, CaseStatus.REVIEWED)
    case.set_review_outcome(category, modifiable.value, event, completed_on)
    _commit()


# --- agency reports ------------------------------------------------------------------------

def request_agency_report(actor, case, agency_type, contact_name, contact_email, due_on):
    """Ask an agency for its report; a newly notified case starts gathering information."""
    AgencyType(agency_type)
    if case.status not in (CaseStatus.NOTIFIED, CaseStatus.GATHERING_INFORMATION,
                           CaseStatus.READY_FOR_PANEL):
        raise ValidationError("Agency reports can only be requested for an open case")
    if due_on < today():
        raise ValidationError("Due date must be today or in the future")
    report = AgencyReportRequest(case_id=case.id, agency_type=agency_type,
                                 requested_on=today(), due_on=due_on,
                                 status=AgencyReportStatus.REQUESTED.value)
    report.contact_name = contact_name.strip()
    report.contact_email = (contact_email or "").strip() or None
    case.agency_reports.append(report)
    db.session.flush()
    audit.record(AuditEvent.AGENCY_REPORT_REQUESTED, actor=actor, target=case,
                 detail={"report": str(report.id), "agency": agency_type})
    if case.status == CaseStatus.NOTIFIED:
        _transition(actor, case, CaseStatus.GATHERING_INFORMATION)
    elif case.status == CaseStatus.READY_FOR_PANEL:
        _transition(actor, case, CaseStatus.GATHERING_INFORMATION)
    _commit()
    return report


def _check_outstanding(report):
    if report.status != AgencyReportStatus.REQUESTED:
        raise ValidationError(f"This report has already been {report.status}")


def record_agency_report(actor, case, report, received_on, summary, key_facts):
    """Record the agency's returned report; any answer may be "not known"/"not applicable"."""
    _check_outstanding(report)
    if received_on > today():
        raise ValidationError("Date received must be today or in the past")
    if received_on < report.requested_on:
        raise ValidationError("Date received must be on or after the date it was requested")
    report.status = AgencyReportStatus.RECEIVED.value
    report.received_on = received_on
    report.summary = summary.strip()
    report.key_facts = key_facts
    audit.record(AuditEvent.AGENCY_REPORT_RECEIVED, actor=actor, target=case,
                 detail={"report": str(report.id), "agency": report.agency_type})
    _commit()


def waive_agency_report(actor, case, report, reason):
    _check_outstanding(report)
    if not (reason or "").strip():
        raise ValidationError("Enter why this report is no longer needed")
    report.status = AgencyReportStatus.WAIVED.value
    report.waive_reason = reason.strip()
    audit.record(AuditEvent.AGENCY_REPORT_WAIVED, actor=actor, target=case,
                 detail={"report": str(report.id), "agency": report.agency_type})
    _commit()


# --- chronology ----------------------------------------------------------------------------

@dataclass
class ChronologyEntry:
    when: date | datetime
    what: str
    who: str | None = None

    @property
    def day(self):
        return self.when.date() if isinstance(self.when, datetime) else self.when

    @property
    def sort_key(self):
        # Dated facts sort before the recorded actions of the same day.
        return (self.day, isinstance(self.when, datetime),
                self.when if isinstance(self.when, datetime) else datetime.min)


CHRONOLOGY_EVENTS = (
    AuditEvent.CASE_CREATED, AuditEvent.CASE_UPDATED, AuditEvent.CASE_STATUS_CHANGED,
    AuditEvent.AGENCY_REPORT_REQUESTED, AuditEvent.AGENCY_REPORT_RECEIVED,
    AuditEvent.AGENCY_REPORT_WAIVED,
)

FACTS = (
    ("date_of_death", "Child died"),
    ("notified_on", "Death notified to the CDOP"),
    ("jar_meeting_on", "Joint agency response meeting"),
    ("post_mortem_on", "Post-mortem examination"),
    ("review_meeting_on", "Child death review meeting"),
    ("inquest_opened_on", "Inquest opened"),
    ("inquest_concluded_on", "Inquest concluded"),
    ("criminal_proceedings_concluded_on", "Criminal proceedings concluded"),
    ("scr_referred_on", "Referred for serious case review consideration"),
    ("review_completed_on", "Panel completed the review"),
)

FIELD_LABELS = {
    "forename": "first name", "surname": "last name", "other_names": "other names",
    "date_of_birth": "date of birth", "sex": "sex", "ethnicity": "ethnicity",
    "nhs_number": "NHS number", "nhs_number_unavailable_reason": "NHS number reason",
    "address": "address", "postcode": "postcode", "local_authority": "local authority",
    "resident": "residence", "gp_practice": "GP practice", "school": "school or nursery",
    "date_of_death": "date of death", "time_of_death": "time of death",
    "place_type": "place of death", "place_of_death_name": "place of death name",
    "death_expectation": "expected or unexpected", "circumstances": "circumstances",
    "notifier_name": "notifier's name", "notifier_role": "notifier's role",
    "notifier_agency": "notifier's agency", "notifier_contact": "notifier's contact details",
    "notified_on": "date notified", "jar_meeting_on": "joint agency response date",
    "post_mortem_on": "post-mortem date", "review_meeting_on": "review meeting date",
    "inquest_opened_on": "inquest opened date", "inquest_concluded_on": "inquest concluded date",
    "criminal_proceedings": "criminal proceedings",
    "criminal_proceedings_concluded_on": "criminal proceedings concluded date",
    "scr_referred_on": "SCR referral date", "delay_reason": "reason for delay",
}


def _describe(row):
    detail = row.detail_dict
    event = AuditEvent(row.event)
    if event == AuditEvent.CASE_CREATED:
        return ("Case imported" if detail.get("source") == "import"
                else "Notification recorded and case created")
    if event == AuditEvent.CASE_STATUS_CHANGED:
        text = (f"Status changed from {CaseStatus.label_of(detail.get('from'))} to "
                f"{CaseStatus.label_of(detail.get('to'))}")
        if detail.get("reason"):
            text += f" ({WithdrawalReason.label_of(detail['reason'])})"
        return text
    if event in (AuditEvent.AGENCY_REPORT_REQUESTED, AuditEvent.AGENCY_REPORT_RECEIVED,
                 AuditEvent.AGENCY_REPORT_WAIVED):
        agency = AgencyType.label_of(detail.get("agency"), "Agency")
        verb = {AuditEvent.AGENCY_REPORT_REQUESTED: "requested",
                AuditEvent.AGENCY_REPORT_RECEIVED: "received",
                AuditEvent.AGENCY_REPORT_WAIVED: "waived"}[event]
        return f"{agency} report {verb}"
    if "family_member_added" in detail:
        return f"Family member added ({Relationship.label_of(detail.get('relation'))})"
    if "family_member_removed" in detail:
        return "Family member removed"
    if detail.get("delay_reason"):
        return f"Reason for delay recorded: {DelayReason.label_of(detail['delay_reason'])}"
    fields = [FIELD_LABELS.get(f, f) for f in detail.get("fields", [])]
    return "Details changed: " + ", ".join(fields) if fields else "Details changed"


def chronology(case):
    """What happened, when and by whom: the case's dated facts plus its audited changes."""
    entries = [ChronologyEntry(getattr(case, name), label) for name, label in FACTS
               if getattr(case, name)]
    for report in case.outstanding_reports:
        entries.append(ChronologyEntry(report.due_on, f"{report.agency_label} report due"))
    rows = db.session.scalars(
        select(AuditRecord).where(
            AuditRecord.target_type == Case.__tablename__,
            AuditRecord.target_id == str(case.id),
            AuditRecord.event.in_([e.value for e in CHRONOLOGY_EVENTS]),
        ).order_by(AuditRecord.seq)
    ).all()
    names = dict(db.session.execute(
        select(User.id, User.full_name).where(User.id.in_({r.actor_id for r in rows
                                                           if r.actor_id}))
    ).all())
    for row in rows:
        who = names.get(row.actor_id) or row.actor_label
        entries.append(ChronologyEntry(row.at, _describe(row), who))
    return sorted(entries, key=lambda e: e.sort_key)


def count_cases():
    return db.session.scalar(select(func.count()).select_from(Case))
