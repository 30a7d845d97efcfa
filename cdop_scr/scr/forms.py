"""Review forms: GOV.UK wording, GOV.UK date inputs, choices from the model enums."""

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput
from wtforms import HiddenField, RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..actions.forms import GovDateField, RadioInput, agency_type_field, text_area, text_field
from ..forms import FlaskForm
from ..models.scr import (
    DecisionOutcome,
    DeferralReason,
    DocumentKind,
    Framework,
    IncidentType,
    Methodology,
    ReviewStatus,
)

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("", "Not known")]


class ReviewForm(FlaskForm):
    """The child, the incident and the process dates: shared by create and edit."""

    child_name = text_field("Child's full name", "Enter the child's full name")
    child_date_of_birth = GovDateField("Child's date of birth", required=False,
                                       description="For example, 27 3 2019")
    child_nhs_number = text_field(
        "NHS number (if known)", max_length=12, description="10 digits, for example 943 476 5919"
    )
    looked_after = RadioField("Was the child looked after?", widget=RadioInput(),
                              choices=YES_NO_UNKNOWN, validators=[Optional()], default="")
    incident_type = RadioField("What happened to the child?", widget=RadioInput(),
                               choices=IncidentType.choices(),
                               validators=[InputRequired(
                                   message="Select whether the child died or was seriously "
                                           "harmed")])
    incident_on = GovDateField("Date of the incident")
    incident_summary = text_area("Summary of the incident", "Enter a summary of the incident",
                                 max_length=10000)
    framework = RadioField(
        "Framework", widget=RadioInput(),
        choices=[("", "Choose from the date of the incident"), *Framework.choices()],
        validators=[Optional()], default="",
        description="Incidents before 29 June 2018 are serious case reviews; from then on, local "
                    "child safeguarding practice reviews",
    )
    la_learned_on = GovDateField("Date the local authority learned of the incident",
                                 required=False)
    referred_on = GovDateField("Date of referral to the board")
    notified_on = GovDateField("Date notified to Ofsted and the national panel", required=False)
    rapid_review_on = GovDateField("Date of the rapid review", required=False)
    reviewer_name = text_field("Independent reviewer", description="The reviewer or author")
    methodology = SelectField("Methodology", widget=GovSelect(),
                              choices=[("", "Not chosen yet"), *Methodology.choices()],
                              validators=[Optional()])
    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_child_nhs_number(self, field):
        digits = "".join((field.data or "").split())
        if digits and (len(digits) != 10 or not digits.isdigit()):
            # ValidationError, not ValueError: WTForms shows only the former as a field error.
            raise ValidationError("Enter the NHS number as 10 digits, like 943 476 5919")

    def service_fields(self):
        looked_after = {"yes": True, "no": False}.get(self.looked_after.data)
        return {
            "child_name": self.child_name.data,
            "child_date_of_birth": self.child_date_of_birth.data,
            "child_nhs_number": "".join((self.child_nhs_number.data or "").split()) or None,
            "looked_after": looked_after,
            "incident_type": self.incident_type.data,
            "incident_on": self.incident_on.data,
            "incident_summary": self.incident_summary.data,
            "framework": self.framework.data or None,
            "la_learned_on": self.la_learned_on.data,
            "referred_on": self.referred_on.data,
            "notified_on": self.notified_on.data,
            "rapid_review_on": self.rapid_review_on.data,
            "reviewer_name": self.reviewer_name.data,
            "methodology": self.methodology.data or None,
        }

    def fill_from(self, review):
        for name in ("child_name", "child_date_of_birth", "child_nhs_number", "incident_type",
                     "incident_on", "incident_summary", "framework", "la_learned_on",
                     "referred_on", "notified_on", "rapid_review_on", "reviewer_name"):
            getattr(self, name).data = getattr(review, name)
        self.methodology.data = review.methodology or ""
        self.looked_after.data = {True: "yes", False: "no"}.get(review.looked_after, "")
        self.version.data = review.version


class FromCaseForm(FlaskForm):
    la_learned_on = GovDateField("Date the local authority learned of the incident",
                                 required=False)
    looked_after = RadioField("Was the child looked after?", widget=RadioInput(),
                              choices=YES_NO_UNKNOWN, validators=[Optional()], default="")
    submit = SubmitField("Start the review", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    outcome = RadioField("Decision", widget=RadioInput(), choices=DecisionOutcome.choices(),
                         validators=[InputRequired(message="Select the decision")])
    decided_on = GovDateField("Date of the decision")
    decided_by = text_field("Decided by", "Enter who made the decision",
                            description="Usually the chair of the safeguarding partnership")
    rationale = text_area("Why the criteria are or are not met",
                          "Enter why the criteria are or are not met", max_length=10000)
    version = HiddenField()
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class StatusForm(FlaskForm):
    # Any status may be posted: the service's table decides, and explains a refusal.
    status = RadioField("New status", widget=RadioInput(), choices=ReviewStatus.choices(),
                        validate_choice=False,
                        validators=[InputRequired(message="Select the new status")])
    on = GovDateField("Date", required=False, description="Leave empty for today")
    deferral_reason = RadioField("Why is publication deferred?", widget=RadioInput(),
                                 choices=DeferralReason.choices(), validators=[Optional()])
    deferral_review_on = GovDateField("Date to review the deferral", required=False)
    version = HiddenField()
    submit = SubmitField("Change status", widget=GovSubmitInput())


class AgencyForm(FlaskForm):
    agency_name = text_field("Agency", "Enter the name of the agency",
                             description="For example, Kent Police")
    agency_type = agency_type_field()
    imr_requested_on = GovDateField("Individual management review requested", required=False)
    imr_received_on = GovDateField("Individual management review received", required=False)
    submit = SubmitField("Save agency", widget=GovSubmitInput())


class MeetingForm(FlaskForm):
    held_on = GovDateField("Date of the meeting")
    notes = text_area("Notes (optional)", max_length=10000)
    submit = SubmitField("Add meeting", widget=GovSubmitInput())


class DocumentForm(FlaskForm):
    kind = RadioField("What is the document?", widget=RadioInput(),
                      choices=DocumentKind.choices(),
                      validators=[InputRequired(message="Select what the document is")])
    document = FileField("Upload a file", widget=GovFileInput(),
                         description="PDF, DOCX or ODT")
    submit = SubmitField("Upload document", widget=GovSubmitInput())
