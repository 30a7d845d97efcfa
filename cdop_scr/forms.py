"""Form pieces every domain shares: the base form (which refuses control characters), GOV.UK
date and radio inputs that keep their legend, a GOV.UK day/month/year date field with GOV.UK
error messages, and text field helpers."""

import re
from datetime import date

import flask_wtf
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, FieldList, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, StopValidation

# Characters nobody types: PostgreSQL cannot store NUL, and the other C0 controls (tab, line
# feed and carriage return aside) make the XLSX and DOCX exports fail. No field accepts them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def has_control_characters(text):
    return isinstance(text, str) and CONTROL_CHARACTERS.search(text) is not None


def _leaf_fields(fields):
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        elif isinstance(field, FieldList):
            yield from _leaf_fields(field.entries)
        else:
            yield field


def _not_a_choice(field):
    """A posted value that is none of the field's choices. WTForms' Optional() lets one that
    looks blank (a space) through to the services, which cannot use it."""
    if not getattr(field, "validate_choice", False) or field.errors:
        return False
    allowed = {str(choice[0]) for choice in field.iter_choices()}
    return any(isinstance(v, str) and v and v not in allowed for v in field.raw_data or ())


class FlaskForm(flask_wtf.FlaskForm):
    """The base of every form: a control character in any field, or a value that is not one
    of a choice field's options, is that field's error."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in _leaf_fields(self):
            if isinstance(field, HiddenField):
                continue  # never stored as text: a garbled version reads as a stale one
            if any(has_control_characters(value) for value in field.raw_data or ()):
                field.errors = [*field.errors, f"{field.label.text} must not include hidden "
                                               f"control characters: type it again"]
                valid = False
            elif _not_a_choice(field):
                field.errors = [*field.errors, f"{field.label.text}: select one of the options"]
                valid = False
        return valid


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
