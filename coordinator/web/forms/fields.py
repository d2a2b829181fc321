"""Fields and validators shared by several forms."""

from decimal import Decimal

from flask import current_app
from wtforms import DecimalField, PasswordField, SelectChoice, StringField
from wtforms.validators import InputRequired, ValidationError

from ...domain.passwords import password_problem
from ...domain.tags import TagError, parse_tags


class TagListField(StringField):
    """Comma-separated tags, normalised; `data` is a list of tag names."""

    def _value(self):
        if isinstance(self.data, list):
            return ", ".join(self.data)
        return self.data or ""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        try:
            self.data = parse_tags(self.raw)
        except TagError as exc:
            self.data = self.raw
            raise ValueError(str(exc)) from None


class FiniteDecimalField(DecimalField):
    """A decimal number; NaN, sNaN and Infinity are refused like any other non-number
    (plain DecimalField lets them through, and comparing sNaN raises)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


class NewPasswordField(PasswordField):
    def __init__(self, label="New password", **kwargs):
        super().__init__(label, validators=[InputRequired()], **kwargs)

    def pre_validate(self, form):
        # The person's name and address: from the form's own fields, and from
        # `form.password_context` where the view knows who is choosing (reset, change).
        context = tuple(
            str(getattr(form, name).data or "") for name in ("name", "email") if hasattr(form, name)
        ) + tuple(getattr(form, "password_context", ()))
        problem = password_problem(self.data or "", current_app.config["PASSWORD_MIN_LENGTH"],
                                   context)
        if problem:
            raise ValidationError(problem)


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select options."""
    return [SelectChoice(value, label) for value, label in pairs]


def attach_error(form, error) -> bool:
    """The one way a service's refusal reaches a form: each message under its field
    (every field an InvalidInputError names). False when the form lacks one of them, so
    the caller shows the message another way."""
    messages = getattr(error, "errors", None) or (
        {error.field: str(error)} if error.field else {})
    placed = bool(messages)
    for name, message in messages.items():
        field = getattr(form, name, None)
        if field is None:
            placed = False
            continue
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
    return placed
