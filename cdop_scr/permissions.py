"""Roles, permissions, the role -> permission table, and the two access decorators.

Every view carries exactly one of `@requires(Permission.X)` or `@public`; the before_request
hook in security.py refuses any endpoint with neither.
"""

import enum
from functools import wraps


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    PANEL_CHAIR = "panel_chair"
    PANEL_MEMBER = "panel_member"
    BOARD_MANAGER = "board_manager"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.COORDINATOR: "CDOP coordinator",
    Role.PANEL_CHAIR: "Panel chair",
    Role.PANEL_MEMBER: "Panel member",
    Role.BOARD_MANAGER: "Board manager",
}


class Permission(enum.StrEnum):
    # Any signed-in user: their own account, sign out, the home page.
    USE_ACCOUNT = "use_account"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    EDIT_CASES = "edit_cases"
    VIEW_IDENTIFIERS = "view_identifiers"
    BREAK_GLASS = "break_glass"
    VIEW_BREAK_GLASS_ALERTS = "view_break_glass_alerts"
    RUN_PANEL_MEETINGS = "run_panel_meetings"
    VIEW_PANEL_CASES = "view_panel_cases"
    RECORD_ANALYSIS = "record_analysis"
    SIGN_OFF_REVIEW = "sign_off_review"
    MANAGE_SCR = "manage_scr"
    VIEW_REPORTS = "view_reports"
    VIEW_UNSUPPRESSED = "view_unsuppressed"
    DRAFT_LEARNING = "draft_learning"
    PUBLISH_LEARNING = "publish_learning"


_ALL = set(Role)
POLICY = {
    Permission.USE_ACCOUNT: _ALL,
    Permission.MANAGE_USERS: {Role.ADMIN},
    Permission.VIEW_AUDIT: {Role.ADMIN, Role.BOARD_MANAGER},
    Permission.EDIT_CASES: {Role.COORDINATOR},
    Permission.VIEW_IDENTIFIERS: {Role.COORDINATOR},
    Permission.BREAK_GLASS: {Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.BOARD_MANAGER},
    # Who opened which case's record and why: case content, so not the administrator's.
    Permission.VIEW_BREAK_GLASS_ALERTS: {Role.COORDINATOR, Role.BOARD_MANAGER},
    Permission.RUN_PANEL_MEETINGS: {Role.COORDINATOR, Role.PANEL_CHAIR},
    Permission.VIEW_PANEL_CASES: {Role.COORDINATOR, Role.PANEL_CHAIR, Role.PANEL_MEMBER},
    Permission.RECORD_ANALYSIS: {Role.COORDINATOR, Role.PANEL_CHAIR, Role.PANEL_MEMBER},
    Permission.SIGN_OFF_REVIEW: {Role.PANEL_CHAIR},
    Permission.MANAGE_SCR: {Role.BOARD_MANAGER},
    Permission.VIEW_REPORTS: {Role.COORDINATOR, Role.PANEL_CHAIR, Role.BOARD_MANAGER},
    Permission.VIEW_UNSUPPRESSED: {Role.COORDINATOR, Role.BOARD_MANAGER},
    Permission.DRAFT_LEARNING: {Role.COORDINATOR, Role.PANEL_CHAIR, Role.BOARD_MANAGER},
    Permission.PUBLISH_LEARNING: {Role.BOARD_MANAGER},
}


def permissions_for(roles):
    """The set of permissions a holder of these roles has."""
    roles = {Role(r) for r in roles}
    return {perm for perm, allowed in POLICY.items() if roles & allowed}


def roles_with(permission):
    return set(POLICY[permission])


PUBLIC = "public"


def requires(permission):
    """Declare the permission an endpoint needs; security.py enforces it before the view runs."""
    if not isinstance(permission, Permission):
        raise TypeError("requires() takes a Permission")

    def decorator(view):
        return _declare(view, permission)

    return decorator


def public(view):
    """Declare an endpoint open to everyone, signed in or not."""
    return _declare(view, PUBLIC)


def _declare(view, access):
    """Wrap the view with its one access rule; a second rule on the same view is a TypeError."""
    if access_of(view) is not None:
        raise TypeError(f"{getattr(view, '__name__', view)!s} already declares "
                        f"{access_of(view)!s}: a view takes exactly one of @requires or @public")

    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    wrapper.access = access
    return wrapper


def access_of(view):
    """The declared access of a view function, or None when it declares nothing."""
    return getattr(view, "access", None)
