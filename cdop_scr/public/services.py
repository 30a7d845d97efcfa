"""Public notifications: take one in (rate-limited), give the notifier their copy once, and let
the coordinator accept it (a case, with the duplicate check), link it, or reject it.

Nothing here ever shows a submission back to the public except the notifier's one copy.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import date, timedelta

from flask import current_app, url_for
from sqlalchemy import func, select, text

from .. import audit, mail
from ..audit import AuditEvent
from ..cases import services as case_services
from ..cases.clocks import today
from ..errors import NotFound, ValidationError
from ..extensions import begin_writing, db
from ..models.base import utcnow
from ..models.cases import Case, Relationship
from ..models.outside import PublicNotification, PublicNotificationStatus, PublicSubmission
from . import forms

log = logging.getLogger("cdop_scr.public")

COPY_MINUTES = 30
# No 0/O or 1/I/L: a reference read out over the telephone is not misheard.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
DATE_FIELDS = ("date_of_birth", "date_of_death")
# pg_advisory_xact_lock(namespace, key): "PUBN" for public submissions, then the address's key.
ADDRESS_LOCK_NAMESPACE = 0x5055424E


class RateLimited(Exception):
    """Too many notifications from one address in the last hour."""


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _address_key(address):
    ring = current_app.extensions["cdop_keyring"]
    return hmac.new(ring.index_key, b"public-notification:" + address.encode(),
                    "sha256").hexdigest()


def new_reference():
    """Like PN-7K3D-9QXR-M2HT: 60 random bits, unrelated to any case reference."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(12))
    return f"PN-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def _serialise(details):
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in details.items()}


def _deserialise(details):
    values = dict(details)
    for name in DATE_FIELDS:
        if values.get(name):
            values[name] = date.fromisoformat(values[name])
    return values


# --- the public side -----------------------------------------------------------------------

def is_rate_limited(address):
    """True when this address already sent the hourly allowance (counted in the database, so
    the limit holds across every worker)."""
    since = utcnow() - timedelta(hours=1)
    count = db.session.scalar(
        select(func.count()).select_from(PublicSubmission).where(
            PublicSubmission.address_key == _address_key(address), PublicSubmission.at >= since))
    return count >= current_app.config["PUBLIC_NOTIFICATIONS_PER_HOUR"]


def _lock_address(address):
    """Make this transaction the only one counting and adding submissions from this address
    until it ends, so simultaneous posts cannot all count below the limit and all go in."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        key = int(_address_key(address)[:8], 16) - 2**31  # a signed 32-bit key
        connection.execute(text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
                           {"namespace": ADDRESS_LOCK_NAMESPACE, "key": key})
    else:
        # SQLite has one writer at a time: holding the write lock (BEGIN IMMEDIATE) is enough.
        begin_writing(connection)


def note_refusal(why):
    """Log a refused submission: why only, never what was sent or from where."""
    log.warning("public notification refused: %s", why)


def submit_notification(address, details, family):
    """Queue a notification; returns it and the one-time token for the notifier's copy.

    The count and the insert are one locked transaction: over the limit, it rolls back."""
    _lock_address(address)
    if is_rate_limited(address):
        db.session.rollback()
        note_refusal("rate limit")
        raise RateLimited()
    token = secrets.token_urlsafe(32)
    notification = PublicNotification(
        reference=new_reference(), status=PublicNotificationStatus.NEW.value,
        submitted_on=today(), copy_token_hash=_hash(token),
        copy_expires_at=utcnow() + timedelta(minutes=COPY_MINUTES))
    notification.content = {"details": _serialise(details),
                            "family": [list(pair) for pair in family]}
    db.session.add(notification)
    db.session.add(PublicSubmission(address_key=_address_key(address), at=utcnow()))
    db.session.flush()
    audit.record(AuditEvent.PUBLIC_NOTIFICATION_SUBMITTED, target=notification)
    db.session.commit()
    alert_coordinator()
    return notification, token


def alert_coordinator():
    """E-mail the coordinator that something is waiting: no identifiers, just the link."""
    address = current_app.config.get("MAIL_COORDINATOR_ADDRESS")
    if not (mail.is_configured() and address):
        return False
    body = ("A new notification of a child's death is waiting in the new notifications "
            "queue.\n\n"
            f"Sign in to read it: {url_for('public.list_notifications', _external=True)}\n\n"
            "This e-mail deliberately contains no details of the notification.\n")
    try:
        mail.send(address, "A new notification is waiting", body)
    except mail.MailError:
        return False  # the in-app queue still shows it
    return True


def take_copy(token):
    """The notification whose copy this one-time token unlocks (then never again), or None."""
    if not token:
        return None
    notification = db.session.scalar(
        select(PublicNotification).where(PublicNotification.copy_token_hash == _hash(token)))
    if notification is None or not hmac.compare_digest(notification.copy_token_hash,
                                                       _hash(token)):
        return None
    expired = notification.copy_expires_at is None or utcnow() >= notification.copy_expires_at
    notification.copy_token_hash = None
    notification.copy_expires_at = None
    if expired:
        db.session.commit()
        return None
    audit.record(AuditEvent.PUBLIC_NOTIFICATION_COPY_DOWNLOADED, target=notification)
    db.session.commit()
    return notification


def _display(name, value):
    if value in (None, "", []):
        return None
    if name in DATE_FIELDS:
        return date.fromisoformat(value).strftime("%-d %B %Y")
    if name == "resident":
        return "Yes" if value else "No"
    if name == "other_names":
        return ", ".join(value)
    return forms.choice_label(name, value)


def copy_text(notification, sent_at):
    """The notifier's copy: the reference and what they typed, nothing else."""
    details = notification.content["details"]
    lines = [
        "Copy of your notification of a child's death",
        f"Reference: {notification.reference}",
        f"Sent: {sent_at.strftime('%-d %B %Y at %H:%M')} UTC",
        "",
        "This copy holds personal information about a child who has died.",
        "Keep it securely and delete it when you no longer need it.",
    ]
    for heading, names in forms.COPY_SECTIONS:
        lines += ["", heading]
        for name in names:
            shown = _display(name, details.get(name))
            if shown is not None:
                lines.append(f"{forms.copy_label(name)}: {shown}")
    family = notification.content.get("family") or []
    if family:
        lines += ["", "Family"]
        for relation, name in family:
            lines.append(f"{Relationship.label_of(relation, relation)}: {name}")
    return "\n".join(lines) + "\n"


# --- the coordinator's queue ---------------------------------------------------------------

def count_new():
    return db.session.scalar(select(func.count()).select_from(PublicNotification).where(
        PublicNotification.status == PublicNotificationStatus.NEW))


def list_notifications(actor):
    """New notifications, oldest first, then the last 20 decided; the view is audited."""
    new = db.session.scalars(
        select(PublicNotification).where(PublicNotification.status
                                         == PublicNotificationStatus.NEW)
        .order_by(PublicNotification.created_at)).all()
    decided = db.session.scalars(
        select(PublicNotification).where(PublicNotification.status
                                         != PublicNotificationStatus.NEW)
        .order_by(PublicNotification.decided_at.desc()).limit(20)).all()
    audit.record(AuditEvent.PUBLIC_NOTIFICATIONS_LISTED, actor=actor,
                 detail={"new": len(new), "decided": len(decided)})
    db.session.commit()
    return new, decided


def get_notification(notification_id):
    notification = db.session.get(PublicNotification, notification_id)
    if notification is None:
        raise NotFound()
    return notification


def view_notification(actor, notification_id):
    notification = get_notification(notification_id)
    audit.record(AuditEvent.PUBLIC_NOTIFICATION_VIEWED, actor=actor, target=notification)
    db.session.commit()
    return notification


def _check_new(notification):
    if not notification.is_new:
        raise ValidationError(f"This notification has already been dealt with: "
                              f"{notification.status_label.lower()}")


def _decide(actor, notification, status):
    notification.status = status.value
    notification.decided_at = utcnow()
    notification.decided_by_id = actor.id


def accept_notification(actor, notification, confirmed_new=False):
    """Create a case from the notification (cases.notify_death, whose duplicate check raises
    PossibleDuplicate unless the coordinator confirmed it is a different child)."""
    _check_new(notification)
    details = _deserialise(notification.content["details"])
    details["notified_on"] = notification.submitted_on
    family = [tuple(pair) for pair in notification.content.get("family") or []]
    case = case_services.notify_death(actor, details, family, confirmed_new=confirmed_new)
    _decide(actor, notification, PublicNotificationStatus.ACCEPTED)
    notification.case_id = case.id
    audit.record(AuditEvent.PUBLIC_NOTIFICATION_ACCEPTED, actor=actor, target=notification,
                 detail={"case": str(case.id)})
    db.session.commit()
    return case


def link_notification(actor, notification, case_id=None, case_ref=None):
    """Record that the notification is about a case already open (no new case): one the
    duplicate check matched (case_id), or any case the coordinator names by reference."""
    _check_new(notification)
    if case_ref is not None:
        ref = case_services.normalise_case_ref(case_ref)
        case = db.session.scalar(select(Case).where(Case.case_ref == ref))
        if case is None:
            raise ValidationError(f"There is no case with the reference {ref}. Check the "
                                  f"reference on the case's page")
    else:
        case = case_services.get_case(case_id)
    _decide(actor, notification, PublicNotificationStatus.LINKED)
    notification.case_id = case.id
    audit.record(AuditEvent.PUBLIC_NOTIFICATION_LINKED, actor=actor, target=notification,
                 detail={"case": str(case.id),
                         "by": "case_ref" if case_ref is not None else "match"})
    db.session.commit()
    return case


def reject_notification(actor, notification, reason):
    _check_new(notification)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter why this notification is being rejected")
    _decide(actor, notification, PublicNotificationStatus.REJECTED)
    notification.reject_reason = reason
    audit.record(AuditEvent.PUBLIC_NOTIFICATION_REJECTED, actor=actor, target=notification)
    db.session.commit()
