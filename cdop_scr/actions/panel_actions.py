"""CDOP panel actions: the recommendations a panel signed off, tracked on the shared pages.

At sign-off each panel recommendation becomes an action on the case's plan (see
`panels.services._track_recommendations`). The board manager follows them here, exactly as the
actions of a serious case review: start, evidence, acceptance, challenges. The pages name the
case by its reference only; the recommendation text was written pseudonymised by the panel.
"""

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user

from ..errors import NotFound
from ..extensions import db
from ..models.actions import SourceType
from ..models.cases import Case
from ..permissions import Permission, requires
from ..workdays import today
from . import services as actions
from .views import PlanPages, PlanSource

bp = Blueprint("panel_actions", __name__)

SOURCE = SourceType.CDOP_CASE.value


class CasePlans(PlanSource):
    blueprint = "panel_actions"
    id_arg = "case_id"
    url_prefix = "/panel-actions/<uuid:case_id>"
    source_type = SOURCE

    def get(self, source_id):
        """The case, only when the panel gave it an action plan: other cases are not found."""
        case = db.session.get(Case, source_id)
        if case is None or actions.plan_for(SOURCE, case.id) is None:
            raise NotFound()
        return case

    def reference(self, case):
        return case.case_ref

    def source_url(self, case):
        return url_for("panel_actions.list_actions")

    def back_text(self, case):
        return "Back to CDOP panel actions"


PlanPages(CasePlans()).register(bp, Permission.MANAGE_SCR)


@bp.get("/panel-actions")
@requires(Permission.MANAGE_SCR)
def list_actions():
    """Every action from every panel's recommendations, by case, with what is overdue."""
    rows = actions.view_tracker(current_user._get_current_object(), SOURCE)
    return render_template("actions/panel-actions.html", rows=rows, today=today(),
                           escalation_days=current_app.config["ESCALATION_OVERDUE_DAYS"])
