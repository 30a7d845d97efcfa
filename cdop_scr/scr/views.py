"""Board manager pages: reviews, their decision, status, agencies, documents and action plan."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import uploads
from ..actions import services as actions
from ..actions.forms import (
    ActionForm,
    ChallengeForm,
    ChallengeResponseForm,
    DecideEvidenceForm,
    EvidenceForm,
    RecommendationForm,
    RejectEvidenceForm,
)
from ..errors import Conflict, ValidationError
from ..models.actions import ActionStatus
from ..models.scr import DocumentKind
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


def _actor():
    return current_user._get_current_object()


def _add_error(field, message):
    field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


def _conflict_page(template, message, form, obj, **context):
    """Re-show the form with what was typed; the next save applies over the current record."""
    form.version.data = obj.version
    return render_template(template, form=form, conflict=message, **context), 409


class ActionLinks:
    """The URLs the shared action-plan templates need, for a review's plan."""

    def __init__(self, review):
        self.review = review
        self.kw = {"review_id": review.id}

    def plan(self):
        return url_for("scr.view_action_plan", **self.kw)

    def source(self):
        return url_for("scr.view_review", **self.kw)

    def add_recommendation(self):
        return url_for("scr.add_recommendation", **self.kw)

    def add_action(self, recommendation):
        return url_for("scr.add_action", recommendation_id=recommendation.id, **self.kw)

    def action(self, action, name="view_action"):
        return url_for(f"scr.{name}", action_id=action.id, **self.kw)

    def respond(self, action, challenge):
        return url_for("scr.record_challenge_response", action_id=action.id,
                       challenge_id=challenge.id, **self.kw)

    def evidence_document(self, action, evidence):
        return url_for("scr.download_evidence", action_id=action.id, evidence_id=evidence.id,
                       **self.kw)


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
        case_link=("cases.view_case" in current_app.view_functions),
        kind_labels=dict(DocumentKind.choices()),
    )


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
    form.document.description = f"PDF, DOCX or ODT, up to {_limit()}"
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


def _limit():
    return uploads.describe_size(uploads.max_bytes())


@bp.get("/reviews/<uuid:review_id>/documents/<uuid:document_id>")
@requires(Permission.MANAGE_SCR)
def download_document(review_id, document_id):
    review = services.get_review(review_id)
    document = services.download_document(_actor(), review, document_id)
    return uploads.send_document(document)


# The action plan --------------------------------------------------------------------------------

@bp.get("/reviews/<uuid:review_id>/action-plan")
@requires(Permission.MANAGE_SCR)
def view_action_plan(review_id):
    review = services.get_review(review_id)
    plan = services.plan_of(review)
    actions.record_plan_viewed(_actor(), plan, review)
    return render_template("actions/view-plan.html", plan=plan, source=review,
                           source_name=review.reference, links=ActionLinks(review),
                           today=today(), escalation_days=current_app.config[
                               "ESCALATION_OVERDUE_DAYS"])


@bp.route("/reviews/<uuid:review_id>/action-plan/recommendations/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def add_recommendation(review_id):
    review = services.get_review(review_id)
    form = RecommendationForm()
    if form.validate_on_submit():
        recommendation = services.add_recommendation(_actor(), review, form.text.data)
        flash(f"Recommendation {recommendation.number} has been added.", "success")
        return redirect(url_for("scr.view_action_plan", review_id=review.id))
    return render_template("actions/add-recommendation.html", form=form,
                           source_name=review.reference, links=ActionLinks(review))


@bp.route("/reviews/<uuid:review_id>/action-plan/recommendations/<uuid:recommendation_id>"
          "/actions/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def add_action(review_id, recommendation_id):
    review = services.get_review(review_id)
    recommendation = services.get_recommendation(review, recommendation_id)
    form = ActionForm()
    form.submit.label.text = "Add action"
    if form.validate_on_submit():
        action = actions.add_action(
            _actor(), recommendation, form.description.data, form.agency_name.data,
            form.agency_type.data, form.owner_name.data, form.due_on.data,
            form.expected_evidence.data)
        flash(f"Action {action.label} has been added.", "success")
        return redirect(url_for("scr.view_action_plan", review_id=review.id))
    return render_template("actions/edit-action.html", form=form, action=None,
                           recommendation=recommendation, source_name=review.reference,
                           links=ActionLinks(review))


@bp.get("/reviews/<uuid:review_id>/actions/<uuid:action_id>")
@requires(Permission.MANAGE_SCR)
def view_action(review_id, action_id):
    review = services.get_review(review_id)
    action = services.get_action(review, action_id)
    return _action_page(review, action)


def _action_page(review, action, error=None):
    """The action with its evidence and challenges; a refused button shows why, changing nothing."""
    actions.record_action_viewed(_actor(), action)
    form = DecideEvidenceForm(formdata=None, version=action.version)
    status = 200 if error is None else error.status
    return render_template("actions/view-action.html", action=action, form=form,
                           error=error and error.message, source_name=review.reference,
                           links=ActionLinks(review), today=today(),
                           escalation_days=current_app.config["ESCALATION_OVERDUE_DAYS"]), status


@bp.route("/reviews/<uuid:review_id>/actions/<uuid:action_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def edit_action(review_id, action_id):
    review = services.get_review(review_id)
    action = services.get_action(review, action_id)
    form = ActionForm(obj=action)
    if not form.is_submitted():
        form.version.data = action.version
    context = {"action": action, "recommendation": action.recommendation,
               "source_name": review.reference, "links": ActionLinks(review)}
    if form.validate_on_submit():
        try:
            actions.update_action(
                _actor(), action, form.version.data, form.description.data,
                form.agency_name.data, form.agency_type.data, form.owner_name.data,
                form.due_on.data, form.expected_evidence.data)
        except Conflict as conflict:
            return _conflict_page("actions/edit-action.html", conflict.message, form, action,
                                  **context)
        except ValidationError as error:
            _add_error(form.description, error.message)
        else:
            flash(f"Action {action.label} has been updated.", "success")
            return redirect(url_for("scr.view_action", review_id=review.id,
                                    action_id=action.id))
    actions.record_action_viewed(_actor(), action, page="edit")
    return render_template("actions/edit-action.html", form=form, **context)


@bp.post("/reviews/<uuid:review_id>/actions/<uuid:action_id>/start")
@requires(Permission.MANAGE_SCR)
def start_action(review_id, action_id):
    review = services.get_review(review_id)
    action = services.get_action(review, action_id)
    form = DecideEvidenceForm()
    if form.validate_on_submit():
        try:
            actions.start_action(_actor(), action, form.version.data)
        except (Conflict, ValidationError) as error:
            return _action_page(review, action, error)
        flash(f"Action {action.label} is in progress.", "success")
    return redirect(url_for("scr.view_action", review_id=review.id, action_id=action.id))


@bp.route("/reviews/<uuid:review_id>/actions/<uuid:action_id>/evidence/new",
          methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def submit_evidence(review_id, action_id):
    review = services.get_review(review_id)
    action = services.get_action(review, action_id)
    form = EvidenceForm()
    form.document.description = f"PDF, DOCX or ODT, up to {_limit()}"
    if not form.is_submitted():
        form.version.data = action.version
    context = {"action": action, "source_name": review.reference, "links": ActionLinks(review)}
    if form.validate_on_submit():
        try:
            upload = services.read_evidence_upload(request.files.get(form.document.name))
            actions.submit_evidence(_actor(), action, form.version.data, form.note.data, upload)
        except Conflict as conflict:
            return _conflict_page("actions/submit-evidence.html", conflict.message, form,
                                  action, **context)
        except uploads.UploadRefused as refused:
            _add_error(form.document, refused.message)
        except ValidationError as error:
            _add_error(form.note, error.message)
        else:
            flash(f"Evidence for action {action.label} has been submitted.", "success")
            return redirect(url_for("scr.view_action", review_id=review.id,
                                    action_id=action.id))
    return render_template("actions/submit-evidence.html", form=form, **context)


@bp.get("/reviews/<uuid:review_id>/actions/<uuid:action_id>/evidence/<uuid:evidence_id>")
@requires(Permission.MANAGE_SCR)
def download_evidence(review_id, action_id, evidence_id):
    review = services.get_review(review_id)
    action = services.get_action(review, action_id)
    document = services.download_evidence(_actor(), action, evidence_id)
    return uploads.send_document(document)


@bp.post("/reviews/<uuid:review_id>/actions/<uuid:action_id>/accept-evidence")
@requires(Permission.MANAGE_SCR)
def accept_evidence(review_id, action_id):
    review = services.get_review(review_id)
    action = services.get_action(review, action_id)
    form = DecideEvidenceForm()
    if form.validate_on_submit():
        try:
            actions.accept_evidence(_actor(), action, form.version.data)
        except (Conflict, ValidationError) as error:
            return _action_page(review, action, error)
        flash(f"The evidence has been accepted: action {action.label} is completed.",
              "success")
    return redirect(url_for("scr.view_action", review_id=review.id, action_id=action.id))


@bp.route("/reviews/<uuid:review_id>/actions/<uuid:action_id>/evidence-not-accepted",
          methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def reject_evidence(review_id, action_id):
    review = services.get_review(review_id)
    action = services.get_action(review, action_id)
    form = RejectEvidenceForm()
    if not form.is_submitted():
        form.version.data = action.version
    context = {"action": action, "source_name": review.reference, "links": ActionLinks(review)}
    if form.validate_on_submit():
        try:
            actions.reject_evidence(_actor(), action, form.version.data, form.reason.data)
        except Conflict as conflict:
            return _conflict_page("actions/reject-evidence.html", conflict.message, form,
                                  action, **context)
        except ValidationError as error:
            _add_error(form.reason, error.message)
        else:
            flash(f"The evidence for action {action.label} has not been accepted.", "success")
            return redirect(url_for("scr.view_action", review_id=review.id,
                                    action_id=action.id))
    return render_template("actions/reject-evidence.html", form=form, **context)


@bp.route("/reviews/<uuid:review_id>/actions/<uuid:action_id>/challenges/new",
          methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def add_challenge(review_id, action_id):
    review = services.get_review(review_id)
    action = services.get_action(review, action_id)
    form = ChallengeForm()
    if not form.is_submitted():
        form.challenged_on.data = today()
    if form.validate_on_submit():
        actions.record_challenge(_actor(), action, form.asked.data, form.challenged_on.data)
        flash(f"The challenge on action {action.label} has been recorded.", "success")
        return redirect(url_for("scr.view_action", review_id=review.id, action_id=action.id,
                                _anchor="challenges"))
    return render_template("actions/challenge.html", form=form, action=action,
                           source_name=review.reference, links=ActionLinks(review))


@bp.route("/reviews/<uuid:review_id>/actions/<uuid:action_id>/challenges/<uuid:challenge_id>",
          methods=["GET", "POST"])
@requires(Permission.MANAGE_SCR)
def record_challenge_response(review_id, action_id, challenge_id):
    review = services.get_review(review_id)
    action = services.get_action(review, action_id)
    challenge = services.get_challenge(action, challenge_id)
    form = ChallengeResponseForm()
    if not form.is_submitted():
        form.responded_on.data = today()
    if form.validate_on_submit():
        actions.record_challenge_response(_actor(), challenge, form.response.data,
                                          form.responded_on.data)
        flash(f"The agency's response on action {action.label} has been recorded.", "success")
        return redirect(url_for("scr.view_action", review_id=review.id, action_id=action.id,
                                _anchor="challenges"))
    # The page shows what was asked (narrative).
    actions.record_action_viewed(_actor(), action, page="challenge")
    return render_template("actions/challenge-response.html", form=form, action=action,
                           challenge=challenge, source_name=review.reference,
                           links=ActionLinks(review))
