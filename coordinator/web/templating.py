"""Template filters and the context every page needs."""

from datetime import date, datetime

from flask import Flask, g, has_request_context, request, url_for
from flask_login import current_user

from coordinator.domain.power.sectors import SECTOR_LABELS

from ..services import accounts


def init_templating(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(_day, "day")
    app.add_template_filter(_when, "when")
    app.add_template_filter(_hours, "hours")
    app.add_template_filter(lambda key: SECTOR_LABELS.get(key, key), "sector")
    app.add_template_global(_args_url, "args_url")
    app.context_processor(_page_context)


def _page_context() -> dict:
    partnerships = []
    # Emails render in jobs too, where there is no request and so no user.
    if has_request_context() and current_user.is_authenticated:
        partnerships = [(m.partnership.slug, m.partnership.name)
                        for m in accounts.memberships_of(current_user.id)]
    return {"my_partnerships": partnerships, "partnership": g.get("partnership"),
            "me": g.get("member"), "today": date.today()}


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%a %-d %b %Y}"


def _when(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):  # a moment kept in a JSON column
        value = datetime.fromisoformat(value)
    return f"{value:%-d %b %Y, %H:%M} UTC"


def _hours(value: float | None) -> str:
    if value is None:
        return ""
    return f"{float(value):g} h"


def _args_url(**changes) -> str:
    """This page's URL with some query arguments changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)
