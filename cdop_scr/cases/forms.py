"""Case forms: GOV.UK wording, GOV.UK date inputs, cross-field checks from rules.py."""


from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, Optional

from ..forms import DateInput, FlaskForm, GovDateField, RadioInput, text_area, text_field  # noqa: F401
from ..models.cases import (
    AgencyType,
    CaseStatus,
    DeathExpectation,
    DelayReason,
    Ethnicity,
    PlaceType,
    Relationship,
    Sex,
    WithdrawalReason,
)
from . import rules
from .clocks import today
from .services import RED_WITHOUT_DELAY_REASON

YES_NO = [("yes", "Yes"), ("no", "No")]
ANSWERS = [("yes", "Yes"), ("no", "No"), ("not_known", "Not known"),
           ("not_applicable", "Not applicable")]
# The key facts every agency report is asked for; each answer may be not known/applicable.
KEY_FACTS = (
    ("known_to_agency", "Was the child known to the agency?"),
    ("safeguarding_concerns", "Did the agency have safeguarding concerns about the child or "
                              "family?"),
    ("recent_contact", "Did the agency have contact with the child or family in the month "
                       "before the death?"),
)


# The shared GOV.UK inputs, under the names this module's forms (and others) use.
_text, _area = text_field, text_area


def _radio(label, choices, message, **kwargs):
    return RadioField(label, widget=RadioInput(), choices=choices,
                      validators=[InputRequired(message=message)], **kwargs)


class CaseDetailsForm(FlaskForm):
    """The child, the death and the notifier: shared by notification and editing."""

    # The child
    forename = _text("First name", "Enter the child's first name", 100)
    surname = _text("Last name", "Enter the child's last name", 100)
    other_names = _area("Other names or aliases (optional)", max_length=1000,
                        description="One name on each line")
    date_of_birth = GovDateField("Date of birth", description="For example, 27 3 2019")
    sex = _radio("Sex", Sex.choices(), "Select the child's sex")
    ethnicity = SelectField("Ethnicity (optional)", widget=GovSelect(),
                            choices=[("", "Not known")] + Ethnicity.choices(),
                            validators=[Optional()])
    nhs_number = _text("NHS number", max_length=20,
                       description="10 digits, for example 943 476 5919")
    nhs_number_unavailable = BooleanField("The NHS number is not available",
                                          widget=GovCheckboxInput())
    nhs_number_unavailable_reason = _text("Why is the NHS number not available?", max_length=200)
    address = _area("Address (optional)", max_length=500)
    postcode = _text("Postcode (optional)", max_length=10)
    local_authority = _text("Local authority of residence (optional)", max_length=100)
    resident = _radio("Is the child normally resident in this CDOP's area?", YES_NO,
                      "Select whether the child was normally resident in this area")
    gp_practice = _text("GP practice (optional)", max_length=200)
    school = _text("School or nursery (optional)", max_length=200)

    # The death
    date_of_death = GovDateField("Date of death")
    time_of_death = _text("Time of death (optional)", max_length=5,
                          description="Use the 24-hour clock, for example 14:30")
    place_type = _radio("Where did the child die?", PlaceType.choices(),
                        "Select where the child died")
    place_of_death_name = _text("Name of the hospital or place (optional)", max_length=200)
    death_expectation = _radio("Was the death expected?", DeathExpectation.choices(),
                               "Select whether the death was expected")
    circumstances = _area("Circumstances of the death (optional)")

    # The notifier
    notifier_name = _text("Notifier's name", "Enter the name of the person who notified the "
                                             "death", 200)
    notifier_role = _text("Notifier's role (optional)", max_length=200)
    notifier_agency = _text("Notifier's agency (optional)", max_length=200)
    notifier_contact = _area("Notifier's contact details (optional)", max_length=500,
                             description="Telephone number or email address")
    notified_on = GovDateField("Date notification received")

    version = HiddenField()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.nhs_number.data and not self.nhs_number.errors:
            if not rules.nhs_number_is_valid(self.nhs_number.data):
                self.nhs_number.errors.append(
                    "Enter a valid NHS number: 10 digits, like 943 476 5919")
                valid = False
        elif not self.nhs_number.data:
            if not self.nhs_number_unavailable.data:
                self.nhs_number.errors.append(
                    "Enter the NHS number, or select that it is not available")
                valid = False
            elif not (self.nhs_number_unavailable_reason.data or "").strip():
                self.nhs_number_unavailable_reason.errors.append(
                    "Enter why the NHS number is not available")
                valid = False
        if self.postcode.data and not rules.normalise_postcode(self.postcode.data):
            self.postcode.errors.append("Enter a real postcode, like SW1A 1AA")
            valid = False
        if self.time_of_death.data and not rules.normalise_time(self.time_of_death.data):
            self.time_of_death.errors.append("Enter the time of death like 14:30")
            valid = False
        problems = rules.check_dates(self.date_of_birth.data, self.date_of_death.data,
                                     self.notified_on.data, today())
        for name, message in problems.items():
            field = getattr(self, name)
            if not field.errors:
                field.errors.append(message)
                valid = False
        return valid

    def details(self):
        """The validated values as plain data for services.notify_death / update_case."""
        nhs = rules.nhs_number_digits(self.nhs_number.data) if self.nhs_number.data else None
        return {
            "forename": self.forename.data,
            "surname": self.surname.data,
            "other_names": [n.strip() for n in (self.other_names.data or "").splitlines()
                            if n.strip()],
            "date_of_birth": self.date_of_birth.data,
            "sex": self.sex.data,
            "ethnicity": self.ethnicity.data or None,
            "nhs_number": nhs,
            "nhs_number_unavailable_reason": (None if nhs else
                                              self.nhs_number_unavailable_reason.data),
            "address": self.address.data,
            "postcode": rules.normalise_postcode(self.postcode.data) if self.postcode.data
            else None,
            "local_authority": self.local_authority.data,
            "resident": self.resident.data == "yes",
            "gp_practice": self.gp_practice.data,
            "school": self.school.data,
            "date_of_death": self.date_of_death.data,
            "time_of_death": rules.normalise_time(self.time_of_death.data)
            if self.time_of_death.data else None,
            "place_type": self.place_type.data,
            "place_of_death_name": self.place_of_death_name.data,
            "death_expectation": self.death_expectation.data,
            "circumstances": self.circumstances.data,
            "notifier_name": self.notifier_name.data,
            "notifier_role": self.notifier_role.data,
            "notifier_agency": self.notifier_agency.data,
            "notifier_contact": self.notifier_contact.data,
            "notified_on": self.notified_on.data,
        }

    def fill_from(self, case):
        """Show the stored case in the form (GET)."""
        for name in ("forename", "surname", "date_of_birth", "sex", "ethnicity", "address",
                     "postcode", "local_authority", "gp_practice", "school", "date_of_death",
                     "time_of_death", "place_type", "place_of_death_name", "death_expectation",
                     "circumstances", "notifier_name", "notifier_role", "notifier_agency",
                     "notifier_contact", "notified_on", "nhs_number_unavailable_reason"):
            getattr(self, name).data = getattr(case, name)
        self.ethnicity.data = case.ethnicity or ""
        self.other_names.data = "\n".join(case.other_names or [])
        self.nhs_number.data = rules.format_nhs_number(case.nhs_number) or ""
        self.nhs_number_unavailable.data = not case.nhs_number
        self.resident.data = "yes" if case.resident else "no"
        self.version.data = case.version


class FamilyMemberEntry(Form):
    relation = SelectField("Relationship to the child", widget=GovSelect(),
                           choices=[("", "Select a relationship")] + Relationship.choices(),
                           validators=[Optional()])
    name = StringField("Full name", widget=GovTextInput(),
                       validators=[Optional(), Length(max=200)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.name.data and not self.relation.data:
            self.relation.errors.append("Select the family member's relationship to the child")
            valid = False
        if self.relation.data and not (self.name.data or "").strip():
            self.name.errors.append("Enter the family member's name")
            valid = False
        return valid


class NotificationForm(CaseDetailsForm):
    family = FieldList(FormField(FamilyMemberEntry), min_entries=4, max_entries=10)
    confirmed_new = HiddenField()
    submit = SubmitField("Save notification", widget=GovSubmitInput())

    def family_entries(self):
        entries = [e.form for e in self.family]  # FormField.name is the prefix, not the field
        return [(e.relation.data, e.name.data.strip()) for e in entries
                if e.name.data and e.name.data.strip()]


class EditCaseForm(CaseDetailsForm):
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class KeyDatesForm(FlaskForm):
    jar_meeting_on = GovDateField("Joint agency response meeting", required=False)
    post_mortem_on = GovDateField("Post-mortem examination", required=False)
    review_meeting_on = GovDateField("Child death review meeting", required=False)
    inquest_opened_on = GovDateField("Inquest opened", required=False)
    inquest_concluded_on = GovDateField("Inquest concluded", required=False)
    criminal_proceedings = RadioField(
        "Are there criminal proceedings?", widget=RadioInput(),
        choices=[("yes", "Yes"), ("no", "No"), ("", "Not yet known")], validators=[Optional()])
    criminal_proceedings_concluded_on = GovDateField("Criminal proceedings concluded",
                                                     required=False)
    scr_referred_on = GovDateField("Referred for serious case review consideration",
                                   required=False)
    version = HiddenField()
    submit = SubmitField("Save key dates", widget=GovSubmitInput())

    def dates(self):
        values = {name: getattr(self, name).data for name in (
            "jar_meeting_on", "post_mortem_on", "review_meeting_on", "inquest_opened_on",
            "inquest_concluded_on", "criminal_proceedings_concluded_on", "scr_referred_on")}
        values["criminal_proceedings"] = {"yes": True, "no": False}.get(
            self.criminal_proceedings.data)
        return values

    def fill_from(self, case):
        for name in self.dates():
            getattr(self, name).data = getattr(case, name)
        self.criminal_proceedings.data = {True: "yes", False: "no"}.get(
            case.criminal_proceedings, "")
        self.version.data = case.version


class FamilyMemberForm(FlaskForm):
    relation = SelectField("Relationship to the child", widget=GovSelect(),
                           choices=[("", "Select a relationship")] + Relationship.choices(),
                           validators=[InputRequired(
                               message="Select the family member's relationship to the child")])
    name = _text("Full name", "Enter the family member's name", 200)
    submit = SubmitField("Add family member", widget=GovSubmitInput())


class StatusForm(FlaskForm):
    status = RadioField("Move the case to", widget=RadioInput(), choices=[],
                        validators=[InputRequired(message="Select the new status")])
    version = HiddenField()
    submit = SubmitField("Change status", widget=GovSubmitInput())

    def set_moves(self, moves):
        self.status.choices = [(s.value, CaseStatus(s).label) for s in moves]


class WithdrawForm(FlaskForm):
    reason = _radio("Why is the case being withdrawn?", WithdrawalReason.choices(),
                    "Select why the case is being withdrawn")
    transferred_to = _text("Area of the child's home CDOP", max_length=100,
                           description="Needed when the case is transferred, for example "
                                       "Kent and Medway")
    text = _area("More detail (optional)", max_length=2000)
    version = HiddenField()
    submit = SubmitField("Withdraw case", widget=GovSubmitInput())

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if (self.reason.data == WithdrawalReason.TRANSFERRED
                and not (self.transferred_to.data or "").strip()):
            self.transferred_to.errors.append(
                "Enter the area whose CDOP the case was transferred to")
            valid = False
        return valid


class DelayReasonForm(FlaskForm):
    reason = _radio("Reason for delay", DelayReason.choices(), "Select the reason for delay")
    other_text = _area("Describe the reason (if other)", max_length=2000)
    version = HiddenField()
    submit = SubmitField("Save reason for delay", widget=GovSubmitInput())

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.reason.data == DelayReason.OTHER and not (self.other_text.data or "").strip():
            self.other_text.errors.append("Describe the reason for delay")
            valid = False
        return valid


class AgencyReportRequestForm(FlaskForm):
    agency_type = _radio("Agency", AgencyType.choices(), "Select the agency")
    contact_name = _text("Named contact", "Enter the name of the contact at the agency", 200)
    contact_email = StringField(
        "Contact's email address (optional)", widget=GovTextInput(),
        validators=[Optional(), Length(max=254), Email(
            message="Enter an email address in the correct format, like name@example.org",
            check_deliverability=False)])
    due_on = GovDateField("Due date")
    submit = SubmitField("Request report", widget=GovSubmitInput())

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.due_on.data and self.due_on.data < today():
            self.due_on.errors.append("Due date must be today or in the future")
            valid = False
        return valid


class KeyFactEntry(Form):
    answer = RadioField("Answer", widget=RadioInput(), choices=ANSWERS,
                        validators=[InputRequired(message="Select an answer")])
    details = TextAreaField("Details (optional)", widget=GovTextArea(),
                            validators=[Optional(), Length(max=2000)])


class AgencyReportReceiptForm(FlaskForm):
    received_on = GovDateField("Date received")
    summary = _area("Summary of the report", "Enter a summary of the report, or write "
                                             "'not known'",
                    description="Write 'not known' or 'not applicable' if the agency could "
                                "not say")
    known_to_agency = FormField(KeyFactEntry)
    safeguarding_concerns = FormField(KeyFactEntry)
    recent_contact = FormField(KeyFactEntry)
    submit = SubmitField("Record report", widget=GovSubmitInput())

    def key_facts(self):
        return {code: {"answer": getattr(self, code).answer.data,
                       "details": (getattr(self, code).details.data or "").strip() or None}
                for code, _ in KEY_FACTS}


class WaiveReportForm(FlaskForm):
    reason = _area("Why is this report no longer needed?", "Enter why this report is no "
                                                           "longer needed", 2000)
    submit = SubmitField("Waive report", widget=GovSubmitInput())


class SearchForm(FlaskForm):
    """Exact search. POSTed, so identifiers never travel in a URL."""

    case_ref = _text("Case reference", max_length=20, description="For example CDR-2026-0042")
    nhs_number = _text("NHS number", max_length=20)
    surname = _text("Last name", max_length=100)
    date_of_birth = GovDateField("Date of birth", required=False)
    submit = SubmitField("Search", widget=GovSubmitInput())

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not valid:
            return False
        if self.case_ref.data:
            return True
        if self.nhs_number.data:
            if not rules.nhs_number_is_valid(self.nhs_number.data):
                self.nhs_number.errors.append(
                    "Enter a valid NHS number: 10 digits, like 943 476 5919")
                return False
            return True
        if self.surname.data or self.date_of_birth.data:
            if not self.surname.data:
                self.surname.errors.append("Enter the last name to search with the date of birth")
                return False
            if not self.date_of_birth.data:
                self.date_of_birth.errors.append(
                    "Enter the date of birth to search with the last name")
                return False
            return True
        self.case_ref.errors.append(
            "Enter a case reference, an NHS number, or a last name and date of birth")
        return False


class FilterForm(FlaskForm):
    """The list's filters (GET: codes only, never identifiers)."""

    class Meta:
        csrf = False

    status = SelectField("Status", widget=GovSelect(), validators=[Optional()],
                         choices=[("", "Any status")] + CaseStatus.choices())
    death_expectation = SelectField(
        "Expected or unexpected", widget=GovSelect(), validators=[Optional()],
        choices=[("", "Any")] + DeathExpectation.choices())
    financial_year = SelectField("Year of death", widget=GovSelect(), validators=[Optional()],
                                 choices=[("", "Any year")])
    rag = SelectField("Time since death (open cases)", widget=GovSelect(),
                      validators=[Optional()],
                      choices=[("", "Any"), ("green", "Under 6 months"),
                               ("amber", "6 to 12 months"), ("red", "Over 12 months"),
                               (RED_WITHOUT_DELAY_REASON,
                                "Open over 12 months with no reason for delay")])
    awaiting_reports = SelectField(
        "Agency reports", widget=GovSelect(), validators=[Optional()],
        choices=[("", "Any"), ("any", "Awaiting agency reports"),
                 ("overdue", "Agency reports overdue")])
    sort = SelectField("Sort by", widget=GovSelect(), validators=[Optional()],
                       choices=[("days_open", "Days open (longest first)"),
                                ("newest", "Most recently notified")])
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def set_years(self, years):
        self.financial_year.choices = [("", "Any year")] + [(y, y) for y in years]

    def fragment_key(self, name):
        """Everything the rendered filters show (codes and the years offered), for the
        template's fragment cache; None while they show errors."""
        if self.errors:
            return None
        return (name, tuple(self.financial_year.choices),
                *((field.name, field.data) for field in self if field.name != "submit"))


class ImportForm(FlaskForm):
    file = FileField("CSV file", widget=GovFileInput(), validators=[
        FileRequired(message="Select a CSV file"),
        FileAllowed(["csv"], message="The selected file must be a CSV"),
    ])
    dry_run = BooleanField("Check the file only: do not import anything",
                           widget=GovCheckboxInput())
    submit = SubmitField("Import cases", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())
