"""The query string of the member lists (People, Admin → Members): search, filters, page.

Both pages read the same parameters, so a link or a bookmark means the same on each, and
a save on Admin → Members can send the person back to exactly the list they came from.
"""

from __future__ import annotations

from flask import request

from ..errors import InvalidInputError
from ..services.directory import MemberFilters
from .input_guard import InputRefused, int_arg

# The parameters that make up a list's place: kept by the pager and by a save's redirect.
LIST_ARGS = ("q", "role", "org", "sector", "tag", "page")


def filters_from_args(by_email: bool = False) -> MemberFilters:
    args = request.args
    return MemberFilters(
        q=args.get("q", "").strip()[:100],
        tag=args.get("tag", "").strip().lower()[:40],
        organisation_id=int_arg("org", None, minimum=0),
        sector=args.get("sector", "").strip()[:20],
        role=args.get("role", "").strip()[:20],
        by_email=by_email,
    )


def page_arg() -> int:
    return int_arg("page", 1, minimum=1)


def list_place(source=None) -> dict[str, str]:
    """The list parameters present in `source` (the query string by default)."""
    source = request.args if source is None else source
    return {name: source[name] for name in LIST_ARGS if source.get(name)}


def refused(error: InvalidInputError) -> InputRefused:
    """A service's refusal of a filter as a 400 that names the parameter."""
    field = error.field or "q"
    return InputRefused(field, f"The filter “{field}”: {error}")
