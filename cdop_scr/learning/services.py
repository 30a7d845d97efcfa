"""Learning summaries: drafting from a reviewed record, redaction on every save, the residual
check, two-person approval, the publication hold, the library and the year's export.

Every function that changes something checks, changes, records the audit event and commits
once. Replacement lists and audit details carry kinds and replacements, never original text.
"""

import html
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .. import audit
from ..audit import AuditEvent
from ..cases import services as case_services
from ..cases.clocks import today
from ..errors import Conflict, Forbidden, NotFound, ValidationError
from ..extensions import db
from ..models.actions import ActionPlan
from ..models.base import utcnow
from ..models.cases import AgencyReportStatus, AgencyType, Case, CaseStatus, Relationship
from ..models.learning import (
    SECTIONS,
    HoldReason,
    LearningSummary,
    SourceKind,
    SummaryStatus,
)
from ..models.panels import Analysis, FactorTheme
from ..models.scr import Review, ReviewStatus
from ..panels import services as panel_services
from ..permissions import Permission
from ..reporting.dimensions import Dimension
from ..reporting.suppression import UnsafeTable, assert_safe, suppress
from ..reporting.tables import build_table
from . import sanitise
from .redaction import URL, KnownIdentifiers, Redactor, person_name

# Public guidance that a summary may link to; any other link is unwrapped on save.
DEFAULT_LINK_HOSTS = ("gov.uk", "nhs.uk", "lullabytrust.org.uk", "nspcc.org.uk", "rospa.com",
                      "capt.org.uk", "basw.co.uk")
CASE_STATUSES = (CaseStatus.REVIEWED, CaseStatus.CLOSED)
REVIEW_STATUSES = (ReviewStatus.APPROVED_BY_BOARD, ReviewStatus.PUBLISHED,
                   ReviewStatus.PUBLICATION_DEFERRED)
MAX_SECTION = 20000
STALE_MESSAGE = ("Someone else changed this learning summary while you were working on it. "
                 "Nothing has been saved: your text is still in the form. Check the current "
                 "summary, then save again.")
KIND_LABELS = {
    "child_name": "Child's name", "family_name": "Family member's or carer's name",
    "name": "Name", "place": "Place or address", "date": "Date", "nhs_number": "NHS number",
    "postcode": "Postcode", "phone": "Phone number", "email": "Email address",
    "url": "Web address or link", "ni_number": "National Insurance number",
    "markup": "Hidden comment",
    "possible_name": "Word that is also a name in this case (reword it)",
}


def kind_label(kind):
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


# --- the transition table ----------------------------------------------------------

@dataclass(frozen=True)
class Move:
    """One allowed change of status: from these, to that, by holders of this permission."""

    name: str
    label: str
    sources: tuple
    target: SummaryStatus | None  # None: back to the status before the hold
    permission: Permission


MOVES = {
    "submit": Move("submit", "Submit for approval", (SummaryStatus.DRAFT,),
                   SummaryStatus.SUBMITTED, Permission.DRAFT_LEARNING),
    "return": Move("return", "Return to draft", (SummaryStatus.SUBMITTED, SummaryStatus.APPROVED),
                   SummaryStatus.DRAFT, Permission.DRAFT_LEARNING),
    "approve": Move("approve", "Approve", (SummaryStatus.SUBMITTED,), SummaryStatus.APPROVED,
                    Permission.PUBLISH_LEARNING),
    "publish": Move("publish", "Publish", (SummaryStatus.APPROVED,), SummaryStatus.PUBLISHED,
                    Permission.PUBLISH_LEARNING),
    "hold": Move("hold", "Put publication on hold", (SummaryStatus.DRAFT, SummaryStatus.SUBMITTED,
                                                     SummaryStatus.APPROVED),
                 SummaryStatus.PUBLICATION_HOLD, Permission.PUBLISH_LEARNING),
    "release": Move("release", "Release the hold", (SummaryStatus.PUBLICATION_HOLD,), None,
                    Permission.PUBLISH_LEARNING),
}
EVENTS = {
    "submit": AuditEvent.LEARNING_SUMMARY_SUBMITTED,
    "return": AuditEvent.LEARNING_SUMMARY_RETURNED,
    "approve": AuditEvent.LEARNING_SUMMARY_APPROVED,
    "publish": AuditEvent.LEARNING_SUMMARY_PUBLISHED,
    "hold": AuditEvent.LEARNING_SUMMARY_HELD,
    "release": AuditEvent.LEARNING_SUMMARY_HOLD_RELEASED,
}


def moves_for(actor, summary):
    """The moves this actor may offer on this summary now (refusals still explain themselves)."""
    return [m for m in MOVES.values()
            if summary.status in m.sources and actor.can(m.permission)]


# --- what the record knows ----------------------------------------------------------

def link_hosts():
    return tuple(current_app.config.get("LEARNING_LINK_HOSTS", DEFAULT_LINK_HOSTS))


def _case_identifiers(case, pseudonym):
    family = [(m.name, Relationship.label_of(m.relation, "family member").lower())
              for m in case.family_members if m.name]
    if case.notifier_name:
        family.append((case.notifier_name, "practitioner"))
    family += [(r.contact_name, "practitioner") for r in case.agency_reports if r.contact_name]
    return KnownIdentifiers(
        pseudonym=pseudonym, forename=case.forename or "", surname=case.surname or "",
        aliases=list(case.other_names or []), family=family,
        address_lines=[case.address] if case.address else [], postcode=case.postcode or "",
        school=case.school or "", gp_practice=case.gp_practice or "",
        hospital=case.place_of_death_name or "",
        places=[p for p in (case.notifier_agency,) if p],
        nhs_number=case.nhs_number or "", date_of_birth=case.date_of_birth,
        date_of_death=case.date_of_death)


def known_identifiers(source, pseudonym):
    """Everything the source record knows that could identify the child or the family."""
    if isinstance(source, Case):
        return _case_identifiers(source, pseudonym)
    if source.cdop_case is not None:
        known = _case_identifiers(source.cdop_case, pseudonym)
    else:
        known = KnownIdentifiers(pseudonym=pseudonym)
    words = (source.child_name or "").split()
    if words:
        known.aliases = [*known.aliases, source.child_name]
        known.forename = known.forename or words[0]
        known.surname = known.surname or (words[-1] if len(words) > 1 else "")
    known.nhs_number = known.nhs_number or (source.child_nhs_number or "")
    known.date_of_birth = known.date_of_birth or source.child_date_of_birth
    known.date_of_death = known.date_of_death or source.incident_on
    # The review's own people: whoever decided on it and whoever wrote it are named nowhere in
    # a published story.
    for value, role in ((source.reviewer_name, "the reviewer"),
                        (source.decided_by, "the decision maker")):
        name = person_name(value)
        if name:
            known.family = [*known.family, (name, role)]
    return known


def redactor_for(source, pseudonym):
    try:
        return Redactor(known_identifiers(source, pseudonym), keep_link_hosts=link_hosts())
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def source_of(summary):
    return summary.case if summary.case is not None else summary.review


# --- age in broad terms ----------------------------------------------------------

_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven")


def age_in_words(age_in_days):
    """Age at death as a story would put it: "a four-month-old baby", "a teenager"."""
    if age_in_days is None:
        return "a child"
    if age_in_days < 28:
        return "a newborn baby"
    if age_in_days < 365:
        months = max(1, min(11, int(age_in_days / 30.44)))
        number = _NUMBERS[months - 1]
        return f"{'an' if number[0] == 'e' else 'a'} {number}-month-old baby"
    years = age_in_days // 365
    if years < 2:
        return "a baby just over a year old"
    if years < 5:
        return "a young child"
    if years < 10:
        return "a primary-school-age child"
    if years < 13:
        return "an older child"
    return "a teenager"


def _age_in_days(source):
    if isinstance(source, Case):
        return source.age_in_days
    born, on = source.child_date_of_birth, source.incident_on
    return (on - born).days if born and on and on >= born else None


# --- drafting ----------------------------------------------------------

@dataclass
class RecordRedaction:
    """The record's narrative as the engine would publish it: each text with its replacements."""

    circumstances: object  # RedactionResult
    reports: list = field(default_factory=list)  # (agency label, RedactionResult)


def redacted_record(source, redactor):
    """The narrative (circumstances or incident summary) and agency report summaries, redacted.

    The draft's pre-filled text and `flask learning redact` both come from here.
    """
    if isinstance(source, Case):
        narrative = source.circumstances
        reports = [(AgencyType.label_of(r.agency_type, r.agency_type), r.summary)
                   for r in source.agency_reports
                   if r.status == AgencyReportStatus.RECEIVED and r.summary]
    else:
        narrative = source.incident_summary
        reports = []
        if source.cdop_case is not None:
            reports = redacted_record(source.cdop_case, redactor).reports
            return RecordRedaction(redactor.redact(narrative or ""), reports)
    return RecordRedaction(redactor.redact(narrative or ""),
                           [(label, redactor.redact(text)) for label, text in reports])


def _analysis_of(source):
    case = source if isinstance(source, Case) else source.cdop_case
    if case is None:
        return None
    return db.session.scalar(select(Analysis).where(Analysis.case_id == case.id))


def _recommendation_texts(source, analysis):
    if isinstance(source, Review):
        plan = db.session.scalar(select(ActionPlan).where(
            ActionPlan.source_type == "scr_review", ActionPlan.source_id == source.id))
        texts = [r.text for r in plan.recommendations] if plan else []
        if texts:
            return texts
    return [r.text for r in analysis.recommendations] if analysis else []


def _inline(text):
    """Plain text as one line of escaped HTML."""
    return html.escape(" ".join((text or "").split()), quote=False)


def _list_html(items):
    items = [i for i in items if i and i.strip()]
    return "<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>" if items else ""


def prefill(source, pseudonym):
    """The draft's title, sections and themes from the record, before redaction (HTML)."""
    analysis = _analysis_of(source)
    record = redacted_record(source, redactor_for(source, pseudonym))
    agencies = "".join(
        f"<p><strong>{_inline(label)}</strong>: {_inline(result.text)}</p>"
        for label, result in record.reports)
    if isinstance(source, Review) and not agencies:
        agencies = _list_html([a.agency_name for a in source.agencies])
    themes = []
    if analysis is not None:
        themes = list(dict.fromkeys(f.theme_code for f in analysis.factors))
    return {
        "title": f"{pseudonym}'s story",
        "introduction": sanitise.from_plain_text(
            f"{pseudonym} was {age_in_words(_age_in_days(source))}."),
        "what_happened": sanitise.from_plain_text(record.circumstances.text),
        "what_agencies_knew": agencies,
        "key_learning": sanitise.from_plain_text(analysis.learning_points or "")
        if analysis else "",
        "recommendations": _list_html(_recommendation_texts(source, analysis)),
        "theme_codes": themes,
        # What redacting the record's narrative replaced, so the author sees those too.
        "redactions": [_replacement("what_happened", r)
                       for r in record.circumstances.replacements]
        + [_replacement("what_agencies_knew", r)
           for _, result in record.reports for r in result.replacements],
    }


def sees_every_case(actor):
    """The coordinator holds the record; the board manager publishes the partnership's
    learning and drafts only redacted text. A chair drafts from their own meetings' cases."""
    return actor.can(Permission.VIEW_IDENTIFIERS) or actor.can(Permission.PUBLISH_LEARNING)


def _cases_for(actor):
    query = select(Case)
    if not sees_every_case(actor):
        query = query.where(Case.id.in_(panel_services.cases_in_scope(actor)))
    return query


def eligible_cases(actor):
    """Reviewed cases the actor may draft from, newest reference first."""
    return db.session.scalars(_cases_for(actor).where(Case.status.in_(CASE_STATUSES))
                              .order_by(Case.case_ref.desc())).all()


def eligible_reviews():
    reviews = db.session.scalars(select(Review).order_by(Review.reference.desc())).all()
    return [r for r in reviews if review_is_eligible(r)]


def review_is_eligible(review):
    return review.status in REVIEW_STATUSES or (
        review.status == ReviewStatus.CLOSED and review.approved_on is not None)


def get_source(actor, kind, source_id):
    """The case or review to draft from; 404 for a case outside the actor's scope."""
    if kind == SourceKind.CDOP_CASE:
        source = db.session.scalar(_cases_for(actor).where(Case.id == source_id))
    else:
        source = db.session.get(Review, source_id)
    if source is None:
        raise NotFound()
    return source


def _check_pseudonym(pseudonym):
    pseudonym = " ".join((pseudonym or "").split())
    if not pseudonym:
        raise ValidationError("Enter a pseudonym, for example Ashley or Child A")
    if len(pseudonym) > 40 or not re.fullmatch(r"[A-Za-z][A-Za-z '\-]*", pseudonym):
        raise ValidationError("The pseudonym must be a name of letters, up to 40 characters")
    return pseudonym


def draft_summary(actor, kind, source_id, pseudonym):
    """Start a learning summary from a signed-off review, pre-filled and redacted."""
    source = get_source(actor, kind, source_id)
    pseudonym = _check_pseudonym(pseudonym)
    if kind == SourceKind.CDOP_CASE and source.status not in CASE_STATUSES:
        raise ValidationError("A learning summary can only be drafted once the panel has "
                              "signed off the review of this case")
    if kind == SourceKind.SCR_REVIEW and not review_is_eligible(source):
        raise ValidationError("A learning summary can only be drafted from a case review the "
                              "board has approved")
    fields = prefill(source, pseudonym)
    summary = LearningSummary(
        source_kind=kind, case_id=source.id if kind == SourceKind.CDOP_CASE else None,
        review_id=source.id if kind == SourceKind.SCR_REVIEW else None,
        status=SummaryStatus.DRAFT, author_id=actor.id, last_edited_by_id=actor.id)
    summary.pseudonym = pseudonym
    if kind == SourceKind.CDOP_CASE:
        summary.case = source
    else:
        summary.review = source
    _apply_text(summary, fields["title"], {n: fields[n] for n, _ in SECTIONS})
    summary.theme_codes = fields["theme_codes"]
    summary.redactions = fields["redactions"] + summary.redactions
    db.session.add(summary)
    db.session.flush()
    audit.record(AuditEvent.LEARNING_SUMMARY_DRAFTED, actor=actor, target=summary,
                 detail={"source": kind, "source_id": str(source.id),
                         **_redaction_detail(summary.redactions)})
    _commit()
    return summary


# --- reading ----------------------------------------------------------

def get_summary(summary_id):
    summary = db.session.get(LearningSummary, summary_id)
    if summary is None:
        raise NotFound()
    return summary


def view_summary(actor, summary_id, page="summary"):
    """The summary; any view of one not yet published is audited (it may hold residue)."""
    summary = get_summary(summary_id)
    if not summary.is_published:
        audit.record(AuditEvent.LEARNING_SUMMARY_VIEWED, actor=actor, target=summary,
                     detail={"page": page, "status": summary.status})
        db.session.commit()
    return summary


def list_in_progress(actor):
    """Summaries not yet published, newest change first."""
    summaries = db.session.scalars(
        select(LearningSummary).where(LearningSummary.status != SummaryStatus.PUBLISHED)
        .order_by(LearningSummary.updated_at.desc())).all()
    audit.record(AuditEvent.LEARNING_SUMMARY_LIST_VIEWED, actor=actor,
                 detail={"count": len(summaries)})
    db.session.commit()
    return summaries


def themes():
    return db.session.scalars(select(FactorTheme).order_by(FactorTheme.position)).all()


def theme_labels():
    return {t.code: t.label for t in themes()}


# --- saving ----------------------------------------------------------

def _redaction_detail(redactions):
    counts = Counter(r["kind"] for r in redactions)
    return {"replacements": sum(counts.values()),
            "kinds": ",".join(f"{k}:{n}" for k, n in sorted(counts.items()))}


def _apply_text(summary, title, sections):
    """Sanitise, then redact, each text; keep the replacement list (kinds, never originals)."""
    redactor = redactor_for(source_of(summary), summary.pseudonym)
    redactions = []
    title = " ".join(re.sub(r"<[^>]*>", " ", title or "").split())
    if not title:
        raise ValidationError("Enter a title")
    if len(title) > 200:
        raise ValidationError("The title must be 200 characters or fewer")
    result = redactor.redact(title)
    summary.title = result.text
    redactions += [_replacement("title", r) for r in result.replacements]
    for name, _ in SECTIONS:
        text = sections.get(name) or ""
        if len(text) > MAX_SECTION:
            raise ValidationError(f"Each section must be {MAX_SECTION} characters or fewer")
        result = redactor.redact_html(sanitise.clean(text))
        setattr(summary, name, sanitise.clean(result.text) or None)
        redactions += [_replacement(name, r) for r in result.replacements]
    summary.redactions = redactions


def _replacement(field_name, r):
    return {"field": field_name, "kind": r.original_kind,
            "replacement": r.replacement or ("link removed" if r.original_kind == URL
                                             else "removed"),
            "rule": r.rule}


def _check_version(summary, version):
    try:
        stale = int(version) != summary.version
    except (TypeError, ValueError):
        stale = True
    if stale:
        raise Conflict(STALE_MESSAGE)


def _commit():
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise Conflict(STALE_MESSAGE) from exc


def save_summary(actor, summary_id, version, title, sections, theme_codes):
    """Save the author's text: sanitised and redacted again, every replacement reported."""
    summary = get_summary(summary_id)
    _check_version(summary, version)
    if summary.status != SummaryStatus.DRAFT:
        raise ValidationError(f"This summary is {summary.status_label.lower()}, so it cannot "
                              f"be changed. Return it to draft first.")
    known = {t.code for t in themes()}
    if any(code not in known for code in theme_codes):
        raise ValidationError("Select themes from the list")
    _apply_text(summary, title, sections)
    summary.theme_codes = list(dict.fromkeys(theme_codes))
    summary.last_edited_by_id = actor.id
    summary.updated_at = utcnow()
    audit.record(AuditEvent.LEARNING_SUMMARY_UPDATED, actor=actor, target=summary,
                 detail=_redaction_detail(summary.redactions))
    _commit()
    return summary


# --- the residual check ----------------------------------------------------------

@dataclass
class ResidualHit:
    field: str
    heading: str
    kind: str
    code: str = ""


def residual_hits(summary):
    """Every known identifier or pattern still in the summary, by field: any blocks approval."""
    redactor = redactor_for(source_of(summary), summary.pseudonym)
    found = {}
    if summary.title:
        hits = redactor.residual_hits(summary.title)
        if hits:
            found["title"] = hits
    for name, _ in SECTIONS:
        hits = redactor.residual_hits(getattr(summary, name) or "", html_fragment=True)
        if hits:
            found[name] = hits
    return found


def residual_list(found):
    headings = {"title": "Title", **dict(SECTIONS)}
    return [ResidualHit(name, headings[name], kind_label(hit.kind), hit.kind)
            for name, hits in found.items() for hit in hits]


def highlighted(summary, found):
    """Each section's HTML with residual hits wrapped in <mark>, for the approver's eyes only."""
    out = {}
    for name, _ in SECTIONS:
        text = getattr(summary, name) or ""
        marks = [h for h in found.get(name, []) if h.rule != "html:href"]
        for hit in sorted(marks, key=lambda h: h.start, reverse=True):
            inner = text[hit.start:hit.end]
            if "<" in inner or ">" in inner:
                inner = re.sub(r"<[^>]*>", "", inner)
            text = (text[:hit.start] + '<mark class="app-residual">' + inner + "</mark>"
                    + text[hit.end:])
        out[name] = sanitise.as_markup(text, highlight=True) if text else None
    title, parts, last = summary.title or "", [], 0
    for hit in sorted(found.get("title", []), key=lambda h: h.start):
        parts += [escape(title[last:hit.start]), Markup('<mark class="app-residual">'),
                  escape(title[hit.start:hit.end]), Markup("</mark>")]
        last = hit.end
    out["title"] = Markup("").join([*parts, escape(title[last:])])  # plain text, escaped
    return out


# --- moving along the table ----------------------------------------------------------

def _refuse(actor, summary, move, message, why, error=ValidationError):
    """Record the refusal (nothing else changes) and raise the reason."""
    db.session.rollback()
    audit.record(AuditEvent.LEARNING_SUMMARY_REFUSED, actor=actor, target=summary,
                 outcome="refused", detail={"move": move, "why": why,
                                            "status": summary.status})
    db.session.commit()
    raise error(message)


def change_status(actor, summary_id, version, move_name, hold_reason=None, hold_details=None,
                  hold_review_on=None):
    """Move the summary along the transition table; a refused move says why, changes nothing."""
    summary = get_summary(summary_id)
    move = MOVES.get(move_name)
    if move is None:
        raise NotFound()
    _check_version(summary, version)
    if not actor.can(move.permission):
        _refuse(actor, summary, move.name, "You do not have permission to do this.",
                "permission", Forbidden)
    if move.name == "return" and not actor.can(Permission.PUBLISH_LEARNING) \
            and actor.id != summary.author_id:
        _refuse(actor, summary, move.name, "Only the author or a board manager can return "
                "this summary to draft.", "not_author", Forbidden)
    if summary.status not in move.sources:
        if move.name == "publish" and summary.status == SummaryStatus.PUBLICATION_HOLD:
            review = summary.hold_review_on.strftime("%-d %B %Y") if summary.hold_review_on \
                else "a date not set"
            _refuse(actor, summary, move.name,
                    f"Publication is on hold ({summary.hold_reason_label.lower()}), to be "
                    f"reviewed on {review}. Release the hold before publishing.", "on_hold")
        _refuse(actor, summary, move.name,
                f"This summary is {summary.status_label.lower()}, so you cannot "
                f"{move.label.lower()} it now.", "wrong_status")
    if move.name == "approve" and actor.id in (summary.author_id, summary.last_edited_by_id):
        _refuse(actor, summary, move.name,
                "You wrote or last changed this summary, so another board manager must "
                "approve it.", "two_person_rule", Forbidden)
    if move.name in ("approve", "publish"):
        found = residual_hits(summary)
        if found:
            count = sum(len(h) for h in found.values())
            _refuse(actor, summary, move.name,
                    f"The residual check found {count} identifier{'s' if count != 1 else ''} "
                    f"still in the summary (highlighted below). Return it to draft so the "
                    f"author can remove them.", "residual_identifiers")
    detail = {"from": summary.status}
    if move.name == "hold":
        if hold_reason not in {r.value for r in HoldReason}:
            raise ValidationError("Select why publication is on hold")
        if hold_review_on is None:
            raise ValidationError("Enter the date to review the hold")
        if hold_review_on <= today():
            raise ValidationError("The date to review the hold must be in the future")
        summary.status_before_hold = summary.status
        summary.hold_reason, summary.hold_review_on = hold_reason, hold_review_on
        summary.hold_details = (hold_details or "").strip() or None
        detail["reason"] = hold_reason
    target = move.target or SummaryStatus(summary.status_before_hold or SummaryStatus.DRAFT)
    now = utcnow()
    if move.name == "release":
        summary.hold_reason = summary.hold_review_on = summary.hold_details = None
        summary.status_before_hold = None
    elif move.name == "submit":
        summary.submitted_at = now
    elif move.name == "approve":
        summary.approved_by_id, summary.approved_at = actor.id, now
    elif move.name == "publish":
        summary.published_by_id, summary.published_at = actor.id, now
        summary.published_year = now.year
    elif move.name == "return":
        summary.approved_by_id = summary.approved_at = None
    summary.status = target.value
    audit.record(EVENTS[move.name], actor=actor, target=summary,
                 detail={**detail, "to": summary.status})
    _commit()
    return summary


# --- the library and the year's export -----------------------------------------------------------

def published(year=None, theme=None):
    query = select(LearningSummary).where(LearningSummary.status == SummaryStatus.PUBLISHED)
    if year is not None:
        query = query.where(LearningSummary.published_year == year)
    summaries = db.session.scalars(query.order_by(LearningSummary.published_at.desc())).all()
    if theme:
        summaries = [s for s in summaries if theme in (s.theme_codes or [])]
    return summaries


def theme_table(summaries, labels):
    """Published summaries by theme, suppressed like every published table (None if unsafe)."""
    used = [code for code in labels if any(code in (s.theme_codes or []) for s in summaries)]
    if not used:
        return None
    dimension = Dimension("theme", "Theme", [(code, labels[code]) for code in used])
    counts = Counter(code for s in summaries for code in dict.fromkeys(s.theme_codes or [])
                     if code in used)
    table = build_table(dict(counts), dimension)
    try:
        published_table = suppress(table)
        assert_safe(published_table)
    except UnsafeTable:
        return None
    return published_table


@dataclass
class Library:
    by_year: list  # (year, [summary])
    years: list
    table: object  # SuppressedTable or None
    labels: dict
    theme: str | None
    year: int | None


def library(actor, year=None, theme=None):
    labels = theme_labels()
    every = published()
    shown = published(year=year, theme=theme if theme in labels else None)
    years = sorted({s.published_year for s in every}, reverse=True)
    by_year = [(y, [s for s in shown if s.published_year == y])
               for y in sorted({s.published_year for s in shown}, reverse=True)]
    audit.record(AuditEvent.LEARNING_LIBRARY_VIEWED, actor=actor,
                 detail={"count": len(shown)})
    db.session.commit()
    return Library(by_year, years, theme_table(every, labels), labels,
                   theme if theme in labels else None, year)


EXPORT_FORMATS = {"html": "text/html; charset=utf-8",
                  "docx": "application/vnd.openxmlformats-officedocument."
                          "wordprocessingml.document"}


def export_year(actor, year, fmt, render_html):
    """A year's published summaries as one document for the annual report: (name, type, bytes)."""
    if fmt not in EXPORT_FORMATS:
        raise ValidationError("Choose HTML or Word (DOCX)")
    summaries = list(reversed(published(year=year)))
    if not summaries:
        raise NotFound(f"No learning summaries were published in {year}.")
    labels = theme_labels()
    if fmt == "html":
        body = render_html(summaries, year, labels).encode("utf-8")
    else:
        body = _docx(summaries, year, labels)
    audit.record(AuditEvent.LEARNING_SUMMARIES_EXPORTED, actor=actor,
                 detail={"year": year, "format": fmt, "count": len(summaries)})
    db.session.commit()
    return f"learning-summaries-{year}.{fmt}", EXPORT_FORMATS[fmt], body


def _docx(summaries, year, labels):
    """Word document: one heading per story, sections as headings, paragraphs and bullets."""
    from docx import Document

    document = Document()
    document.core_properties.title = f"Learning summaries published in {year}"
    document.add_heading(f"Learning summaries published in {year}", level=0)
    for summary in summaries:
        document.add_heading(summary.title, level=1)
        for _, heading, text in summary.sections():
            document.add_heading(heading, level=2)
            for kind, line in _blocks(sanitise.clean(text)):
                document.add_paragraph(line, style="List Bullet" if kind == "li" else None)
        if summary.theme_codes:
            document.add_paragraph("Themes: " + ", ".join(labels.get(c, c)
                                                          for c in summary.theme_codes))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _blocks(fragment):
    """(tag, text) for each paragraph or list item of a cleaned fragment."""
    blocks = []
    for m in re.finditer(r"<(p|li)>(.*?)</\1>", fragment, re.S):
        for line in sanitise.as_plain_text(m.group(2) + "</p>"):
            blocks.append((m.group(1), line))
    return blocks or [("p", line) for line in sanitise.as_plain_text(fragment)]


# --- the engine on a record, from the command line ------------------------------------------------

def preview_case_redaction(case_ref, pseudonym="Child A"):
    """A case's narrative and agency report summaries as the engine would publish them."""
    ref = case_services.normalise_case_ref(case_ref)
    case = db.session.scalar(select(Case).where(Case.case_ref == ref))
    if case is None:
        raise NotFound(f"No case {case_ref}")
    record = redacted_record(case, redactor_for(case, _check_pseudonym(pseudonym)))
    audit.record(AuditEvent.LEARNING_REDACTION_PREVIEWED, target=case,
                 detail={"replacements": len(record.circumstances.replacements)
                         + sum(len(r.replacements) for _, r in record.reports)})
    db.session.commit()
    return case, record


def date_label(value):
    return value.strftime("%-d %B %Y") if isinstance(value, date) else ""
