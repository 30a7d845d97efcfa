"""All models, imported in one place so Alembic sees every table."""

from .audit import AuditRecord
from .cases import AgencyReportRequest, Case, CaseRefCounter, FamilyMember
from .users import RecoveryCode, SignInAttempt, User, UserRole, UserSession

__all__ = [
    "AgencyReportRequest", "AuditRecord", "Case", "CaseRefCounter", "FamilyMember",
    "RecoveryCode", "SignInAttempt", "User", "UserRole", "UserSession"]
