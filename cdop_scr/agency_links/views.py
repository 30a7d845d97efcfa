"""The agency contact's pages (public, reached only through a secure link) and the
coordinator's send and revoke actions on an agency report request."""

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user

from ..cases import services as case_services
from ..cases.forms import KEY_FACTS
from ..errors import ValidationError
from ..permissions import Permission, public, requires
from . import bp, redaction, services
from .forms import LinkReportForm

SENT_KEY = "agency_report_sent"


@bp.record_once
def _keep_tokens_out_of_logs(state):
    redaction.install(state.app)


@bp.app_context_processor
def _links():
    return {"secure_link_for": services.live_link_for}


def _closed():
    """One page for every link that cannot be used: it says why links stop, not which."""
    return render_template("agency_links/link-closed.html"), 404


@bp.get("/agency-report/<token>")
@public
def open_link(token):
    """Swap the token for a short session at once, so no later URL carries it."""
    if services.open_link(token) is None:
        return _closed()
    return redirect(url_for("agency_links.edit_report"))


@bp.route("/agency-report", methods=["GET", "POST"])
@public
def edit_report():
    link = services.current_link()
    if link is None:
        return _closed()
    form = LinkReportForm()
    if not form.is_submitted():
        form.fill_from(link.draft)
    elif form.validate():
        if form.submit.data:
            if form.is_complete():
                try:
                    services.submit_report(link, form.summary.data, form.key_facts())
                except ValidationError:
                    return _closed()
                session[SENT_KEY] = True
                return redirect(url_for("agency_links.report_sent"))
        else:
            services.save_draft(link, form.draft())
            flash("Your draft has been saved. You can come back to it using the link in "
                  "your e-mail until it expires.", "success")
            return redirect(url_for("agency_links.edit_report"))
    return render_template("agency_links/edit-report.html", form=form, link=link,
                           report=link.request, child=services.view_report_form(link),
                           key_facts=KEY_FACTS)


@bp.get("/agency-report/sent")
@public
def report_sent():
    if not session.pop(SENT_KEY, False):
        return _closed()
    return render_template("agency_links/report-sent.html")


# --- the coordinator's actions -------------------------------------------------------------

def _to_case(case):
    return redirect(url_for("cases.view_case", case_id=case.id))


@bp.post("/cases/<uuid:case_id>/agency-reports/<uuid:report_id>/secure-link")
@requires(Permission.EDIT_CASES)
def send_link(case_id, report_id):
    case = case_services.get_case(case_id)
    report = case_services.get_report(case, report_id)
    try:
        services.send_link(current_user._get_current_object(), case, report)
    except ValidationError as error:
        flash(error.message, "error")
    else:
        flash(f"Secure link sent to {report.contact_email}.", "success")
    return _to_case(case)


@bp.post("/cases/<uuid:case_id>/agency-reports/<uuid:report_id>/secure-link/revoke")
@requires(Permission.EDIT_CASES)
def revoke_link(case_id, report_id):
    case = case_services.get_case(case_id)
    report = case_services.get_report(case, report_id)
    try:
        services.revoke_links(current_user._get_current_object(), case, report)
    except ValidationError as error:
        flash(error.message, "error")
    else:
        flash(f"The secure link for the {report.agency_label} report no longer works.",
              "success")
    return _to_case(case)
