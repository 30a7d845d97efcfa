"""Action-plan forms."""


from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import InputRequired

from ..forms import DateInput, FlaskForm, GovDateField, RadioInput, text_area, text_field  # noqa: F401
from ..models.actions import AgencyType


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
