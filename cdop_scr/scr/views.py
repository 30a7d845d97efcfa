"""Board manager pages: reviews, their decision, status, agencies, documents and action plan."""

from flask import current_app, flash, redirect, render_template, request, url_for

from .. import uploads
from ..actions.views import PlanPages, PlanSource, document_limit
from ..actions.views import actor as _actor
from ..actions.views import add_error as _add_error
from ..actions.views import conflict_page as _conflict_page
from ..errors import Conflict, ValidationError
from ..models.actions import ActionStatus
from ..models.scr import DocumentKind
from ..panels.forms import BreakGlassForm
from ..panels.views import LONDON
from ..permissions import Permission, requires
from ..workdays import today
from . import bp, rules, services
from .clocks import clocks_for
from .forms import (
    AgencyForm,
    DecisionForm,
    DocumentForm,
    FromCaseForm,
    MeetingForm,
    ReviewForm,
    StatusForm,
)

# Lists and the dashboard ------------------------------------------------------------------------

@bp.get("/reviews")
@requires(Permission.MANAGE_SCR)
def list_reviews():
    reviews = services.list_reviews()
    services.record_list_viewed(_actor(), len(reviews))
    on = today()
    rows = [(r, [c for c in clocks_for(r, on) if c.breached]) for r in reviews]
    return render_template("scr/list-reviews.html", rows=rows,
                           referred_cases=services.referred_cases_without_review())


@bp.get("/reviews/dashboard")
@requires(Permission.MANAGE_SCR)
def dashboard():
    board = services.dashboard(_actor())
    return render_template("scr/dashboard.html", board=board, statuses=list(ActionStatus))


@bp.get("/reviews/action-tracker.csv")
@requires(Permission.MANAGE_SCR)
def export_tracker_csv():
    data = services.export_tracker(_actor(), "csv")
    return _attachment(data, "text/csv; charset=utf-8", "csv")


@bp.get("/reviews/action-tracker.xlsx")
@requires(Permission.MANAGE_SCR)
def export_tracker_xlsx():
    data = services.export_tracker(_actor(), "xlsx")
    return _attachment(
        data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")


def _attachment(data, mimetype, extension):
    name = f"action-plan-tracker-{today().isoformat()}.{extension}"
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# The review record ------------------------------------------------------------------------------

@bp.route("/reviews/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def create_review():
    form = ReviewForm()
    form.submit.label.text = "Create review"
    if not form.is_submitted():
        form.referred_on.data = today()
    if form.validate_on_submit():
        try:
            review = services.create_review(_actor(), **form.service_fields())
        except ValidationError as error:
            _add_error(form.incident_type, error.message)
        else:
            flash(f"Review {review.reference} has been created.", "success")
            return redirect(url_for("scr.view_review", review_id=review.id))
    return render_template("scr/edit-review.html", form=form, review=None)


@bp.route("/reviews/from-case/<uuid:case_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def create_review_from_case(case_id):
    case = services.get_referable_case(case_id)
    form = FromCaseForm()
    if form.validate_on_submit():
        looked_after = {"yes": True, "no": False}.get(form.looked_after.data)
        try:
            review = services.create_review_from_case(
                _actor(), case, la_learned_on=form.la_learned_on.data, looked_after=looked_after)
        except ValidationError as error:
            _add_error(form.la_learned_on, error.message)
        else:
            flash(f"Review {review.reference} has been created from case {case.case_ref}.",
                  "success")
            return redirect(url_for("scr.view_review", review_id=review.id))
    return render_template("scr/from-case.html", form=form, case=case)


@bp.get("/reviews/<uuid:review_id>")
@requires(Permission.MANAGE_SCR)
def view_review(review_id):
    review = services.get_review(review_id)
    services.record_review_viewed(_actor(), review)
    plan = services.plan_of(review)
    return render_template(
        "scr/view-review.html", review=review, clocks=clocks_for(review),
        documents=services.documents_for(review), plan=plan, today=today(),
        next_statuses=rules.next_statuses(review.status),
        kind_labels=dict(DocumentKind.choices()),
    )


LINKED_CASE_URL = "/reviews/<uuid:review_id>/linked-case/<uuid:case_id>"


@bp.get(LINKED_CASE_URL)
@requires(Permission.MANAGE_SCR)
def view_linked_case(review_id, case_id):
    review = services.get_review(review_id)
    case, summary, grant = services.view_linked_case(_actor(), review, case_id)
    until = grant.expires_at.astimezone(LONDON).strftime("%-d %B %Y, %H:%M") if grant else None
    return render_template("scr/linked-case.html", review=review, case=case, summary=summary,
                           grant=grant, until=until)


@bp.route(LINKED_CASE_URL + "/break-glass", methods=["GET", "POST"])
@requires(Permission.BREAK_GLASS)
def break_glass_linked_case(review_id, case_id):
    review = services.get_review(review_id)
    case = services.get_linked_case(_actor(), review, case_id)
    form = BreakGlassForm()
    minutes = current_app.config["BREAK_GLASS_MINUTES"]
    if form.validate_on_submit():
        try:
            services.break_glass_linked_case(_actor(), review, case.id, form.reason.data)
        except ValidationError as error:
            _add_error(form.reason, error.message)
        else:
            flash(f"You can see the identifiable record of case {case.case_ref} for {minutes} "
                  "minutes. Your access and reason are recorded.", "success")
            return redirect(url_for("scr.view_linked_case", review_id=review.id,
                                    case_id=case.id))
    return render_template("scr/break-glass.html", form=form, review=review, case=case,
                           minutes=minutes)


@bp.route("/reviews/<uuid:review_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def edit_review(review_id):
    review = services.get_review(review_id)
    form = ReviewForm()
    if not form.is_submitted():
        form.fill_from(review)
    if form.validate_on_submit():
        try:
            services.update_review(_actor(), review, form.version.data, **form.service_fields())
        except Conflict as conflict:
            return _conflict_page("scr/edit-review.html", conflict.message, form, review,
                                  review=review)
        except ValidationError as error:
            _add_error(form.incident_type, error.message)
        else:
            flash(f"Review {review.reference} has been updated.", "success")
            return redirect(url_for("scr.view_review", review_id=review.id))
    # The form shows the child's identifiers and the summary.
    services.record_review_viewed(_actor(), review, page="edit")
    return render_template("scr/edit-review.html", form=form, review=review)


@bp.route("/reviews/<uuid:review_id>/decision", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def record_decision(review_id):
    review = services.get_review(review_id)
    form = DecisionForm()
    if not form.is_submitted():
        form.version.data = review.version
        form.decided_on.data = today()
    if form.validate_on_submit():
        try:
            services.record_decision(_actor(), review, form.version.data, form.outcome.data,
                                     form.decided_on.data, form.decided_by.data,
                                     form.rationale.data)
        except Conflict as conflict:
            return _conflict_page("scr/decision.html", conflict.message, form, review,
                                  review=review)
        except ValidationError as error:
            _add_error(form.outcome, error.message)
        else:
            flash(f"The decision for {review.reference} has been recorded: "
                  f"{review.decision_label}.", "success")
            return redirect(url_for("scr.view_review", review_id=review.id))
    return render_template("scr/decision.html", form=form, review=review)


@bp.route("/reviews/<uuid:review_id>/status", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def change_status(review_id):
    review = services.get_review(review_id)
    form = StatusForm()
    form.status.choices = [(s.value, s.label) for s in rules.next_statuses(review.status)]
    if not form.is_submitted():
        form.version.data = review.version
    if form.validate_on_submit():
        try:
            services.change_status(_actor(), review, form.version.data, form.status.data,
                                   on=form.on.data, deferral_reason=form.deferral_reason.data,
                                   deferral_review_on=form.deferral_review_on.data)
        except Conflict as conflict:
            return _conflict_page("scr/change-status.html", conflict.message, form, review,
                                  review=review, next_statuses=rules.next_statuses(review.status))
        except ValidationError as error:
            target = form.deferral_reason if "deferr" in error.message.lower() else form.status
            _add_error(target, error.message)
        else:
            flash(f"{review.reference} is now '{review.status_label}'.", "success")
            return redirect(url_for("scr.view_review", review_id=review.id))
    return render_template("scr/change-status.html", form=form, review=review,
                           next_statuses=rules.next_statuses(review.status))


@bp.route("/reviews/<uuid:review_id>/agencies/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def add_agency(review_id):
    review = services.get_review(review_id)
    form = AgencyForm()
    if form.validate_on_submit():
        services.add_agency(_actor(), review, form.agency_name.data, form.agency_type.data,
                            form.imr_requested_on.data, form.imr_received_on.data)
        flash(f"{form.agency_name.data} has been added.", "success")
        return redirect(url_for("scr.view_review", review_id=review.id, _anchor="agencies"))
    return render_template("scr/agency.html", form=form, review=review, agency=None)


@bp.route("/reviews/<uuid:review_id>/agencies/<uuid:agency_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def edit_agency(review_id, agency_id):
    review = services.get_review(review_id)
    agency = services.get_agency(review, agency_id)
    form = AgencyForm(obj=agency)
    form.submit.label.text = "Save agency"
    if form.validate_on_submit():
        services.update_agency(_actor(), agency, form.agency_name.data, form.agency_type.data,
                               form.imr_requested_on.data, form.imr_received_on.data)
        flash(f"{agency.agency_name} has been updated.", "success")
        return redirect(url_for("scr.view_review", review_id=review.id, _anchor="agencies"))
    return render_template("scr/agency.html", form=form, review=review, agency=agency)


@bp.route("/reviews/<uuid:review_id>/meetings/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def add_meeting(review_id):
    review = services.get_review(review_id)
    form = MeetingForm()
    if form.validate_on_submit():
        services.add_meeting(_actor(), review, form.held_on.data, form.notes.data)
        flash("The meeting has been added.", "success")
        return redirect(url_for("scr.view_review", review_id=review.id, _anchor="meetings"))
    return render_template("scr/meeting.html", form=form, review=review)


@bp.route("/reviews/<uuid:review_id>/documents/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def upload_document(review_id):
    review = services.get_review(review_id)
    form = DocumentForm()
    form.document.description = f"PDF, DOCX or ODT, up to {document_limit()}"
    if form.validate_on_submit():
        try:
            services.upload_document(_actor(), review, form.kind.data,
                                     request.files.get(form.document.name))
        except ValidationError as error:
            _add_error(form.document, error.message)
        else:
            flash("The document has been uploaded.", "success")
            return redirect(url_for("scr.view_review", review_id=review.id, _anchor="documents"))
    return render_template("scr/upload-document.html", form=form, review=review)


@bp.get("/reviews/<uuid:review_id>/documents/<uuid:document_id>")
@requires(Permission.MANAGE_SCR)
def download_document(review_id, document_id):
    review = services.get_review(review_id)
    document = services.download_document(_actor(), review, document_id)
    return uploads.send_document(document)


# The action plan: the shared pages of cdop_scr/actions/views.py, for a review's plan ----

class ReviewPlans(PlanSource):
    blueprint = "scr"
    id_arg = "review_id"
    url_prefix = "/reviews/<uuid:review_id>"
    source_type = services.SOURCE

    def get(self, source_id):
        return services.get_review(source_id)

    def reference(self, review):
        return review.reference

    def source_url(self, review):
        return url_for("scr.view_review", review_id=review.id)


PlanPages(ReviewPlans()).register(bp, Permission.MANAGE_SCR)
