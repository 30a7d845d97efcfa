"""Reports pages: the year's figures with charts, any cross-table, downloads, data quality."""

from datetime import date

from flask import Response, render_template, request
from flask_login import current_user

from ..errors import ValidationError
from ..permissions import Permission, requires
from . import bp, charts, services
from .forms import CrossTableForm, ReportForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor():
    return current_user._get_current_object()


def _year_form(form_class):
    """The chooser, defaulting to the current financial year; valid when nothing is asked yet."""
    form = form_class(request.args)
    years = services.available_years()
    form.year.choices = [(y, y) for y in years]
    if not request.args.get("year"):
        form.year.data = years[0]
        return form, True
    return form, form.validate()


@bp.get("/reports")
@requires(Permission.VIEW_REPORTS)
def index():
    form, valid = _year_form(ReportForm)
    if not valid:
        return render_template("reporting/index.html", form=form, year=None), 400
    year = form.year.data
    category = services.build(services.RETURN_TABLES[1], year)
    trend = services.trend(services.available_years()[::-1])
    return render_template(
        "reporting/index.html", form=form, year=year, category=category,
        category_chart=charts.chart_of(category), trend=trend,
        trend_charts=[charts.chart_of(p) for p in trend],
    )


@bp.get("/reports/table")
@requires(Permission.VIEW_REPORTS)
def cross_table():
    form, _ = _year_form(CrossTableForm)
    published = chart = None
    if request.args.get("measure"):
        if form.validate():
            try:
                published = services.cross_table(
                    _actor(), form.measure.data, form.year.data, form.rows.data,
                    form.cols.data or None, form.unsuppressed.data)
            except ValidationError as error:
                form.rows.errors.append(error.message)
            else:
                chart = charts.chart_of(published)
        if form.errors:
            return render_template("reporting/cross-table.html", form=form), 400
    return render_template("reporting/cross-table.html", form=form, published=published,
                           chart=chart)


@bp.get("/reports/table.csv")
@requires(Permission.VIEW_REPORTS)
def cross_table_csv():
    args = request.args
    published = services.cross_table(
        _actor(), args.get("measure", ""), args.get("year", ""), args.get("rows", ""),
        args.get("cols") or None, args.get("unsuppressed") == "y", export=True)
    return Response(published.csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=table.csv"})


@bp.get("/reports/return.xlsx")
@requires(Permission.VIEW_REPORTS)
def download_return():
    year = request.args.get("year", "")
    unsuppressed = request.args.get("unsuppressed") == "y"
    _, content = services.export_return(_actor(), year, unsuppressed=unsuppressed)
    name = f"cdop-return-{year}{'-UNSUPPRESSED' if unsuppressed else ''}.xlsx"
    return Response(content, mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/reports/return-csv.zip")
@requires(Permission.VIEW_REPORTS)
def download_return_csv():
    year = request.args.get("year", "")
    unsuppressed = request.args.get("unsuppressed") == "y"
    _, content = services.export_return(_actor(), year, unsuppressed=unsuppressed, form="csv")
    name = f"cdop-return-{year}{'-UNSUPPRESSED' if unsuppressed else ''}-csv.zip"
    return Response(content, mimetype="application/zip",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/reports/data-quality")
@requires(Permission.VIEW_REPORTS)
def data_quality():
    form, valid = _year_form(ReportForm)
    if not valid:
        return render_template("reporting/data-quality.html", form=form, issues=None), 400
    issues = services.view_data_quality(_actor(), form.year.data)
    return render_template("reporting/data-quality.html", form=form, issues=issues,
                           year=form.year.data)


@bp.get("/reports/child-extract.csv")
@requires(Permission.VIEW_UNSUPPRESSED)
def child_extract():
    year = request.args.get("year") or services.available_years(date.today())[0]
    content = services.child_extract(_actor(), year)
    return Response(content, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=child-extract-{year}.csv"})
