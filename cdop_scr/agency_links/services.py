"""Secure agency report links: issue (e-mailed), revoke, open, save a draft, submit.

The token (secrets.token_urlsafe(32): 256 bits) is only ever in the e-mail and the first
request's path; the database keeps its SHA-256. Opening the link swaps it for a short session,
so the pages after that carry no token. Audit rows name the agency report request, never the
token.
"""

import hashlib
import hmac
import logging
import secrets
import time
import uuid
from datetime import timedelta

from flask import current_app, session, url_for
from sqlalchemy import select

from .. import audit, mail
from ..audit import AuditEvent
from ..cases import services as case_services
from ..cases.clocks import today
from ..errors import ValidationError
from ..extensions import db
from ..models.base import utcnow
from ..models.cases import AgencyReportStatus
from ..models.outside import AgencyReportLink

log = logging.getLogger("cdop_scr.agency_links")

SESSION_KEY = "agency_link"
SESSION_MINUTES = 120
MAX_TOKEN_LENGTH = 128
# Compared against when no row matches, so a wrong token costs the same as a right one.
_NO_MATCH = hashlib.sha256(b"no such link").hexdigest()


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _outstanding(link):
    return link.request.status == AgencyReportStatus.REQUESTED


def live_link_for(report):
    """The report's link that still works, or None."""
    now = utcnow()
    links = db.session.scalars(
        select(AgencyReportLink).where(AgencyReportLink.request_id == report.id,
                                       AgencyReportLink.revoked_at.is_(None),
                                       AgencyReportLink.used_at.is_(None))
        .order_by(AgencyReportLink.created_at.desc())).all()
    return next((link for link in links if link.is_live(now)), None)


def _revoke_live(report):
    now = utcnow()
    revoked = []
    for link in db.session.scalars(select(AgencyReportLink).where(
            AgencyReportLink.request_id == report.id, AgencyReportLink.revoked_at.is_(None),
            AgencyReportLink.used_at.is_(None))):
        link.revoked_at = now
        revoked.append(link)
    return revoked


def _latest_draft(report):
    return db.session.scalars(
        select(AgencyReportLink).where(AgencyReportLink.request_id == report.id)
        .order_by(AgencyReportLink.created_at.desc())).first()


def send_link(actor, case, report):
    """E-mail the report's named contact a new link (any earlier live link stops working)."""
    if report.case_id != case.id:
        raise ValidationError("This report does not belong to this case")
    if report.status != AgencyReportStatus.REQUESTED:
        raise ValidationError(f"This report has already been {report.status}")
    if not report.contact_email:
        raise ValidationError("Add the contact's email address before sending a secure link")
    if not mail.is_configured():
        raise ValidationError("E-mail is not set up for this service, so a secure link cannot "
                              "be sent. Ask your service administrator to set it up")
    previous = _latest_draft(report)
    _revoke_live(report)
    token = secrets.token_urlsafe(32)
    days = current_app.config["AGENCY_LINK_DAYS"]
    link = AgencyReportLink(request_id=report.id, token_hash=token_hash(token),
                            expires_at=utcnow() + timedelta(days=days), created_by_id=actor.id)
    if previous is not None and previous.draft:
        link.draft = previous.draft  # a new link keeps the contact's saved answers
    db.session.add(link)
    db.session.flush()
    audit.record(AuditEvent.AGENCY_LINK_SENT, actor=actor, target=report,
                 detail={"link": str(link.id), "days": days})
    try:
        mail.send(report.contact_email, "A child death review team asks for your agency's report",
                  _link_email(token, link, report))
    except mail.MailError as exc:
        db.session.rollback()
        raise ValidationError("The e-mail could not be sent, so no link was issued. "
                              "Try again later") from exc
    db.session.commit()
    return link


def _link_email(token, link, report):
    config = current_app.config
    url = url_for("agency_links.open_link", token=token, _external=True)
    return (
        f"The {config['ORGANISATION_NAME']} child death review team is reviewing the death "
        f"of a child and asks for a report from your agency ({report.agency_label}).\n\n"
        f"Open this secure link to see which child it is about and to send your report:\n\n"
        f"{url}\n\n"
        f"The link works until {link.expires_at.strftime('%-d %B %Y')}. You can save a draft "
        f"and come back to it. Once you send the report, the link stops working.\n\n"
        f"Do not forward this e-mail: the link is for you alone. If you were not expecting it, "
        f"contact the child death review team.\n")


def revoke_links(actor, case, report):
    if report.case_id != case.id:
        raise ValidationError("This report does not belong to this case")
    revoked = _revoke_live(report)
    if not revoked:
        raise ValidationError("There is no secure link to revoke for this report")
    for link in revoked:
        audit.record(AuditEvent.AGENCY_LINK_REVOKED, actor=actor, target=report,
                     detail={"link": str(link.id)})
    db.session.commit()


# --- the agency contact's side -------------------------------------------------------------

def _find(token):
    """(link, refusal) for a token: looked up by hash, then compared in constant time."""
    token = token if isinstance(token, str) and len(token) <= MAX_TOKEN_LENGTH else ""
    digest = token_hash(token)
    link = db.session.scalar(select(AgencyReportLink).where(
        AgencyReportLink.token_hash == digest)) if token else None
    if not hmac.compare_digest(link.token_hash if link else _NO_MATCH, digest) or link is None:
        return None, "unknown"
    if link.revoked_at is not None:
        return link, "revoked"
    if link.used_at is not None:
        return link, "used"
    if utcnow() >= link.expires_at:
        return link, "expired"
    if not _outstanding(link):
        return link, "closed"
    return link, None


def open_link(token):
    """Check the token and start the contact's short session; None when it cannot be used."""
    link, refusal = _find(token)
    if refusal:
        if link is not None:
            audit.record(AuditEvent.AGENCY_LINK_REFUSED, target=link.request, outcome="refused",
                         detail={"link": str(link.id), "why": refusal})
            db.session.commit()
        else:
            log.info("agency report link refused: no such link")
        return None
    link.last_opened_at = utcnow()
    audit.record(AuditEvent.AGENCY_LINK_OPENED, target=link.request,
                 detail={"link": str(link.id)})
    db.session.commit()
    session[SESSION_KEY] = {"link": str(link.id),
                            "until": int(time.time()) + SESSION_MINUTES * 60}
    return link


def current_link():
    """The link this browser opened, while it and the session still work; else None."""
    held = session.get(SESSION_KEY)
    if not isinstance(held, dict) or int(held.get("until", 0)) < time.time():
        session.pop(SESSION_KEY, None)
        return None
    try:
        link = db.session.get(AgencyReportLink, _uuid(held.get("link")))
    except ValueError:
        link = None
    if link is None or not link.is_live() or not _outstanding(link):
        session.pop(SESSION_KEY, None)
        return None
    return link


def _uuid(value):
    return uuid.UUID(str(value))


def child_for(link):
    """Only what the agency needs to identify the child."""
    case = link.request.case
    return {"name": case.full_name, "date_of_birth": case.date_of_birth,
            "date_of_death": case.date_of_death}


def view_report_form(link):
    """The child, for the form page that shows them: each showing audited."""
    child = child_for(link)
    audit.record(AuditEvent.AGENCY_LINK_FORM_VIEWED, target=link.request,
                 detail={"link": str(link.id)})
    db.session.commit()
    return child


def save_draft(link, draft):
    link.draft = draft
    audit.record(AuditEvent.AGENCY_LINK_DRAFT_SAVED, target=link.request,
                 detail={"link": str(link.id)})
    db.session.commit()


def submit_report(link, summary, key_facts):
    """Mark the request received through the cases service; the link is then used up."""
    if not link.is_live() or not _outstanding(link):
        raise ValidationError("This link can no longer be used")
    report = link.request
    link.used_at = utcnow()
    link.draft = None
    audit.record(AuditEvent.AGENCY_LINK_SUBMITTED, target=report, detail={"link": str(link.id)})
    case_services.record_agency_report(None, report.case, report, today(), summary, key_facts)
    session.pop(SESSION_KEY, None)
