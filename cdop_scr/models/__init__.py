"""All models, imported in one place so Alembic sees every table."""

from .actions import (
    Action,
    ActionChallenge,
    ActionEvidence,
    ActionPlan,
    Document,
    DocumentContent,
    Recommendation,
)
from .audit import AuditRecord
from .cases import AgencyReportRequest, Case, CaseRefCounter, FamilyMember
from .panels import (
    AgendaItem, Analysis, AnalysisFactor, BreakGlassGrant, ConflictDeclaration, FactorTheme,
    PanelMeeting, PanelMembership, PanelRecommendation, ReviewSignOff)
from .scr import Review, ReviewAgency, ReviewMeeting
from .users import RecoveryCode, SignInAttempt, User, UserRole, UserSession

__all__ = [
    "AgencyReportRequest", "AuditRecord", "Case", "CaseRefCounter", "FamilyMember",
    "RecoveryCode", "SignInAttempt", "User", "UserRole", "UserSession",
    "Action", "ActionChallenge", "ActionEvidence", "ActionPlan", "Document", "DocumentContent",
    "Recommendation", "Review", "ReviewAgency", "ReviewMeeting"]
