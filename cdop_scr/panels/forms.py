"""Panel forms: meetings, attendance, conflicts, the analysis and its parts, sign-off."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from ..cases.forms import GovDateField, _text
from ..forms import FlaskForm
from ..models.cases import CATEGORIES, Event, Modifiable
from ..models.panels import GRADE_LABELS, Domain

CATEGORY_CHOICES = [(str(code), f"{code}. {label}") for code, label in CATEGORIES.items()]
YES_NO = [("yes", "Yes"), ("no", "No")]
REASON_LIMIT = 200


def _reason(label, message):
    return TextAreaField(label, widget=GovTextArea(), validators=[
        InputRequired(message=message),
        Length(max=REASON_LIMIT, message=f"The reason must be {REASON_LIMIT} characters or fewer"),
    ])


class MeetingForm(FlaskForm):
    meets_on = GovDateField("Date of the meeting", description="For example, 27 3 2026")
    chair = SelectField("Chair", widget=GovSelect(), choices=[],
                        validators=[InputRequired(message="Select the chair")])
    members = SelectMultipleField(
        "Panel members", widget=GovCheckboxesInput(), choices=[],
        description="Members see only the cases on this meeting's agenda, pseudonymised")
    cases = SelectMultipleField(
        "Agenda", widget=GovCheckboxesInput(), choices=[],
        description="Cases that are ready for panel")
    version = HiddenField()
    submit = SubmitField("Save meeting", widget=GovSubmitInput())

    def set_choices(self, chairs, members, cases, label):
        self.chair.choices = [("", "Select the chair")] + [(str(u.id), u.full_name)
                                                           for u in chairs]
        self.members.choices = [(str(u.id), u.full_name) for u in members]
        self.cases.choices = [(str(c.id), label(c)) for c in cases]


class AttendanceForm(FlaskForm):
    attended = SelectMultipleField("Who attended?", widget=GovCheckboxesInput(), choices=[])
    submit = SubmitField("Save attendance", widget=GovSubmitInput())


class ConflictsForm(FlaskForm):
    cases = SelectMultipleField(
        "Cases in which you have a conflict of interest", widget=GovCheckboxesInput(),
        choices=[], description="Select all that apply. Leave every box empty if you have none.")
    details = TextAreaField(
        "How are you connected? (optional)", widget=GovTextArea(),
        validators=[Optional(), Length(max=2000, message="Details must be 2000 characters or "
                                                         "fewer")])
    submit = SubmitField("Save declarations", widget=GovSubmitInput())


class AnalysisForm(FlaskForm):
    category = RadioField("Category of death", widget=GovRadioInput(), choices=CATEGORY_CHOICES,
                          validators=[Optional()])
    event = SelectField("Event leading to death", widget=GovSelect(),
                        choices=[("", "Not yet decided")] + Event.choices(),
                        validators=[Optional()])
    insufficient_information = BooleanField(
        "The panel has too little information to judge whether the death was modifiable",
        widget=GovCheckboxInput())
    refer_for_scr = RadioField(
        "Refer the case for serious case review consideration?", widget=GovRadioInput(),
        choices=YES_NO, validators=[Optional()])
    learning_points = TextAreaField(
        "Learning points", widget=GovTextArea(),
        validators=[Optional(), Length(max=10000, message="Learning points must be 10000 "
                                                          "characters or fewer")])
    version = HiddenField()
    submit = SubmitField("Save draft", widget=GovSubmitInput())

    def fill_from(self, analysis):
        self.version.data = analysis.version if analysis else 0
        if analysis is None:
            return
        self.category.data = str(analysis.category) if analysis.category else None
        self.event.data = analysis.event or ""
        self.insufficient_information.data = analysis.insufficient_information
        self.refer_for_scr.data = {True: "yes", False: "no"}.get(analysis.refer_for_scr)
        self.learning_points.data = analysis.learning_points

    def values(self):
        return {"category": self.category.data or None, "event": self.event.data or None,
                "insufficient_information": self.insufficient_information.data,
                "refer_for_scr": {"yes": True, "no": False}.get(self.refer_for_scr.data),
                "learning_points": self.learning_points.data}


class FactorForm(FlaskForm):
    domain = RadioField("Domain", widget=GovRadioInput(), choices=Domain.choices(),
                        validators=[InputRequired(message="Select the domain")])
    theme = SelectField("Theme", widget=GovSelect(), choices=[],
                        validators=[InputRequired(message="Select a theme")])
    grade = RadioField("Grade", widget=GovRadioInput(),
                       choices=[(str(g.value), label) for g, label in GRADE_LABELS.items()],
                       validators=[InputRequired(message="Select the grade")])
    modifiable = BooleanField("This factor is modifiable", widget=GovCheckboxInput(),
                              description="Only for a factor graded 2")
    description = TextAreaField(
        "Description", widget=GovTextArea(),
        validators=[InputRequired(message="Describe the factor"),
                    Length(max=5000, message="Description must be 5000 characters or fewer")])
    version = HiddenField()
    submit = SubmitField("Add factor", widget=GovSubmitInput())

    def set_themes(self, themes):
        self.theme.choices = [("", "Select a theme")] + [(t.code, t.label) for t in themes]


class RecommendationForm(FlaskForm):
    text = TextAreaField(
        "Recommendation", widget=GovTextArea(),
        validators=[InputRequired(message="Enter the recommendation"),
                    Length(max=5000, message="Recommendation must be 5000 characters or fewer")])
    owner_agency = _text("Agency that owns the action", "Enter the agency that owns the action",
                         max_length=120)
    due_on = GovDateField("Due date", description="For example, 27 3 2027")
    version = HiddenField()
    submit = SubmitField("Add recommendation", widget=GovSubmitInput())


class OverrideForm(FlaskForm):
    outcome = RadioField("Outcome that counts", widget=GovRadioInput(),
                         choices=[("", "Use the derived outcome")] + Modifiable.choices(),
                         validators=[Optional()])
    reason = TextAreaField(
        "Reason for the override", widget=GovTextArea(),
        description="Required when you override. Do not include names or NHS numbers.",
        validators=[Optional(), Length(max=REASON_LIMIT, message=(
            f"The reason must be {REASON_LIMIT} characters or fewer"))])
    version = HiddenField()
    submit = SubmitField("Save outcome", widget=GovSubmitInput())


class SignOffForm(FlaskForm):
    completed_on = GovDateField("Date the panel completed the review",
                                description="This is the date that counts in the statistics")
    version = HiddenField()
    submit = SubmitField("Sign off review", widget=GovSubmitInput())


class ReopenForm(FlaskForm):
    reason = _reason("Reason for re-opening", "Enter the reason for re-opening the review")
    version = HiddenField()
    submit = SubmitField("Re-open review", widget=GovSubmitInput())


class RemoveForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField("Remove", widget=GovSubmitInput())


class BreakGlassForm(FlaskForm):
    reason = _reason("Why do you need the identifiable record?",
                     "Enter the reason you need the identifiable record")
    submit = SubmitField("Open the identifiable record", widget=GovSubmitInput())
