"""The agency contact's report form: the cases receipt form's key facts, with drafts."""

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import FormField, RadioField, SubmitField
from wtforms.validators import Optional

from ..cases.forms import ANSWERS, KEY_FACTS, KeyFactEntry
from ..forms import FlaskForm, RadioInput, text_area


class DraftKeyFactEntry(KeyFactEntry):
    """A key fact that may be left unanswered in a draft (required only when sending)."""

    answer = RadioField("Answer", widget=RadioInput(), choices=ANSWERS, validators=[Optional()])


class LinkReportForm(FlaskForm):
    summary = text_area(
        "Your report", max_length=10000,
        description="What your agency knew about the child and family, and any contact in the "
                    "weeks before the death. Write ‘not known’ or ‘not applicable’ if your "
                    "agency cannot say.")
    known_to_agency = FormField(DraftKeyFactEntry)
    safeguarding_concerns = FormField(DraftKeyFactEntry)
    recent_contact = FormField(DraftKeyFactEntry)
    submit = SubmitField("Send report", widget=GovSubmitInput())
    save = SubmitField("Save draft", widget=GovSubmitInput())

    def key_facts(self):
        return {code: {"answer": getattr(self, code).answer.data or None,
                       "details": (getattr(self, code).details.data or "").strip() or None}
                for code, _ in KEY_FACTS}

    def draft(self):
        return {"summary": (self.summary.data or "").strip() or None,
                "key_facts": self.key_facts()}

    def fill_from(self, draft):
        draft = draft or {}
        self.summary.data = draft.get("summary")
        for code, _ in KEY_FACTS:
            fact = (draft.get("key_facts") or {}).get(code) or {}
            getattr(self, code).answer.data = fact.get("answer")
            getattr(self, code).details.data = fact.get("details")

    def is_complete(self):
        """Sending needs the summary and an answer to every question ("not known" will do)."""
        complete = True
        if not (self.summary.data or "").strip():
            self.summary.errors = list(self.summary.errors) + [
                "Enter your report, or write ‘not known’"]
            complete = False
        for code, question in KEY_FACTS:
            answer = getattr(self, code).answer
            if not answer.data:
                answer.errors = list(answer.errors) + [
                    f"Select an answer to ‘{question}’ (you can choose ‘Not known’)"]
                complete = False
        return complete
