"""Account administration: create, edit roles, disable and enable, reset password or 2FA."""

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .. import audit
from ..audit import AuditEvent
from ..auth import passwords
from ..auth.services import end_all_sessions, normalise_email
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..models import User, UserRole
from ..permissions import Role


def list_users():
    return db.session.scalars(select(User).order_by(User.full_name)).all()


def get_user(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def _check_roles(roles):
    roles = [Role(r) for r in roles]
    if not roles:
        raise ValidationError("Select at least one role")
    return roles


def _check_email_free(email, user=None):
    existing = db.session.scalar(select(User).filter_by(email=email))
    if existing is not None and existing is not user:
        raise ValidationError("An account with this email address already exists")


def create_user(actor, email, full_name, roles, password=None):
    """Create an account; returns (user, temporary password to pass on, or None)."""
    email = normalise_email(email)
    roles = _check_roles(roles)
    _check_email_free(email)
    temporary = None
    if password is None:
        temporary = passwords.temporary_password()
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=passwords.hash_password(password or temporary),
        password_change_required=temporary is not None,
    )
    user.role_rows = [UserRole(role=r.value) for r in roles]
    db.session.add(user)
    db.session.flush()
    audit.record(AuditEvent.USER_CREATED, actor=actor, target=user,
                 detail={"roles": [r.value for r in roles]})
    db.session.commit()
    return user, temporary


ACCOUNT_CONFLICT = ("Someone else changed this account while you were editing it. "
                    "Nothing was saved.")


def update_user(actor, user, version, email, full_name, roles):
    """Change a user's details and roles; a role change ends their sessions."""
    try:
        stale = int(version) != user.version
    except (TypeError, ValueError):
        stale = True  # a garbled version (a tampered form) is treated as a stale one
    if stale:
        raise Conflict(ACCOUNT_CONFLICT)
    email = normalise_email(email)
    roles = _check_roles(roles)
    _check_email_free(email, user)
    if user.id == actor.id and Role.ADMIN not in roles:
        raise ValidationError("You cannot remove your own administrator role")
    old_roles = set(user.roles)
    user.email, user.full_name = email, full_name.strip()
    if set(roles) != old_roles:
        user.role_rows = [UserRole(role=r.value) for r in roles]
        end_all_sessions(user, "roles_changed")
        audit.record(AuditEvent.USER_ROLES_CHANGED, actor=actor, target=user,
                     detail={"from": sorted(r.value for r in old_roles),
                             "to": sorted(r.value for r in roles)})
    audit.record(AuditEvent.USER_UPDATED, actor=actor, target=user)
    try:
        db.session.commit()
    except StaleDataError as exc:  # a concurrent save got there first (PostgreSQL)
        db.session.rollback()
        raise Conflict(ACCOUNT_CONFLICT) from exc
    return user


def set_disabled(actor, user, disabled):
    if user.id == actor.id:
        raise ValidationError("You cannot disable your own account")
    user.disabled = disabled
    if disabled:
        end_all_sessions(user, "disabled")
    audit.record(AuditEvent.USER_DISABLED if disabled else AuditEvent.USER_ENABLED,
                 actor=actor, target=user)
    db.session.commit()


def reset_password(actor, user):
    """Issue a temporary password; the user must change it, and their sessions end."""
    temporary = passwords.temporary_password()
    user.password_hash = passwords.hash_password(temporary)
    user.password_change_required = True
    end_all_sessions(user, "password_reset")
    audit.record(AuditEvent.PASSWORD_RESET, actor=actor, target=user)
    db.session.commit()
    return temporary


def reset_two_factor(actor, user):
    """Clear a lost authenticator: the user enrols again at next sign-in."""
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    user.recovery_codes.clear()
    end_all_sessions(user, "two_factor_reset")
    audit.record(AuditEvent.USER_UPDATED, actor=actor, target=user,
                 detail={"change": "two_factor_reset"})
    db.session.commit()
