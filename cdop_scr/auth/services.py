"""Sign-in, server-side sessions, throttling, two-factor sign-in and password changes."""

import hashlib
import hmac
import secrets
import time
from datetime import timedelta

import pyotp
from flask import current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from .. import audit
from ..audit import AuditEvent
from ..errors import ValidationError
from ..extensions import db
from ..models import RecoveryCode, SignInAttempt, User, UserSession
from ..models.base import utcnow
from . import passwords

PENDING_SECONDS = 300
RECOVERY_CODE_COUNT = 10


class SignInRefused(Exception):
    """Sign-in failed; `throttled` tells the view to answer 429."""

    def __init__(self, message, throttled=False):
        super().__init__(message)
        self.message = message
        self.throttled = throttled


BAD_CREDENTIALS = "Enter a correct email address and password"
THROTTLED = "Too many failed attempts to sign in. Wait {wait}, then try again"


def normalise_email(email):
    return (email or "").strip().lower()


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _account_key(email):
    ring = current_app.extensions["cdop_keyring"]
    message = b"sign-in:" + normalise_email(email).encode()
    return hmac.new(ring.index_key, message, "sha256").hexdigest()


def client_address():
    return (request.remote_addr or "unknown")[:64] if request else "cli"


# Sessions ------------------------------------------------------------------------------------

def open_session(user):
    """Create a server-side session for the user and return its token (kept in the cookie)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(UserSession(
        user_id=user.id, token_hash=_token_hash(token), created_at=now, last_seen_at=now
    ))
    return token


def load_session_user(user_id):
    """Flask-Login's loader: the user only while their server-side session is live."""
    token = session.get("sid")
    if not token:
        return None
    # One indexed query for the session, its user and their roles: this runs on every request.
    row = db.session.scalar(
        select(UserSession).filter_by(token_hash=_token_hash(token))
        .options(joinedload(UserSession.user).joinedload(User.role_rows)))
    if row is None or row.ended_at is not None or str(row.user_id) != str(user_id):
        return None
    config, now = current_app.config, utcnow()
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        row.ended_at, row.end_reason = now, "timed_out"
        audit.record(AuditEvent.SESSION_EXPIRED, actor=row.user, target=row.user)
        db.session.commit()
        return None
    user = row.user
    if user.disabled:
        return None
    if now - row.last_seen_at > timedelta(seconds=60):
        row.last_seen_at = now
        db.session.commit()
    return user


def end_all_sessions(user, reason):
    """End every live session of this user, wherever it is."""
    now = utcnow()
    for row in db.session.scalars(
        select(UserSession).filter_by(user_id=user.id, ended_at=None)
    ):
        row.ended_at, row.end_reason = now, reason


def _start(user):
    session.clear()  # a new session at sign-in: no fixation
    token = open_session(user)
    user.last_sign_in_at = utcnow()
    audit.record(AuditEvent.SIGN_IN_SUCCEEDED, actor=user, target=user)
    db.session.commit()
    session["sid"] = token
    login_user(user)


def sign_out(user):
    token = session.get("sid")
    if token:
        row = db.session.scalar(select(UserSession).filter_by(token_hash=_token_hash(token)))
        if row is not None and row.ended_at is None:
            row.ended_at, row.end_reason = utcnow(), "signed_out"
    audit.record(AuditEvent.SIGNED_OUT, actor=user, target=user)
    db.session.commit()
    logout_user()
    session.clear()


# Throttling ------------------------------------------------------------------------------------

def _is_throttled(account_key, address):
    """True while an account or an address is backed off.

    The back-off starts with the failure that makes SIGN_IN_MAX_FAILURES within the window
    and lasts the window's length from the latest such failure: refused attempts are not
    failures, so waiting it out always works. Read from the database: it holds across workers.
    """
    config = current_app.config
    window = timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"])
    now = utcnow()
    rows = db.session.execute(
        select(SignInAttempt.at, SignInAttempt.account_key == account_key,
               SignInAttempt.address == address)
        .where(SignInAttempt.at >= now - 2 * window,
               or_(SignInAttempt.account_key == account_key, SignInAttempt.address == address))
    ).all()
    by_account = [at for at, account, _ in rows if account]
    by_address = [at for at, _, from_address in rows if from_address]
    limit = config["SIGN_IN_MAX_FAILURES"]
    return _backed_off(by_account, now, limit, window) or \
        _backed_off(by_address, now, limit, window)


def _backed_off(times, now, limit, window):
    """Whether a failure in the last `window` closed a run of `limit` failures within `window`."""
    times = sorted(times)
    return any(
        now - times[last] < window and times[last] - times[last - limit + 1] <= window
        for last in range(limit - 1, len(times))
    )


def throttled_message():
    minutes = current_app.config["SIGN_IN_WINDOW_MINUTES"]
    return THROTTLED.format(wait=f"{minutes} minute" + ("" if minutes == 1 else "s"))


def _record_failure(account_key, address, user=None, event=AuditEvent.SIGN_IN_FAILED):
    db.session.add(SignInAttempt(account_key=account_key, address=address, at=utcnow()))
    audit.record(event, actor=user, target=user, outcome="failure")
    db.session.commit()


# Sign-in steps ---------------------------------------------------------------------------------

def check_password_step(email, password):
    """First step: the password. Returns the user and the next step: 'done', 'verify' or 'enrol'."""
    account_key, address = _account_key(email), client_address()
    if _is_throttled(account_key, address):
        audit.record(AuditEvent.SIGN_IN_THROTTLED, outcome="refused")
        db.session.commit()
        raise SignInRefused(throttled_message(), throttled=True)
    user = db.session.scalar(select(User).filter_by(email=normalise_email(email)))
    if user is None:
        passwords.burn_time(password)
        _record_failure(account_key, address)
        raise SignInRefused(BAD_CREDENTIALS)
    matches, new_hash = passwords.check_password(user.password_hash, password)
    if not matches or user.disabled:
        _record_failure(account_key, address, user)
        raise SignInRefused(BAD_CREDENTIALS)
    if new_hash:
        user.password_hash = new_hash
        db.session.commit()
    if user.totp_enabled:
        return user, _pending(user, "verify")
    if two_factor_required(user):
        return user, _pending(user, "enrol")
    _start(user)
    return user, "done"


def _pending(user, stage):
    session.clear()
    session["pending_user_id"] = str(user.id)
    session["pending_since"] = int(time.time())
    session["pending_stage"] = stage
    return stage


def pending_user(stage):
    """The user part-way through signing in at this stage, or None when there is none."""
    if session.get("pending_stage") != stage:
        return None
    if int(time.time()) - int(session.get("pending_since", 0)) > PENDING_SECONDS:
        session.clear()
        return None
    return db.session.get(User, _uuid(session.get("pending_user_id")))


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def two_factor_required(user):
    required = set(current_app.config["TWO_FACTOR_REQUIRED_ROLES"])
    return any(role.value in required for role in user.roles)


def verify_step(user, code):
    """Second step: a TOTP code (each accepted once) or an unused recovery code."""
    account_key, address = _account_key(user.email), client_address()
    if _is_throttled(account_key, address):
        raise SignInRefused(throttled_message(), throttled=True)
    if _accept_totp(user, code):
        _start(user)
        return
    if _accept_recovery_code(user, code):
        audit.record(AuditEvent.RECOVERY_CODE_USED, actor=user, target=user)
        _start(user)
        return
    _record_failure(account_key, address, user, AuditEvent.TWO_FACTOR_FAILED)
    raise SignInRefused("Enter a correct security code")


def _accept_totp(user, code):
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6) or not user.totp_secret:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now_step = int(time.time()) // totp.interval
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.at(step * totp.interval), code):
            # RFC 6238 5.2: a code is accepted once; refuse this step and any earlier one.
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False


def _accept_recovery_code(user, code):
    code = "".join((code or "").split()).lower()
    if len(code) != 10:
        return False
    for row in user.recovery_codes:
        if row.used_at is None and passwords.check_password(row.code_hash, code)[0]:
            row.used_at = utcnow()
            return True
    return False


# Two-factor enrolment --------------------------------------------------------------------------

def start_enrolment(user):
    """Issue the secret to enrol, kept (encrypted) on the user until a code confirms it.

    Asking again before confirming keeps the secret already issued (a double click, say).
    """
    if user.totp_enabled:
        raise ValidationError("Two-factor sign-in is already set up")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        audit.record(AuditEvent.USER_UPDATED, actor=user, target=user,
                     detail={"change": "two_factor_key_issued"})
        db.session.commit()
    return user.totp_secret


def pending_secret(user):
    """The secret issued for enrolment and not yet confirmed, or None (reading only)."""
    return None if user.totp_enabled else user.totp_secret


def provisioning_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["SERVICE_NAME"]
    )


def confirm_enrolment(user, code, signing_in):
    """Turn two-factor sign-in on once a code from the new secret checks; return recovery codes."""
    if not _accept_totp(user, code):
        if signing_in:
            _record_failure(_account_key(user.email), client_address(), user,
                            AuditEvent.TWO_FACTOR_FAILED)
        raise ValidationError("Enter the 6-digit code shown in your authenticator app")
    user.totp_enabled = True
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes.clear()
    for code_text in codes:
        user.recovery_codes.append(RecoveryCode(code_hash=passwords.hash_password(code_text)))
    audit.record(AuditEvent.TWO_FACTOR_ENROLLED, actor=user, target=user)
    if signing_in:
        _start(user)
    else:
        db.session.commit()
    return codes


# Passwords -------------------------------------------------------------------------------------

def validate_new_password(password, user):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ValidationError(f"Password must be {minimum} characters or more")
    if len(password) > 128:
        raise ValidationError("Password must be 128 characters or fewer")
    if normalise_email(password) in (user.email, user.full_name.lower()):
        raise ValidationError("Password must not be your email address or name")


def change_password(user, current_password, new_password):
    """Change a user's own password; every other session of theirs ends."""
    if not passwords.check_password(user.password_hash, current_password)[0]:
        raise ValidationError("Your current password is incorrect")
    validate_new_password(new_password, user)
    user.password_hash = passwords.hash_password(new_password)
    user.password_change_required = False
    end_all_sessions(user, "password_changed")
    audit.record(AuditEvent.PASSWORD_CHANGED, actor=user, target=user)
    token = open_session(user)
    db.session.commit()
    session["sid"] = token
