"""Action-plan forms, and the GOV.UK date field the review forms share."""

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, StopValidation

from ..models.actions import AgencyType


def _keep_legend(params, field):
    """Passing fieldset params (e.g. legend classes) would otherwise drop the legend text."""
    # Copies, not setdefault: the params dict often comes from a template variable reused
    # for several fields.
    fieldset = dict(params.get("fieldset") or {})
    fieldset["legend"] = {"text": field.label.text, **(fieldset.get("legend") or {})}
    params["fieldset"] = fieldset
    if not field.description:
        params.pop("hint", None)  # no empty hint for aria-describedby to point at
    return params


class RadioInput(GovRadioInput):
    """GovRadioInput that keeps its legend when given fieldset classes."""

    def map_gov_params(self, field, **kwargs):
        return _keep_legend(super().map_gov_params(field, **kwargs), field)


class DateInput(GovDateInput):
    """GovDateInput that survives a malformed post and keeps its legend when given classes."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = None
        return _keep_legend(super().map_gov_params(field, **kwargs), field)


class GovDateField(DateField):
    """A GOV.UK date input (day, month, year) with GOV.UK error messages."""

    widget = DateInput()

    def __init__(self, label, required=True, **kwargs):
        super().__init__(label, format="%d %m %Y", **kwargs)
        self.required = required

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        parts = [str(v).strip() for v in valuelist]
        self.data = None
        if not any(parts):
            return
        name = self.label.text
        if len(parts) != 3:
            raise ValueError(f"{name} must be a real date")
        for part, word in zip(parts, ("day", "month", "year"), strict=True):
            if not part:
                raise ValueError(f"{name} must include a {word}")
        day, month, year = parts
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValueError(f"{name} must be a real date")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValueError(f"{name} must be a real date") from exc

    def pre_validate(self, form):
        if self.required and self.data is None and not self.process_errors:
            raise StopValidation(f"Enter the {self.label.text[0].lower()}{self.label.text[1:]}")


def text_field(label, message=None, max_length=200, **kwargs):
    validators = [InputRequired(message=message)] if message else [Optional()]
    validators.append(Length(max=max_length,
                             message=f"{label} must be {max_length} characters or fewer"))
    return StringField(label, widget=GovTextInput(), validators=validators, **kwargs)


def text_area(label, message=None, max_length=10000, **kwargs):
    validators = [InputRequired(message=message)] if message else [Optional()]
    validators.append(Length(max=max_length,
                             message=f"{label} must be {max_length} characters or fewer"))
    return TextAreaField(label, widget=GovTextArea(), validators=validators, **kwargs)


def agency_type_field(label="Type of agency"):
    return SelectField(label, widget=GovSelect(),
                       choices=[("", "Select the type of agency"), *AgencyType.choices()],
                       validators=[InputRequired(message="Select the type of agency")])


class RecommendationForm(FlaskForm):
    text = text_area("Recommendation", "Enter the recommendation", max_length=5000)
    submit = SubmitField("Add recommendation", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    description = text_area("What the agency will do", "Enter what the agency will do",
                            max_length=5000)
    agency_name = text_field("Owning agency", "Enter the owning agency",
                             description="For example, Kent Police")
    agency_type = agency_type_field()
    owner_name = text_field("Action owner", "Enter the name of the action owner",
                            description="The named person in the agency who answers for it")
    due_on = GovDateField("Due date", description="For example, 27 3 2026")
    expected_evidence = text_area(
        "Evidence that will show it is done", "Enter the evidence that will show it is done",
        max_length=5000, description="For example, an audit of 20 case files showing ...")
    version = HiddenField()
    submit = SubmitField("Save action", widget=GovSubmitInput())


class EvidenceForm(FlaskForm):
    note = text_area("Evidence", "Describe the evidence", max_length=10000,
                     description="What the agency did and what shows it")
    document = FileField("Upload a document (optional)", widget=GovFileInput(),
                         description="PDF, DOCX or ODT")
    version = HiddenField()
    submit = SubmitField("Submit evidence", widget=GovSubmitInput())


class DecideEvidenceForm(FlaskForm):
    """A button-only form (accept evidence, start an action), carrying the version."""

    version = HiddenField()
    submit = SubmitField("Accept evidence", widget=GovSubmitInput())


class RejectEvidenceForm(FlaskForm):
    reason = text_area("Why the evidence is not accepted", "Enter why the evidence is not "
                       "accepted", max_length=5000,
                       description="This goes back to the agency: say what more is needed")
    version = HiddenField()
    submit = SubmitField("Do not accept evidence", widget=GovSubmitInput())


class ChallengeForm(FlaskForm):
    challenged_on = GovDateField("Date of the challenge")
    asked = text_area("What was asked of the agency", "Enter what was asked of the agency",
                      max_length=5000)
    submit = SubmitField("Record challenge", widget=GovSubmitInput())


class ChallengeResponseForm(FlaskForm):
    responded_on = GovDateField("Date of the response")
    response = text_area("The agency's response", "Enter the agency's response",
                         max_length=5000)
    submit = SubmitField("Record response", widget=GovSubmitInput())
