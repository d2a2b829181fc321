"""The CoordinatorError family: refusals with a message fit for the user (and the field
it is about). The web layer maps them to responses (web/error_pages.py)."""

from __future__ import annotations

from collections.abc import Mapping


class CoordinatorError(Exception):
    """A refused action with a message fit for the user."""

    status = 409
    message = "That could not be done."

    def __init__(self, message: str | None = None, *, field: str | None = None, **fields):
        super().__init__(message or self.message)
        self.field = field
        self.fields = fields

    @property
    def code(self) -> str:
        name = type(self).__name__.removesuffix("Error")
        return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


class TaskFullError(CoordinatorError):
    message = "This task is full."


class TaskClosedError(CoordinatorError):
    message = "This task is no longer taking people."


class AlreadyInError(CoordinatorError):
    message = "You are already part of this task."


class NotAllowedError(CoordinatorError):
    status = 403
    message = "You are not allowed to do that."


class InvalidInputError(CoordinatorError):
    """Input refused, with a message per field: `errors` holds every bad field, so a form
    shows them all at once; `field` and the message are the first of them."""

    status = 422
    message = "Some input is not valid."

    def __init__(self, message: str | None = None, *, field: str | None = None,
                 errors: Mapping[str, str] | None = None, **fields):
        errors = dict(errors or {})
        if field is None and errors:
            field, message = next(iter(errors.items()))
        super().__init__(message, field=field, **fields)
        self.errors = errors or ({field: str(self)} if field else {})


class InitiatorMustHandOverError(CoordinatorError):
    message = "You started this task: hand it over to a contributor or cancel it first."
