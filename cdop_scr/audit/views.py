"""The audit log list and the "who has accessed this record" (Caldicott) report."""

import uuid

from flask import render_template, request
from flask_login import current_user

from ..permissions import Permission, requires
from . import bp, services
from .forms import AuditFilterForm


@bp.get("/audit")
@requires(Permission.VIEW_AUDIT)
def list_events():
    form = AuditFilterForm(request.args)
    form.set_users(services.user_choices())
    valid = form.validate()
    filters = {}
    if valid:
        filters = {
            "event": form.event.data or None,
            "user_id": uuid.UUID(form.user.data) if form.user.data else None,
            "date_from": form.date_from.data,
            "date_to": form.date_to.data,
        }
    # Past the last page a list is empty; a page number too big for SQL would be a 500.
    page = min(max(request.args.get("page", 1, type=int), 1), 1_000_000)
    pagination, events = services.list_events(current_user, page=page, **filters)
    return render_template("audit/list-events.html", form=form, pagination=pagination,
                           events=events)


@bp.get("/audit/records/<target_type>/<uuid:target_id>")
@requires(Permission.VIEW_AUDIT)
def record_access(target_type, target_id):
    accesses = services.view_record_accesses(current_user, target_type, target_id)
    return render_template("audit/record-access.html", accesses=accesses,
                           target_type=target_type, target_id=target_id,
                           record_label=services.target_label(target_type))
