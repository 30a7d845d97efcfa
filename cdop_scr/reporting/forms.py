"""The report choosers: plain GET forms (they change nothing, so carry no CSRF token)."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovSubmitInput
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.validators import InputRequired, Optional

from ..forms import FlaskForm
from . import queries

DIMENSION_CHOICES = [
    ("category", "Category of death"), ("modifiable", "Modifiable factors"),
    ("age_band", "Age at death"), ("sex", "Sex"), ("ethnicity_group", "Ethnicity"),
    ("death_expectation", "Expected or unexpected death"), ("year_of_death", "Year of death"),
    ("event", "Event leading to death"), ("time_to_review", "Time to completed review"),
    ("delay_reason", "Reason for delay"), ("scr", "Serious case review held or considered"),
    ("time_since_death", "Time since death at year end"),
]


class ReportForm(FlaskForm):
    class Meta:
        csrf = False

    year = SelectField("Financial year", widget=GovSelect(),
                       validators=[InputRequired(message="Choose a financial year")])
    submit = SubmitField("Show", widget=GovSubmitInput())


class CrossTableForm(ReportForm):
    measure = SelectField("Count", widget=GovSelect(), choices=list(queries.MEASURES.items()),
                          validators=[InputRequired(message="Choose what to count")])
    rows = SelectField("Rows", widget=GovSelect(), choices=DIMENSION_CHOICES,
                       validators=[InputRequired(message="Choose the rows")])
    cols = SelectField("Columns", widget=GovSelect(),
                       choices=[("", "None (one column of counts)")] + DIMENSION_CHOICES,
                       validators=[Optional()])
    unsuppressed = BooleanField("Show unsuppressed figures (not for publication)",
                                widget=GovCheckboxInput())
