"""The coordinator's case pages. Identifiers never travel in URLs: ids are UUIDs and the
identifier search is a POST."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import Conflict, ValidationError
from ..models.cases import AgeBand, CaseStatus, DelayReason, Ethnicity, Relationship
from ..permissions import Permission, requires
from . import bp, clocks, importer, rules, services
from .forms import (
    KEY_FACTS,
    AgencyReportReceiptForm,
    AgencyReportRequestForm,
    ConfirmForm,
    DelayReasonForm,
    EditCaseForm,
    FamilyMemberForm,
    FilterForm,
    ImportForm,
    KeyDatesForm,
    NotificationForm,
    SearchForm,
    StatusForm,
    WaiveReportForm,
    WithdrawForm,
)


@bp.context_processor
def _helpers():
    return {
        "today": clocks.today(),
        "format_nhs": rules.format_nhs_number,
        "ethnicity_label": lambda code: Ethnicity.label_of(code, "Not known"),
        "age_band_label": lambda code: AgeBand.label_of(code, code),
        "relation_label": lambda code: Relationship.label_of(code, code),
        "delay_reason_label": lambda code: DelayReason.label_of(code, code),
    }


def _actor():
    return current_user._get_current_object()


def _to_case(case, message=None):
    if message:
        flash(message, "success")
    return redirect(url_for("cases.view_case", case_id=case.id))


def _form_error(form, field, message):
    getattr(form, field).errors = list(getattr(form, field).errors) + [message]


@bp.get("/cases")
@requires(Permission.EDIT_CASES)
def list_cases():
    form = FilterForm(request.args)
    form.set_years(services.financial_years())
    filters = services.CaseFilters()
    if form.validate():
        filters = services.CaseFilters(
            status=form.status.data or None, death_expectation=form.death_expectation.data or None,
            financial_year=form.financial_year.data or None, rag=form.rag.data or None,
            awaiting_reports=form.awaiting_reports.data or None,
            sort=form.sort.data or "days_open")
    # Past the last page the list is empty; a page number too big for SQL would be a 500.
    page = min(max(request.args.get("page", 1, type=int), 1), 1_000_000)
    pagination, rows = services.list_cases(_actor(), filters, page=page)
    return render_template("cases/list-cases.html", filter_form=form, search_form=SearchForm(),
                           pagination=pagination, rows=rows)


@bp.post("/cases/search")
@requires(Permission.EDIT_CASES)
def search_cases():
    form = SearchForm()
    results = None
    if form.validate_on_submit():
        results = services.search_cases(
            _actor(), case_ref=form.case_ref.data, nhs_number=form.nhs_number.data,
            surname=form.surname.data, date_of_birth=form.date_of_birth.data)
    return render_template("cases/search-results.html", form=form, results=results)


@bp.route("/cases/new", methods=["GET", "POST"])
@requires(Permission.EDIT_CASES)
def notify_death():
    form = NotificationForm()
    matches = None
    if form.validate_on_submit():
        details = form.details()
        # A confirmation given for other identifiers (changed since) does not count: the
        # duplicate check runs again on what is being saved.
        confirmed = services.confirms_new(form.confirmed_new.data, details)
        try:
            case = services.notify_death(_actor(), details, form.family_entries(),
                                         confirmed_new=confirmed)
        except services.PossibleDuplicate as duplicate:
            matches = duplicate.matches
            form.confirmed_new.data = services.duplicate_check_token(details)
        except ValidationError as error:
            _form_error(form, "date_of_death", error.message)
        else:
            return _to_case(case, f"Notification recorded: case {case.case_ref} created.")
    return render_template("cases/notify-death.html", form=form, matches=matches)


@bp.get("/cases/<uuid:case_id>")
@requires(Permission.EDIT_CASES)
def view_case(case_id):
    case = services.view_case(_actor(), case_id)
    return render_template(
        "cases/view-case.html", case=case, clock=services.clock_for(case),
        chronology=services.chronology(case), moves=services.allowed_moves(case),
        action_form=ConfirmForm())


@bp.route("/cases/<uuid:case_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_CASES)
def edit_case(case_id):
    case = services.get_case(case_id)
    form = EditCaseForm()
    if not form.is_submitted():
        form.fill_from(case)
    elif form.validate():
        try:
            services.update_case(_actor(), case, form.version.data, form.details())
        except Conflict as conflict:
            return _conflict("cases/edit-case.html", form, case, conflict)
        except ValidationError as error:
            _form_error(form, "date_of_death", error.message)
        else:
            return _to_case(case, "The case details have been saved.")
    services.record_case_viewed(_actor(), case, "edit")
    return render_template("cases/edit-case.html", form=form, case=case)


def _conflict(template, form, case, conflict):
    """409: the user's input stays on the form; saving again now means overwriting knowingly."""
    services.record_case_viewed(_actor(), case, "conflict")
    form.version.data = case.version
    return render_template(template, form=form, case=case, conflict=conflict.message), 409


@bp.route("/cases/<uuid:case_id>/key-dates", methods=["GET", "POST"])
@requires(Permission.EDIT_CASES)
def edit_key_dates(case_id):
    case = services.get_case(case_id)
    form = KeyDatesForm()
    if not form.is_submitted():
        form.fill_from(case)
    elif form.validate():
        try:
            services.update_key_dates(_actor(), case, form.version.data, form.dates())
        except Conflict as conflict:
            return _conflict("cases/key-dates.html", form, case, conflict)
        except services.KeyDateProblems as error:
            for name, message in error.problems.items():
                _form_error(form, name, message)
        else:
            return _to_case(case, "The key dates have been saved.")
    services.record_case_viewed(_actor(), case, "key_dates")
    return render_template("cases/key-dates.html", form=form, case=case)


@bp.route("/cases/<uuid:case_id>/family-members/new", methods=["GET", "POST"])
@requires(Permission.EDIT_CASES)
def add_family_member(case_id):
    case = services.get_case(case_id)
    form = FamilyMemberForm()
    if form.validate_on_submit():
        services.add_family_member(_actor(), case, form.relation.data, form.name.data)
        return _to_case(case, "Family member added.")
    return render_template("cases/add-family-member.html", form=form, case=case)


@bp.post("/cases/<uuid:case_id>/family-members/<uuid:member_id>/remove")
@requires(Permission.EDIT_CASES)
def remove_family_member(case_id, member_id):
    case = services.get_case(case_id)
    if ConfirmForm().validate_on_submit():
        services.remove_family_member(_actor(), case, member_id)
        flash("Family member removed.", "success")
    return redirect(url_for("cases.view_case", case_id=case.id))


@bp.route("/cases/<uuid:case_id>/status", methods=["GET", "POST"])
@requires(Permission.EDIT_CASES)
def change_status(case_id):
    case = services.get_case(case_id)
    form = StatusForm()
    # Any status is accepted for checking, so that a refused move is explained by name.
    form.set_moves(CaseStatus)
    if not form.is_submitted():
        form.version.data = case.version
    elif form.validate():
        try:
            services.change_status(_actor(), case, form.version.data, form.status.data)
        except Conflict as conflict:
            return _conflict_plain("cases/change-status.html", form, case, conflict)
        except ValidationError as error:
            _form_error(form, "status", error.message)
        else:
            return _to_case(case, f"The case is now {case.status_enum.label.lower()}.")
    form.set_moves(services.allowed_moves(case))
    return render_template("cases/change-status.html", form=form, case=case)


def _conflict_plain(template, form, case, conflict):
    form.version.data = case.version
    return render_template(template, form=form, case=case, conflict=conflict.message), 409


@bp.route("/cases/<uuid:case_id>/withdraw", methods=["GET", "POST"])
@requires(Permission.EDIT_CASES)
def withdraw_case(case_id):
    case = services.get_case(case_id)
    form = WithdrawForm()
    if not form.is_submitted():
        form.version.data = case.version
    elif form.validate():
        try:
            services.withdraw_case(_actor(), case, form.version.data, form.reason.data,
                                   form.transferred_to.data, form.text.data)
        except Conflict as conflict:
            return _conflict_plain("cases/withdraw-case.html", form, case, conflict)
        except ValidationError as error:
            _form_error(form, "reason", error.message)
        else:
            return _to_case(case, "The case has been withdrawn.")
    return render_template("cases/withdraw-case.html", form=form, case=case)


@bp.route("/cases/<uuid:case_id>/delay-reason", methods=["GET", "POST"])
@requires(Permission.EDIT_CASES)
def record_delay_reason(case_id):
    case = services.get_case(case_id)
    form = DelayReasonForm()
    if not form.is_submitted():
        form.version.data = case.version
        form.reason.data = case.delay_reason
    elif form.validate():
        try:
            services.record_delay_reason(_actor(), case, form.version.data, form.reason.data,
                                         form.other_text.data)
        except Conflict as conflict:
            return _conflict_plain("cases/delay-reason.html", form, case, conflict)
        else:
            return _to_case(case, "The reason for delay has been saved.")
    return render_template("cases/delay-reason.html", form=form, case=case)


@bp.route("/cases/<uuid:case_id>/agency-reports/new", methods=["GET", "POST"])
@requires(Permission.EDIT_CASES)
def request_agency_report(case_id):
    case = services.get_case(case_id)
    form = AgencyReportRequestForm()
    if form.validate_on_submit():
        try:
            report = services.request_agency_report(
                _actor(), case, form.agency_type.data, form.contact_name.data,
                form.contact_email.data, form.due_on.data)
        except ValidationError as error:
            _form_error(form, "agency_type", error.message)
        else:
            return _to_case(case, f"{report.agency_label} report requested.")
    return render_template("cases/request-agency-report.html", form=form, case=case)


@bp.get("/cases/<uuid:case_id>/agency-reports/<uuid:report_id>")
@requires(Permission.EDIT_CASES)
def view_agency_report(case_id, report_id):
    case = services.get_case(case_id)
    report = services.view_agency_report(_actor(), case, services.get_report(case, report_id))
    return render_template("cases/view-agency-report.html", case=case, report=report,
                           key_facts=KEY_FACTS)


@bp.route("/cases/<uuid:case_id>/agency-reports/<uuid:report_id>/receipt",
          methods=["GET", "POST"])
@requires(Permission.EDIT_CASES)
def record_agency_report(case_id, report_id):
    case = services.get_case(case_id)
    report = services.get_report(case, report_id)
    form = AgencyReportReceiptForm()
    if form.validate_on_submit():
        try:
            services.record_agency_report(_actor(), case, report, form.received_on.data,
                                          form.summary.data, form.key_facts())
        except ValidationError as error:
            _form_error(form, "received_on", error.message)
        else:
            return _to_case(case, f"{report.agency_label} report recorded as received.")
    return render_template("cases/record-agency-report.html", form=form, case=case,
                           report=report, key_facts=KEY_FACTS)


@bp.route("/cases/<uuid:case_id>/agency-reports/<uuid:report_id>/waive",
          methods=["GET", "POST"])
@requires(Permission.EDIT_CASES)
def waive_agency_report(case_id, report_id):
    case = services.get_case(case_id)
    report = services.get_report(case, report_id)
    form = WaiveReportForm()
    if form.validate_on_submit():
        try:
            services.waive_agency_report(_actor(), case, report, form.reason.data)
        except ValidationError as error:
            _form_error(form, "reason", error.message)
        else:
            return _to_case(case, f"{report.agency_label} report waived.")
    return render_template("cases/waive-agency-report.html", form=form, case=case,
                           report=report)


@bp.get("/cases/agency-reports/overdue")
@requires(Permission.EDIT_CASES)
def list_overdue_reports():
    return render_template("cases/overdue-reports.html",
                           reports=services.overdue_reports(_actor()))


@bp.route("/cases/import", methods=["GET", "POST"])
@requires(Permission.EDIT_CASES)
def import_cases():
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        text = importer.decode(form.file.data.read())
        if text is None:
            _form_error(form, "file", "The selected file must be a UTF-8 CSV")
        else:
            result = importer.import_cases(_actor(), text, dry_run=form.dry_run.data)
    return render_template("cases/import-cases.html", form=form, result=result,
                           columns=importer.COLUMNS, required=importer.REQUIRED)
