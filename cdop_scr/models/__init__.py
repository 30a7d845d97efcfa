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
from .learning import LearningSummary
from .outside import AgencyReportLink, PublicNotification, PublicSubmission
from .panels import (
    AgendaItem,
    Analysis,
    AnalysisFactor,
    BreakGlassGrant,
    ConflictDeclaration,
    FactorTheme,
    PanelMeeting,
    PanelMembership,
    PanelRecommendation,
    ReviewSignOff,
)
from .scr import Review, ReviewAgency, ReviewMeeting
from .users import RecoveryCode, SignInAttempt, User, UserRole, UserSession

__all__ = [
    "Action", "ActionChallenge", "ActionEvidence", "ActionPlan", "AgencyReportLink",
    "AgencyReportRequest", "AgendaItem", "Analysis", "AnalysisFactor", "AuditRecord",
    "BreakGlassGrant", "Case", "CaseRefCounter", "ConflictDeclaration", "Document",
    "DocumentContent", "FactorTheme", "FamilyMember", "LearningSummary", "PanelMeeting",
    "PanelMembership", "PanelRecommendation", "PublicNotification", "PublicSubmission",
    "Recommendation", "RecoveryCode", "Review", "ReviewAgency", "ReviewMeeting",
    "ReviewSignOff", "SignInAttempt", "User", "UserRole", "UserSession",
]
