"""The audit log's filter form (GET, so no CSRF token)."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import Optional

from ..forms import FlaskForm
from .events import AuditEvent


class DateInput(GovTextInput):
    input_type = "date"


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    event = SelectField("Event", widget=GovSelect(), validators=[Optional()],
                        choices=[("", "All events")] + [(e.value, e.label) for e in AuditEvent])
    user = SelectField("User", widget=GovSelect(), validators=[Optional()], choices=[])
    date_from = DateField("From", widget=DateInput(), validators=[Optional()])
    date_to = DateField("To", widget=DateInput(), validators=[Optional()])
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def set_users(self, choices):
        self.user.choices = [("", "All users")] + choices
