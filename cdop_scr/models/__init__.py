"""All models, imported in one place so Alembic sees every table."""

from .audit import AuditRecord
from .users import RecoveryCode, SignInAttempt, User, UserRole, UserSession

__all__ = [
    "AuditRecord",
    "RecoveryCode", "SignInAttempt", "User", "UserRole", "UserSession"]
