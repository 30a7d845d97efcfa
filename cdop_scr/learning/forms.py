"""Learning summary forms: GOV.UK wording and widgets; choices from the model enums."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput
from wtforms import HiddenField, RadioField, SelectMultipleField, SubmitField
from wtforms.validators import InputRequired, Optional

from ..actions.forms import GovDateField, RadioInput, text_area, text_field
from ..forms import FlaskForm
from ..models.learning import SECTIONS, HoldReason

HTML_HINT = ("Paragraphs, lists, emphasis and links only: write <p>, <ul> or <ol> with <li>, "
             "<em>, <strong> and <a href=\"https://...\">. Anything else is removed when you "
             "save, and the text is redacted again.")


class DraftForm(FlaskForm):
    pseudonym = text_field(
        "Pseudonym for the child", "Enter a pseudonym, for example Ashley or Child A",
        max_length=40, description="A first name the child did not have, or Child A. It "
                                   "replaces the child's names wherever they appear.")
    submit = SubmitField("Draft the summary", widget=GovSubmitInput())


class SummaryForm(FlaskForm):
    title = text_field("Title", "Enter a title", max_length=200)
    introduction = text_area("About the child", max_length=20000, description=HTML_HINT)
    what_happened = text_area("What happened", max_length=20000)
    what_agencies_knew = text_area("What agencies knew", max_length=20000)
    key_learning = text_area("Key learning", max_length=20000)
    recommendations = text_area("Recommendations", max_length=20000)
    themes = SelectMultipleField("Themes", widget=GovCheckboxesInput(),
                                 description="Select every theme this story teaches",
                                 validators=[Optional()])
    version = HiddenField()
    submit = SubmitField("Save and redact", widget=GovSubmitInput())

    def sections(self):
        return {name: getattr(self, name).data for name, _ in SECTIONS}

    def fill(self, summary):
        self.title.data = summary.title
        for name, _ in SECTIONS:
            getattr(self, name).data = getattr(summary, name) or ""
        self.themes.data = list(summary.theme_codes or [])
        self.version.data = summary.version


class MoveForm(FlaskForm):
    """A button-only form (submit, approve, publish ...), carrying the version."""

    version = HiddenField()


class HoldForm(FlaskForm):
    reason = RadioField("Why is publication on hold?", widget=RadioInput(),
                        choices=HoldReason.choices(),
                        validators=[InputRequired(message="Select why publication is on hold")])
    details = text_area("Details", max_length=2000,
                        description="For example, the trial date or the coroner's timetable. "
                                    "Do not name anyone.")
    review_on = GovDateField("Date to review the hold", description="For example, 27 3 2027")
    version = HiddenField()
    submit = SubmitField("Put publication on hold", widget=GovSubmitInput())
