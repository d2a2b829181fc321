"""What every resource shares: rows of the caller's partnership only, cursor pages, and
the schemas of a page and of an error."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import marshmallow as ma
from flask import abort, g, request, url_for
from flask_smorest import Blueprint
from sqlalchemy import Select

from ..errors import InvalidInputError
from ..extensions import db

MAX_LIMIT = 100
PROBLEM = "application/problem+json"


class Resource(Blueprint):
    """A resource's blueprint: its operations are listed under `tag` in the document."""

    def __init__(self, *args, tag: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag = tag

    def route(self, rule, *, parameters=None, tags=None, **options):
        return super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)


def scoped_or_404(model, object_id: int):
    """A row of the token's partnership by id; another partnership's row is a 404."""
    row = db.session.get(model, object_id)
    if row is None or getattr(row, "partnership_id", None) != g.partnership.id:
        abort(404)
    return row


class Strict(ma.Schema):
    """Unknown fields are refused, naming them, rather than quietly dropped."""

    class Meta:
        unknown = ma.RAISE


class PageArgs(Strict):
    limit = ma.fields.Integer(load_default=25, validate=ma.validate.Range(1, MAX_LIMIT),
                              metadata={"description": "Items per page (1–100)."})
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200),
                              metadata={"description": "The `next` cursor of the page "
                                                       "before."})


def _decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==="))["o"]
    except (ValueError, KeyError, TypeError):
        offset = -1
    if not isinstance(offset, int) or not 0 <= offset <= 10_000_000:
        raise InvalidInputError("This cursor is not one the API gave.", field="cursor")
    return offset


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def cursor_page(stmt: Select | Callable[[int, int], Select], args: dict, endpoint: str,
                **values) -> dict:
    """One page of `stmt` and the link to the next; the cursor is opaque to clients.
    `stmt` may be a function of (offset, limit) for a query that pages itself."""
    offset, limit = _decode(args.get("cursor")), args["limit"]
    paged = stmt(offset, limit + 1) if callable(stmt) else stmt.offset(offset).limit(limit + 1)
    rows = list(db.session.scalars(paged).unique())
    more = len(rows) > limit
    next_url = None
    if more:
        query = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for(endpoint, **values, **query, cursor=encode_cursor(offset + limit))
    return {"items": rows[:limit], "next": next_url}


def page_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    return type(name, (ma.Schema,), {
        "items": ma.fields.List(ma.fields.Nested(item)),
        "next": ma.fields.String(allow_none=True,
                                 metadata={"description": "The next page, or null."}),
    })


class Problem(ma.Schema):
    """RFC 9457 problem details, with a machine code and the fields at fault."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    code = ma.fields.String(metadata={"description": "Stable machine-readable code."})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(),
                            metadata={"description": "Message per field at fault."})
