"""Service navigation: the sections a signed-in user's roles let them use."""

from flask import current_app, request, url_for
from flask_login import current_user

from .permissions import Permission

# (label, endpoint, permission); sections whose blueprint is not built yet are left out.
SECTIONS = [
    ("Home", "main.home", Permission.USE_ACCOUNT),
    ("Cases", "cases.list_cases", Permission.EDIT_CASES),
    ("Panel meetings", "panels.list_meetings", Permission.VIEW_PANEL_CASES),
    ("Case reviews", "scr.list_reviews", Permission.MANAGE_SCR),
    ("Reports", "reporting.index", Permission.VIEW_REPORTS),
    ("Learning", "learning.library", Permission.DRAFT_LEARNING),
    ("Break-glass alerts", "panels.list_break_glass_alerts", Permission.VIEW_BREAK_GLASS_ALERTS),
    ("Users", "users.list_users", Permission.MANAGE_USERS),
    ("Audit", "audit.list_events", Permission.VIEW_AUDIT),
]
# Sections that are one page of a blueprint another section names: active on that page only.
SINGLE_PAGES = {"panels.list_break_glass_alerts"}


def navigation_items():
    if not current_user.is_authenticated:
        return []
    items = []
    for label, endpoint, permission in SECTIONS:
        if endpoint not in current_app.view_functions or not current_user.can(permission):
            continue
        blueprint = endpoint.split(".")[0]
        if blueprint == "main" or endpoint in SINGLE_PAGES:
            active = request.endpoint == endpoint
        else:
            active = request.blueprint == blueprint and request.endpoint not in SINGLE_PAGES
        current = request.endpoint == endpoint  # aria-current="page" on the page itself
        items.append({"text": label, "href": url_for(endpoint), "active": active,
                      "current": current})
    return items


def init_app(app):
    app.context_processor(lambda: {"navigation_items": navigation_items})
