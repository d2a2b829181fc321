"""Input the database cannot store is refused at the door, naming the field.

One place for every form and query parameter: text with a NUL byte (PostgreSQL refuses
it in any text column), ids in URLs beyond a 32-bit integer (the id columns' range), and
query numbers beyond it. Numeric form fields refuse special values and out-of-range
numbers themselves (forms/fields.py), since only they know a value is a number.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

DB_INT_MAX = 2**31 - 1  # PostgreSQL `integer`, the type of every id column


class InputRefused(BadRequest):
    """A 400 whose description says which field to fix."""

    def __init__(self, field: str, description: str):
        super().__init__(description)
        self.field = field


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` that matches only ids a row could have; anything larger is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


def init_input_guard(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_unstorable_input)


def refuse_unstorable_input() -> None:
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if "\x00" in value or "\x00" in name:
                raise InputRefused(name, f"The field “{_printable(name)}” contains a NUL "
                                         "character, which cannot be stored. Remove it and "
                                         "send the form again.")


def int_arg(name: str, default: int | None, minimum: int = 0, maximum: int = DB_INT_MAX
            ) -> int | None:
    """A whole-number query parameter; a value that is not one, or out of range, is a 400
    naming the parameter rather than a silent default or a database error."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputRefused(name, f"The parameter “{_printable(name)}” must be a whole "
                                 "number.") from None
    if not minimum <= value <= maximum:
        raise InputRefused(name, f"The parameter “{_printable(name)}” must be between "
                                 f"{minimum} and {maximum}.")
    return value


def _printable(name: str) -> str:
    return name.replace("\x00", "\\0")[:40]
