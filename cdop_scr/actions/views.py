"""The action-plan pages, once, for every source of recommendations.

A domain registers them on its blueprint with a `PlanSource` that finds the record (in the
domain's own scope), names it and links back to it. The SCR blueprint serves them under
`/reviews/<review_id>/...`; the CDOP panel actions blueprint under `/panel-actions/<case_id>/...`.
Endpoint names are the same in both (`scr.view_action`, `panel_actions.view_action`), so the
shared templates in `templates/actions/` need only the `links` object.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import uploads
from ..errors import Conflict, NotFound, ValidationError
from ..permissions import requires
from ..workdays import today
from . import services as actions
from .forms import (
    ActionForm,
    ChallengeForm,
    ChallengeResponseForm,
    DecideEvidenceForm,
    EvidenceForm,
    RecommendationForm,
    RejectEvidenceForm,
)


def actor():
    return current_user._get_current_object()


def add_error(field, message):
    field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


def conflict_page(template, message, form, obj, **context):
    """Re-show the form with what was typed; the next save applies over the current record."""
    form.version.data = obj.version
    return render_template(template, form=form, conflict=message, **context), 409


def document_limit():
    return uploads.describe_size(uploads.max_bytes())


class PlanSource:
    """Where a plan comes from. Subclasses say how to find, name and link back to the record."""

    blueprint = ""  # the blueprint the pages are registered on
    id_arg = ""  # the URL variable holding the record's id
    url_prefix = ""  # e.g. "/reviews/<uuid:review_id>"
    source_type = ""  # ActionPlan.source_type

    def get(self, source_id):
        """The record, or NotFound when it does not exist or is outside the user's scope."""
        raise NotImplementedError

    def reference(self, obj):
        raise NotImplementedError

    def source_url(self, obj):
        raise NotImplementedError

    def back_text(self, obj):
        return f"Back to {self.reference(obj)}"

    def plan(self, obj):
        return actions.plan_for(self.source_type, obj.id)

    def ensure_plan(self, obj):
        return actions.ensure_plan(self.source_type, obj.id, self.reference(obj))


class ActionLinks:
    """The URLs the shared action-plan templates need, for one record's plan."""

    def __init__(self, source, obj):
        self._source, self._obj = source, obj
        self.kw = {source.id_arg: obj.id}
        self.back_text = source.back_text(obj)

    def _url(self, name, **values):
        return url_for(f"{self._source.blueprint}.{name}", **values, **self.kw)

    def plan(self):
        return self._url("view_action_plan")

    def source(self):
        return self._source.source_url(self._obj)

    def add_recommendation(self):
        return self._url("add_recommendation")

    def add_action(self, recommendation):
        return self._url("add_action", recommendation_id=recommendation.id)

    def action(self, action, name="view_action"):
        return self._url(name, action_id=action.id)

    def respond(self, action, challenge):
        return self._url("record_challenge_response", action_id=action.id,
                         challenge_id=challenge.id)

    def evidence_document(self, action, evidence):
        return self._url("download_evidence", action_id=action.id, evidence_id=evidence.id)


def _find(items, item_id):
    for item in items:
        if item.id == item_id:
            return item
    raise NotFound()


class PlanPages:
    """The pages of one source's action plans; `register` adds their routes to a blueprint."""

    def __init__(self, source):
        self.source = source

    def register(self, bp, permission):
        prefix = self.source.url_prefix
        pages = [
            ("/action-plan", "view_action_plan", ["GET"]),
            ("/action-plan/recommendations/new", "add_recommendation", ["GET", "POST"]),
            ("/action-plan/recommendations/<uuid:recommendation_id>/actions/new", "add_action",
             ["GET", "POST"]),
            ("/actions/<uuid:action_id>", "view_action", ["GET"]),
            ("/actions/<uuid:action_id>/edit", "edit_action", ["GET", "POST"]),
            ("/actions/<uuid:action_id>/start", "start_action", ["POST"]),
            ("/actions/<uuid:action_id>/evidence/new", "submit_evidence", ["GET", "POST"]),
            ("/actions/<uuid:action_id>/evidence/<uuid:evidence_id>", "download_evidence",
             ["GET"]),
            ("/actions/<uuid:action_id>/accept-evidence", "accept_evidence", ["POST"]),
            ("/actions/<uuid:action_id>/evidence-not-accepted", "reject_evidence",
             ["GET", "POST"]),
            ("/actions/<uuid:action_id>/challenges/new", "add_challenge", ["GET", "POST"]),
            ("/actions/<uuid:action_id>/challenges/<uuid:challenge_id>",
             "record_challenge_response", ["GET", "POST"]),
        ]
        for rule, name, methods in pages:
            bp.add_url_rule(prefix + rule, endpoint=name, methods=methods,
                            view_func=requires(permission)(getattr(self, name)))

    # Finding things, always through the record (an action of another plan is not found) -----

    def _record(self, ids):
        return self.source.get(ids[self.source.id_arg])

    def _action(self, ids, action_id):
        obj = self._record(ids)
        plan = self.source.plan(obj)
        return obj, _find(plan.actions if plan else (), action_id)

    def _context(self, obj, **context):
        return {"source_name": self.source.reference(obj),
                "links": ActionLinks(self.source, obj), **context}

    def _to_action(self, obj, action, **values):
        return redirect(ActionLinks(self.source, obj).action(action) + (
            f"#{values['anchor']}" if "anchor" in values else ""))

    # The plan -----------------------------------------------------------------------------------

    def view_action_plan(self, **ids):
        obj = self._record(ids)
        plan = self.source.plan(obj)
        actions.record_plan_viewed(actor(), plan, obj)
        return render_template("actions/view-plan.html", plan=plan, source=obj, today=today(),
                               escalation_days=current_app.config["ESCALATION_OVERDUE_DAYS"],
                               **self._context(obj))

    def add_recommendation(self, **ids):
        obj = self._record(ids)
        form = RecommendationForm()
        if form.validate_on_submit():
            recommendation = actions.add_recommendation(actor(), self.source.ensure_plan(obj),
                                                        form.text.data)
            flash(f"Recommendation {recommendation.number} has been added.", "success")
            return redirect(ActionLinks(self.source, obj).plan())
        return render_template("actions/add-recommendation.html", form=form,
                               **self._context(obj))

    def add_action(self, recommendation_id, **ids):
        obj = self._record(ids)
        plan = self.source.plan(obj)
        recommendation = _find(plan.recommendations if plan else (), recommendation_id)
        form = ActionForm()
        form.submit.label.text = "Add action"
        if form.validate_on_submit():
            action = actions.add_action(
                actor(), recommendation, form.description.data, form.agency_name.data,
                form.agency_type.data, form.owner_name.data, form.due_on.data,
                form.expected_evidence.data)
            flash(f"Action {action.label} has been added.", "success")
            return redirect(ActionLinks(self.source, obj).plan())
        return render_template("actions/edit-action.html", form=form, action=None,
                               recommendation=recommendation, **self._context(obj))

    # One action ---------------------------------------------------------------------------------

    def view_action(self, action_id, **ids):
        obj, action = self._action(ids, action_id)
        return self._action_page(obj, action)

    def _action_page(self, obj, action, error=None):
        """The action with its evidence and challenges; a refused button shows why."""
        actions.record_action_viewed(actor(), action)
        form = DecideEvidenceForm(formdata=None, version=action.version)
        status = 200 if error is None else error.status
        return render_template(
            "actions/view-action.html", action=action, form=form,
            error=error and error.message, today=today(),
            escalation_days=current_app.config["ESCALATION_OVERDUE_DAYS"],
            **self._context(obj)), status

    def edit_action(self, action_id, **ids):
        obj, action = self._action(ids, action_id)
        form = ActionForm(obj=action)
        if not form.is_submitted():
            form.version.data = action.version
        context = self._context(obj, action=action, recommendation=action.recommendation)
        if form.validate_on_submit():
            try:
                actions.update_action(
                    actor(), action, form.version.data, form.description.data,
                    form.agency_name.data, form.agency_type.data, form.owner_name.data,
                    form.due_on.data, form.expected_evidence.data)
            except Conflict as conflict:
                return conflict_page("actions/edit-action.html", conflict.message, form,
                                     action, **context)
            except ValidationError as error:
                add_error(form.description, error.message)
            else:
                flash(f"Action {action.label} has been updated.", "success")
                return self._to_action(obj, action)
        actions.record_action_viewed(actor(), action, page="edit")
        return render_template("actions/edit-action.html", form=form, **context)

    def _decide(self, ids, action_id, change, message):
        """A button on the action page (start, accept evidence): applied, or shown refused."""
        obj, action = self._action(ids, action_id)
        form = DecideEvidenceForm()
        if form.validate_on_submit():
            try:
                change(actor(), action, form.version.data)
            except (Conflict, ValidationError) as error:
                return self._action_page(obj, action, error)
            flash(message.format(label=action.label), "success")
        return self._to_action(obj, action)

    def start_action(self, action_id, **ids):
        return self._decide(ids, action_id, actions.start_action,
                            "Action {label} is in progress.")

    def accept_evidence(self, action_id, **ids):
        return self._decide(ids, action_id, actions.accept_evidence,
                            "The evidence has been accepted: action {label} is completed.")

    def submit_evidence(self, action_id, **ids):
        obj, action = self._action(ids, action_id)
        form = EvidenceForm()
        form.document.description = f"PDF, DOCX or ODT, up to {document_limit()}"
        if not form.is_submitted():
            form.version.data = action.version
        context = self._context(obj, action=action)
        if form.validate_on_submit():
            try:
                upload = _evidence_upload(request.files.get(form.document.name))
                actions.submit_evidence(actor(), action, form.version.data, form.note.data,
                                        upload)
            except Conflict as conflict:
                return conflict_page("actions/submit-evidence.html", conflict.message, form,
                                     action, **context)
            except uploads.UploadRefused as refused:
                add_error(form.document, refused.message)
            except ValidationError as error:
                add_error(form.note, error.message)
            else:
                flash(f"Evidence for action {action.label} has been submitted.", "success")
                return self._to_action(obj, action)
        return render_template("actions/submit-evidence.html", form=form, **context)

    def download_evidence(self, action_id, evidence_id, **ids):
        _, action = self._action(ids, action_id)
        _, document = actions.get_evidence_document(action, evidence_id)
        if document is None:
            raise NotFound()
        actions.record_download(actor(), document)
        return uploads.send_document(document)

    def reject_evidence(self, action_id, **ids):
        obj, action = self._action(ids, action_id)
        form = RejectEvidenceForm()
        if not form.is_submitted():
            form.version.data = action.version
        context = self._context(obj, action=action)
        if form.validate_on_submit():
            try:
                actions.reject_evidence(actor(), action, form.version.data, form.reason.data)
            except Conflict as conflict:
                return conflict_page("actions/reject-evidence.html", conflict.message, form,
                                     action, **context)
            except ValidationError as error:
                add_error(form.reason, error.message)
            else:
                flash(f"The evidence for action {action.label} has not been accepted.",
                      "success")
                return self._to_action(obj, action)
        return render_template("actions/reject-evidence.html", form=form, **context)

    def add_challenge(self, action_id, **ids):
        obj, action = self._action(ids, action_id)
        form = ChallengeForm()
        if not form.is_submitted():
            form.challenged_on.data = today()
        if form.validate_on_submit():
            actions.record_challenge(actor(), action, form.asked.data, form.challenged_on.data)
            flash(f"The challenge on action {action.label} has been recorded.", "success")
            return self._to_action(obj, action, anchor="challenges")
        return render_template("actions/challenge.html", form=form,
                               **self._context(obj, action=action))

    def record_challenge_response(self, action_id, challenge_id, **ids):
        obj, action = self._action(ids, action_id)
        challenge = _find(action.challenges, challenge_id)
        form = ChallengeResponseForm()
        if not form.is_submitted():
            form.responded_on.data = today()
        if form.validate_on_submit():
            actions.record_challenge_response(actor(), challenge, form.response.data,
                                              form.responded_on.data)
            flash(f"The agency's response on action {action.label} has been recorded.",
                  "success")
            return self._to_action(obj, action, anchor="challenges")
        # The page shows what was asked (narrative).
        actions.record_action_viewed(actor(), action, page="challenge")
        return render_template("actions/challenge-response.html", form=form,
                               **self._context(obj, action=action, challenge=challenge))


def _evidence_upload(storage):
    """The optional document of an evidence entry, checked; None when no file was chosen."""
    if storage is None or not getattr(storage, "filename", None):
        return None
    return uploads.read_upload(storage)
