"""Learning summary pages. Staff only (DRAFT_LEARNING), the library too: a published story is
anonymised, but it is still about a child who died, and the partnership publishes it through its
annual report, not through this service. Views read one form, call one service, and flash +
redirect or render."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..cases.clocks import today
from ..errors import Conflict, DomainError, ValidationError
from ..models.learning import SECTIONS, SourceKind, SummaryStatus
from ..permissions import Permission, requires
from . import bp, sanitise, services
from .forms import DraftForm, HoldForm, MoveForm, SummaryForm


@bp.app_template_filter("learning_html")
def learning_html(fragment):
    """Sanitise, then mark safe: the only way a summary's HTML reaches a page."""
    return sanitise.as_markup(fragment)


@bp.context_processor
def _helpers():
    return {"kind_label": services.kind_label, "date_label": services.date_label,
            "SummaryStatus": SummaryStatus, "SECTIONS": SECTIONS}


def _actor():
    return current_user._get_current_object()


# --- drafts in progress and drafting ----------------------------------------------------------

@bp.get("/learning")
@requires(Permission.DRAFT_LEARNING)
def list_summaries():
    summaries = services.list_in_progress(_actor())
    return render_template("learning/list-summaries.html", summaries=summaries)


@bp.get("/learning/new")
@requires(Permission.DRAFT_LEARNING)
def choose_source():
    return render_template("learning/choose-source.html", cases=services.eligible_cases(_actor()),
                           reviews=services.eligible_reviews())


def _draft(kind, source_id):
    source = services.get_source(_actor(), kind, source_id)
    form = DraftForm()
    status = 200
    if form.validate_on_submit():
        try:
            summary = services.draft_summary(_actor(), kind, source_id, form.pseudonym.data)
        except ValidationError as error:
            form.pseudonym.errors = [*form.pseudonym.errors, error.message]
            status = 400
        else:
            flash("Draft created. Check every redaction below before you edit.", "success")
            return redirect(url_for("learning.edit_summary", summary_id=summary.id))
    elif form.is_submitted():
        status = 400
    return render_template("learning/draft.html", form=form, source=source, kind=kind,
                           eligible=_eligible(kind, source)), status


def _eligible(kind, source):
    if kind == SourceKind.CDOP_CASE:
        return source.status in services.CASE_STATUSES
    return services.review_is_eligible(source)


@bp.route("/learning/new/case/<uuid:case_id>", methods=["GET", "POST"])
@requires(Permission.DRAFT_LEARNING)
def draft_from_case(case_id):
    return _draft(SourceKind.CDOP_CASE, case_id)


@bp.route("/learning/new/review/<uuid:review_id>", methods=["GET", "POST"])
@requires(Permission.DRAFT_LEARNING)
def draft_from_review(review_id):
    return _draft(SourceKind.SCR_REVIEW, review_id)


# --- one summary ----------------------------------------------------------

def _summary_page(summary, status=200, error=None, conflict=None):
    found = services.residual_hits(summary) if not summary.is_published else {}
    return render_template(
        "learning/view-summary.html", summary=summary, error=error, conflict=conflict,
        residual=services.residual_list(found), shown=services.highlighted(summary, found),
        moves={m.name for m in services.moves_for(_actor(), summary)},
        move_form=MoveForm(formdata=None, version=summary.version),
        labels=services.theme_labels()), status


@bp.get("/learning/summaries/<uuid:summary_id>")
@requires(Permission.DRAFT_LEARNING)
def view_summary(summary_id):
    return _summary_page(services.view_summary(_actor(), summary_id))


@bp.route("/learning/summaries/<uuid:summary_id>/edit", methods=["GET", "POST"])
@requires(Permission.DRAFT_LEARNING)
def edit_summary(summary_id):
    summary = services.view_summary(_actor(), summary_id, page="edit")
    form = SummaryForm()
    form.themes.choices = [(t.code, t.label) for t in services.themes() if t.active
                           or t.code in (summary.theme_codes or [])]
    if not form.is_submitted():
        form.fill(summary)
    status, conflict = 200, None
    if form.validate_on_submit():
        try:
            services.save_summary(_actor(), summary_id, form.version.data, form.title.data,
                                  form.sections(), form.themes.data or [])
        except Conflict as error:
            conflict, status = error.message, 409
            form.version.data = services.get_summary(summary_id).version
        except ValidationError as error:
            form.title.errors = [*form.title.errors, error.message]
            status = 400
        else:
            flash("Saved. The text was redacted again: check the replacements listed.",
                  "success")
            return redirect(url_for("learning.edit_summary", summary_id=summary_id))
    elif form.is_submitted():
        status = 400
    return render_template("learning/edit-summary.html", form=form, summary=summary,
                           conflict=conflict), status


@bp.get("/learning/summaries/<uuid:summary_id>/print")
@requires(Permission.DRAFT_LEARNING)
def print_summary(summary_id):
    summary = services.view_summary(_actor(), summary_id, page="print")
    return render_template("learning/print-summary.html", summaries=[summary],
                           labels=services.theme_labels(), title=summary.title)


def _move(summary_id, move, message, **fields):
    form = MoveForm()
    try:
        services.change_status(_actor(), summary_id, form.version.data, move, **fields)
    except Conflict as error:
        return _summary_page(services.get_summary(summary_id), 409, conflict=error.message)
    except DomainError as error:
        return _summary_page(services.get_summary(summary_id), error.status,
                             error=error.message)
    flash(message, "success")
    return redirect(url_for("learning.view_summary", summary_id=summary_id))


@bp.post("/learning/summaries/<uuid:summary_id>/submit")
@requires(Permission.DRAFT_LEARNING)
def submit_summary(summary_id):
    return _move(summary_id, "submit", "Submitted for approval by a board manager.")


@bp.post("/learning/summaries/<uuid:summary_id>/return")
@requires(Permission.DRAFT_LEARNING)
def return_summary(summary_id):
    return _move(summary_id, "return", "Returned to draft.")


@bp.post("/learning/summaries/<uuid:summary_id>/approve")
@requires(Permission.PUBLISH_LEARNING)
def approve_summary(summary_id):
    return _move(summary_id, "approve", "Approved for publication.")


@bp.post("/learning/summaries/<uuid:summary_id>/publish")
@requires(Permission.PUBLISH_LEARNING)
def publish_summary(summary_id):
    return _move(summary_id, "publish", "Published to the learning library.")


@bp.post("/learning/summaries/<uuid:summary_id>/release-hold")
@requires(Permission.PUBLISH_LEARNING)
def release_hold(summary_id):
    return _move(summary_id, "release", "Hold released.")


@bp.route("/learning/summaries/<uuid:summary_id>/hold", methods=["GET", "POST"])
@requires(Permission.PUBLISH_LEARNING)
def hold_summary(summary_id):
    summary = services.view_summary(_actor(), summary_id, page="hold")
    form = HoldForm()
    if not form.is_submitted():
        form.version.data = summary.version
    status, conflict = 200, None
    if form.validate_on_submit():
        try:
            services.change_status(_actor(), summary_id, form.version.data, "hold",
                                   hold_reason=form.reason.data, hold_details=form.details.data,
                                   hold_review_on=form.review_on.data)
        except Conflict as error:
            conflict, status = error.message, 409
            form.version.data = services.get_summary(summary_id).version
        except DomainError as error:
            form.reason.errors = [*form.reason.errors, error.message]
            status = error.status
        else:
            flash("Publication is on hold.", "success")
            return redirect(url_for("learning.view_summary", summary_id=summary_id))
    elif form.is_submitted():
        status = 400
    return render_template("learning/hold.html", form=form, summary=summary,
                           conflict=conflict), status


# --- the library ----------------------------------------------------------

def _year_arg(name="year"):
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        abort(400)
    return int(value)


@bp.get("/learning/library")
@requires(Permission.DRAFT_LEARNING)
def library():
    result = services.library(_actor(), year=_year_arg(), theme=request.args.get("theme"))
    return render_template("learning/library.html", library=result, this_year=today().year)


@bp.get("/learning/library/export")
@requires(Permission.DRAFT_LEARNING)
def export_year():
    year = _year_arg() or today().year

    def render_html(summaries, year, labels):
        return render_template("learning/print-summary.html", summaries=summaries,
                               labels=labels, title=f"Learning summaries published in {year}")

    name, mimetype, body = services.export_year(
        _actor(), year, request.args.get("format", "html"), render_html)
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
