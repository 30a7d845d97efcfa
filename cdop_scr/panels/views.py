"""Panel pages. Members reach cases only through a meeting they belong to; every other id is
404. Views read one form, call one service, and flash + redirect or render."""

from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ..cases.clocks import today
from ..errors import Conflict, ValidationError
from ..models.cases import CATEGORIES, AgeBand, Event, Modifiable
from ..permissions import Permission, requires
from . import bp, services
from .forms import (
    AnalysisForm,
    AttendanceForm,
    BreakGlassForm,
    ConflictsForm,
    FactorForm,
    MeetingForm,
    OverrideForm,
    RecommendationForm,
    RemoveForm,
    ReopenForm,
    SignOffForm,
)

LONDON = ZoneInfo("Europe/London")


@bp.context_processor
def _helpers():
    return {
        "date_label": lambda d: d.strftime("%-d %B %Y") if d else "",
        "time_label": lambda t: t.astimezone(LONDON).strftime("%-d %B %Y, %H:%M") if t else "",
        "category_label": lambda c: f"{c}. {CATEGORIES[c]}" if c in CATEGORIES else "Not decided",
        "event_label": lambda e: Event.label_of(e, "Not decided"),
        "outcome_label": lambda o: Modifiable.label_of(o, o or ""),
        "case_label": services.case_summary_label,
        "age_band_label": lambda code: AgeBand.label_of(code, code),
        "can": current_user.can,
        "Permission": Permission,
        "today": today(),
    }


@bp.app_context_processor
def _home_alert():
    def break_glass_alert():
        """Recent break-glass access, for the home page of those who follow it (or None)."""
        if not current_user.is_authenticated:
            return None
        summary = services.break_glass_summary(_actor())
        if summary is None:
            return None
        return {"count": summary.count, "days": summary.days,
                "latest": summary.latest.astimezone(LONDON).strftime("%-d %B %Y, %H:%M")}

    return {"break_glass_alert": break_glass_alert}


def _actor():
    return current_user._get_current_object()


def _error(form, field, message):
    getattr(form, field).errors = list(getattr(form, field).errors) + [message]


# --- meetings --------------------------------------------------------------------------------

@bp.get("/panel-meetings")
@requires(Permission.VIEW_PANEL_CASES)
def list_meetings():
    upcoming, past, alerts = services.list_meetings(_actor())
    return render_template("panels/list-meetings.html", upcoming=upcoming, past=past,
                           alerts=alerts)


def _meeting_form(meeting=None):
    form = MeetingForm()
    form.set_choices(services.chairs(), services.panel_users(), services.ready_cases(meeting),
                     services.case_summary_label)
    return form


@bp.route("/panel-meetings/new", methods=["GET", "POST"])
@requires(Permission.RUN_PANEL_MEETINGS)
def create_meeting():
    form = _meeting_form()
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(_actor(), form.meets_on.data, form.chair.data,
                                              form.members.data, form.cases.data)
        except ValidationError as error:
            _error(form, "meets_on" if "date" in error.message else "chair", error.message)
        else:
            flash("Panel meeting arranged.", "success")
            return redirect(url_for("panels.view_meeting", meeting_id=meeting.id))
    return render_template("panels/edit-meeting.html", form=form, meeting=None)


@bp.get("/panel-meetings/<uuid:meeting_id>")
@requires(Permission.VIEW_PANEL_CASES)
def view_meeting(meeting_id):
    meeting = services.get_meeting(_actor(), meeting_id)
    attendance = AttendanceForm()
    attendance.attended.choices = [(str(m.user_id), m.user.full_name) for m in meeting.members]
    attendance.attended.data = [str(m.user_id) for m in meeting.members if m.attended]
    analyses = {a.case_id: a for a in services.analyses_for(meeting)}
    return render_template("panels/view-meeting.html", meeting=meeting,
                           attendance_form=attendance, analyses=analyses,
                           manages=services.manages(_actor(), meeting))


@bp.route("/panel-meetings/<uuid:meeting_id>/edit", methods=["GET", "POST"])
@requires(Permission.RUN_PANEL_MEETINGS)
def edit_meeting(meeting_id):
    meeting = services.get_meeting(_actor(), meeting_id)
    form = _meeting_form(meeting)
    if not form.is_submitted():
        form.meets_on.data = meeting.meets_on
        form.chair.data = str(meeting.chair_id)
        form.members.data = [str(m.user_id) for m in meeting.members]
        form.cases.data = [str(i.case_id) for i in meeting.agenda]
        form.version.data = meeting.version
    status = 200
    if form.validate_on_submit():
        try:
            services.update_meeting(_actor(), meeting_id, form.version.data, form.meets_on.data,
                                    form.chair.data, form.members.data, form.cases.data)
        except Conflict as error:
            _error(form, "meets_on", error.message)
            status = 409
        except ValidationError as error:
            _error(form, "meets_on" if "date" in error.message else "cases", error.message)
        else:
            flash("Panel meeting updated.", "success")
            return redirect(url_for("panels.view_meeting", meeting_id=meeting_id))
    return render_template("panels/edit-meeting.html", form=form, meeting=meeting), status


@bp.post("/panel-meetings/<uuid:meeting_id>/attendance")
@requires(Permission.RUN_PANEL_MEETINGS)
def record_attendance(meeting_id):
    meeting = services.get_meeting(_actor(), meeting_id)
    form = AttendanceForm()
    form.attended.choices = [(str(m.user_id), m.user.full_name) for m in meeting.members]
    if form.validate_on_submit():
        services.record_attendance(_actor(), meeting_id, form.attended.data)
        flash("Attendance saved.", "success")
    else:
        flash("Attendance was not saved: select only members of this meeting.", "error")
    return redirect(url_for("panels.view_meeting", meeting_id=meeting_id))


@bp.route("/panel-meetings/<uuid:meeting_id>/conflicts", methods=["GET", "POST"])
@requires(Permission.VIEW_PANEL_CASES)
def declare_conflicts(meeting_id):
    meeting = services.get_meeting(_actor(), meeting_id)
    form = ConflictsForm()
    form.cases.choices = [(str(i.case_id), f"{i.pseudonym} ({i.case.case_ref})")
                          for i in meeting.agenda]
    if not form.is_submitted():
        form.cases.data = [str(c.case_id) for c in meeting.conflicts if c.user_id == _actor().id]
    if form.validate_on_submit():
        try:
            services.declare_conflicts(_actor(), meeting_id, form.cases.data, form.details.data)
        except ValidationError as error:
            _error(form, "cases", error.message)
        else:
            flash("Your declarations of interest have been saved.", "success")
            return redirect(url_for("panels.view_meeting", meeting_id=meeting_id))
    return render_template("panels/declare-conflicts.html", form=form, meeting=meeting)


@bp.get("/panel-meetings/<uuid:meeting_id>/pack")
@requires(Permission.VIEW_PANEL_CASES)
def download_pack(meeting_id):
    meeting, cases = services.download_pack(_actor(), meeting_id)
    response = render_template("panels/panel-pack.html", meeting=meeting, cases=cases)
    return response, 200, {"Content-Disposition": (
        f'inline; filename="panel-pack-{meeting.meets_on.isoformat()}.html"')}


@bp.get("/break-glass-alerts")
@requires(Permission.VIEW_BREAK_GLASS_ALERTS)
def list_break_glass_alerts():
    grants = services.list_break_glass_alerts(_actor())
    return render_template("panels/break-glass-alerts.html", grants=grants)


# --- a case at a meeting ---------------------------------------------------------------------

CASE_URL = "/panel-meetings/<uuid:meeting_id>/cases/<uuid:case_id>"


@bp.get(CASE_URL)
@requires(Permission.VIEW_PANEL_CASES)
def view_case(meeting_id, case_id):
    panel_case, summary, identifiable = services.view_panel_case(_actor(), meeting_id, case_id)
    return render_template("panels/view-case.html", panel_case=panel_case, summary=summary,
                           identifiable=identifiable, case=panel_case.case)


@bp.route(CASE_URL + "/break-glass", methods=["GET", "POST"])
@requires(Permission.BREAK_GLASS)
def break_glass(meeting_id, case_id):
    panel_case = services.get_panel_case(_actor(), meeting_id, case_id)
    if not panel_case.meeting.includes(_actor()):
        return redirect(url_for("panels.view_case", meeting_id=meeting_id, case_id=case_id))
    form = BreakGlassForm()
    if form.validate_on_submit():
        try:
            services.break_glass(_actor(), meeting_id, case_id, form.reason.data)
        except ValidationError as error:
            _error(form, "reason", error.message)
        else:
            flash("You can see the identifiable record of this case for "
                  f"{_minutes()} minutes. Your access and reason are recorded.", "success")
            return redirect(url_for("panels.view_case", meeting_id=meeting_id, case_id=case_id))
    return render_template("panels/break-glass.html", form=form, panel_case=panel_case,
                           minutes=_minutes())


def _minutes():
    return current_app.config["BREAK_GLASS_MINUTES"]


# --- the analysis ----------------------------------------------------------------------------

def _analysis_url(meeting_id, case_id, anchor=None):
    return url_for("panels.edit_analysis", meeting_id=meeting_id, case_id=case_id,
                   _anchor=anchor)


def _analysis_page(meeting_id, case_id, form=None, status=200, **forms):
    """Render the analysis page (audited as a view), keeping any form the user just posted."""
    panel_case = services.view_analysis(_actor(), meeting_id, case_id)
    analysis = panel_case.analysis
    version = analysis.version if analysis else 0
    themes = services.themes()
    defaults = {
        "analysis_form": AnalysisForm(prefix="analysis", formdata=None),
        "factor_form": FactorForm(prefix="factor", formdata=None),
        "recommendation_form": RecommendationForm(prefix="recommendation", formdata=None),
        "override_form": OverrideForm(prefix="override", formdata=None),
        "sign_off_form": SignOffForm(prefix="sign_off", formdata=None),
        "reopen_form": ReopenForm(prefix="reopen", formdata=None),
    }
    defaults["analysis_form"].fill_from(analysis)
    if analysis is not None:
        defaults["override_form"].outcome.data = analysis.override_outcome or ""
        defaults["override_form"].reason.data = analysis.override_reason
    defaults["sign_off_form"].completed_on.data = today()
    defaults.update(forms)
    defaults["factor_form"].set_themes(themes)
    for posted in defaults.values():
        # A stale post is kept as typed, now against the current version: saving it again is a
        # deliberate choice made after seeing what changed.
        posted.version.data = version
    return render_template(
        "panels/edit-analysis.html", panel_case=panel_case, analysis=analysis,
        derived=services.derive(analysis), remove_form=RemoveForm(formdata=None),
        version=version, form=form, **defaults), status


def _post(meeting_id, case_id, form, field, call, message, anchor, key):
    """Validate a posted part of the analysis, call its service, and answer as GOV.UK does."""
    if form.validate_on_submit():
        try:
            call()
        except Conflict as error:
            _error(form, field, error.message)
            return _analysis_page(meeting_id, case_id, form=form, status=409, **{key: form})
        except ValidationError as error:
            _error(form, field, error.message)
        else:
            flash(message, "success")
            return redirect(_analysis_url(meeting_id, case_id, anchor))
    return _analysis_page(meeting_id, case_id, form=form, **{key: form})


@bp.route(CASE_URL + "/analysis", methods=["GET", "POST"])
@requires(Permission.RECORD_ANALYSIS)
def edit_analysis(meeting_id, case_id):
    form = AnalysisForm(prefix="analysis")
    if not form.is_submitted():
        return _analysis_page(meeting_id, case_id)
    return _post(meeting_id, case_id, form, "category", lambda: services.save_analysis(
        _actor(), meeting_id, case_id, form.version.data, **form.values()),
        "Draft analysis saved.", "category", "analysis_form")


@bp.post(CASE_URL + "/analysis/factors")
@requires(Permission.RECORD_ANALYSIS)
def add_factor(meeting_id, case_id):
    form = FactorForm(prefix="factor")
    form.set_themes(services.themes())
    return _post(meeting_id, case_id, form, "description", lambda: services.add_factor(
        _actor(), meeting_id, case_id, form.version.data, form.domain.data, form.theme.data,
        form.grade.data, form.modifiable.data, form.description.data),
        "Factor added.", "factors", "factor_form")


@bp.post(CASE_URL + "/analysis/factors/<uuid:factor_id>/remove")
@requires(Permission.RECORD_ANALYSIS)
def remove_factor(meeting_id, case_id, factor_id):
    form = RemoveForm()
    return _post(meeting_id, case_id, form, "version", lambda: services.remove_factor(
        _actor(), meeting_id, case_id, form.version.data, factor_id),
        "Factor removed.", "factors", "remove_factor_form")


@bp.post(CASE_URL + "/analysis/recommendations")
@requires(Permission.RECORD_ANALYSIS)
def add_recommendation(meeting_id, case_id):
    form = RecommendationForm(prefix="recommendation")
    return _post(meeting_id, case_id, form, "text", lambda: services.add_recommendation(
        _actor(), meeting_id, case_id, form.version.data, form.text.data,
        form.owner_agency.data, form.due_on.data),
        "Recommendation added.", "recommendations", "recommendation_form")


@bp.post(CASE_URL + "/analysis/recommendations/<uuid:recommendation_id>/remove")
@requires(Permission.RECORD_ANALYSIS)
def remove_recommendation(meeting_id, case_id, recommendation_id):
    form = RemoveForm()
    return _post(meeting_id, case_id, form, "version", lambda: services.remove_recommendation(
        _actor(), meeting_id, case_id, form.version.data, recommendation_id),
        "Recommendation removed.", "recommendations", "remove_recommendation_form")


@bp.post(CASE_URL + "/analysis/outcome")
@requires(Permission.SIGN_OFF_REVIEW)
def override_outcome(meeting_id, case_id):
    form = OverrideForm(prefix="override")
    return _post(meeting_id, case_id, form, "reason", lambda: services.override_outcome(
        _actor(), meeting_id, case_id, form.version.data, form.outcome.data, form.reason.data),
        "Outcome saved.", "outcome", "override_form")


@bp.post(CASE_URL + "/sign-off")
@requires(Permission.SIGN_OFF_REVIEW)
def sign_off_review(meeting_id, case_id):
    form = SignOffForm(prefix="sign_off")
    return _post(meeting_id, case_id, form, "completed_on", lambda: services.sign_off_review(
        _actor(), meeting_id, case_id, form.version.data, form.completed_on.data),
        "Review signed off. The case is now reviewed.", None, "sign_off_form")


@bp.post(CASE_URL + "/reopen")
@requires(Permission.SIGN_OFF_REVIEW)
def reopen_review(meeting_id, case_id):
    form = ReopenForm(prefix="reopen")
    return _post(meeting_id, case_id, form, "reason", lambda: services.reopen_review(
        _actor(), meeting_id, case_id, form.version.data, form.reason.data),
        "Review re-opened. The case is ready for panel again.", None, "reopen_form")
