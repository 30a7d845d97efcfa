"""The public notification form: the cases notification form, worded for the notifier."""

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import FieldList, FormField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..cases.forms import CaseDetailsForm, FamilyMemberEntry
from ..forms import FlaskForm, GovDateField, text_area, text_field

# The fields of the copy the notifier may download, in form order (never notified_on: the
# service sets it).
COPY_SECTIONS = (
    ("The child", ("forename", "surname", "other_names", "date_of_birth", "sex", "ethnicity",
                   "nhs_number", "nhs_number_unavailable_reason", "address", "postcode",
                   "local_authority", "resident", "gp_practice", "school")),
    ("The death", ("date_of_death", "time_of_death", "place_type", "place_of_death_name",
                   "death_expectation", "circumstances")),
    ("About you", ("notifier_name", "notifier_role", "notifier_agency", "notifier_contact")),
)
HONEYPOT_ERROR = ("Your notification has not been sent. Clear the box labelled "
                  "‘Leave this box empty’ and send the notification again")


class PublicNotificationForm(CaseDetailsForm):
    """Everything CaseDetailsForm asks, plus family; the notifier must say who they are."""

    notifier_name = text_field("Your full name", "Enter your full name", 200)
    notifier_role = text_field(
        "Your role", "Enter your role, for example ward nurse or police officer", 200)
    notifier_agency = text_field("Your organisation", "Enter the organisation you work for", 200)
    notifier_contact = text_area(
        "How can we contact you?",
        "Enter a telephone number or email address so that we can contact you", 500,
        description="A telephone number or email address, or both")
    # The date the CDOP received the notification is the day it was sent: never asked.
    notified_on = GovDateField("Date notification received", required=False)
    family = FieldList(FormField(FamilyMemberEntry), min_entries=2, max_entries=4)
    # A honeypot: people never see it (screen readers are told to leave it empty); bots fill it.
    website = StringField("Leave this box empty", widget=GovTextInput(),
                          validators=[Optional(), Length(max=200)])
    version = None
    submit = SubmitField("Send notification", widget=GovSubmitInput())

    def honeypot_filled(self):
        return bool((self.website.data or "").strip())

    def details(self):
        values = super().details()
        values.pop("notified_on", None)
        return values

    def family_entries(self):
        entries = [e.form for e in self.family]
        return [(e.relation.data, e.name.data.strip()) for e in entries
                if e.name.data and e.name.data.strip()]


def copy_label(name):
    """The label the notifier saw for a field."""
    return getattr(PublicNotificationForm, name).args[0]


def choice_label(name, value):
    """The label of a radio or select value, as the notifier chose it."""
    choices = getattr(PublicNotificationForm, name).kwargs.get("choices")
    if choices is None:
        return value
    return dict(choices).get(value, value)


class RejectForm(FlaskForm):
    reason = TextAreaField(
        "Why is this notification being rejected?", widget=GovTextArea(),
        validators=[InputRequired(message="Enter why this notification is being rejected"),
                    Length(max=2000, message="The reason must be 2000 characters or fewer")],
        description="For example: a test message, or a death outside this CDOP's area")
    submit = SubmitField("Reject notification", widget=GovSubmitInput())


class AcceptForm(FlaskForm):
    confirmed_new = HiddenField()
    submit = SubmitField("Accept and create a case", widget=GovSubmitInput())


class LinkForm(FlaskForm):
    """Link to a case the duplicate check matched (case_id), or to any case by its reference."""

    case_id = HiddenField()
    case_ref = StringField(
        "Case reference", widget=GovTextInput(),
        validators=[Optional(), Length(max=40, message="Enter a case reference, like "
                                                       "CDR-2024-0001")],
        description="For example, CDR-2024-0001")
    submit = SubmitField("Link to this case", widget=GovSubmitInput())

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if not (self.case_id.data or (self.case_ref.data or "").strip()):
            self.case_ref.errors = [*self.case_ref.errors,
                                    "Enter the case reference of the case to link to"]
            return False
        return True

    def by_reference(self):
        return not self.case_id.data
