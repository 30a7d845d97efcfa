"""Account administration forms."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length

from ..forms import FlaskForm
from ..permissions import Role


class UserForm(FlaskForm):
    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the person's full name"), Length(max=200)],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter an email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.org",
                  check_deliverability=False),
        ],
    )
    roles = SelectMultipleField(
        "Roles",
        widget=GovCheckboxesInput(),
        description="Select every role this person holds",
        choices=[(r.value, r.label) for r in Role],
        validators=[InputRequired(message="Select at least one role")],
    )
    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button-only form: CSRF-protected POST for an action."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
