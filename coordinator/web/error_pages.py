"""The one place that maps errors to responses: refusals, HTTP errors, rate limits,
database outages and server errors, as pages or (under /api/) JSON."""

from __future__ import annotations

import json
import logging
import time

from flask import (
    Flask,
    Response,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.http import HTTP_STATUS_CODES

from ..errors import CoordinatorError
from ..extensions import db, limiter

log = logging.getLogger("coordinator.errors")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CoordinatorError, _coordinator_error)
    for code in (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428):
        app.register_error_handler(code, _http_error)
    app.register_error_handler(429, _too_many)
    for unreachable in (OperationalError, InterfaceError):
        app.register_error_handler(unreachable, _database_unavailable)
    app.register_error_handler(500, _server_error)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, code: str, detail: str, errors: dict | None = None,
            headers=None, **extra) -> Response:
    """An API error as RFC 9457 problem details: a stable `code`, the message, and for
    bad input the message per field."""
    body = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"),
            "status": status, "code": code, "detail": detail, **extra}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status,
                        mimetype="application/problem+json")
    for name, value in headers or ():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _field_errors(error) -> dict[str, str]:
    """webargs' messages by location ({"json": {"title": ["..."]}}) as one per field."""
    messages = (getattr(error, "data", None) or {}).get("messages") or {}
    flat: dict[str, str] = {}
    for by_field in messages.values():
        for field, found in (by_field.items() if isinstance(by_field, dict) else ()):
            while isinstance(found, dict):  # a nested field: its first message
                found = next(iter(found.values()), "")
            flat[field] = found[0] if isinstance(found, list) and found else str(found)
    return flat


def _coordinator_error(error: CoordinatorError):
    db.session.rollback()
    if _wants_json():
        errors = getattr(error, "errors", None) or (
            {error.field: str(error)} if error.field else None)
        return problem(error.status, error.code, str(error), errors)
    if error.status == 403:  # not this person's to do: say so, with the right status
        return render_template("errors/refused.html", message=str(error),
                               back=_fallback_page()), 403
    flash(str(error), "error")
    return redirect(request.referrer if _same_site_referrer() else _fallback_page())


def _fallback_page() -> str:
    """The page the refused action was about: its task, else the start page."""
    args = request.view_args or {}
    if "task_id" in args and g.get("partnership") is not None:
        return url_for("tasks.detail", task_id=args["task_id"])
    return url_for("main.index")


def _same_site_referrer() -> bool:
    referrer = request.referrer or ""
    return referrer.startswith(request.host_url)


def _http_error(error):
    if _wants_json():
        code = getattr(error, "code_name", None) or error.name.lower().replace(" ", "_")
        errors = _field_errors(error)
        detail = ("Some input is not valid." if errors and error.code == 422
                  else error.description)
        return problem(error.code, code, detail, errors,
                       headers=error.get_headers())
    return render_template("errors/error.html", error=error), error.code


def _too_many(error):
    """A 429 that says when to try again (and Flask-Limiter adds Retry-After)."""
    current = limiter.current_limit
    wait = max(1, int(current.reset_at - time.time())) if current else 60
    if _wants_json():
        return problem(429, "too_many_requests", f"Too many requests: try again in {wait} s.",
                       retry_after=wait)
    return render_template("errors/error.html", error=error, retry_after=wait), 429


# Plain HTML: a template would run the page context, which asks the database again.
UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Polder is briefly unavailable</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Polder is briefly unavailable</h1>
<p>The database is not answering just now. Nothing you sent was half-saved: try again in
a minute.</p></main></body></html>
"""


def _database_unavailable(error):
    """The database is down or restarting: a clear 503 that load balancers and browsers
    retry, not a 500. The pool's pre-ping reconnects once it is back."""
    db.session.rollback()
    log.error("database unavailable: %s", type(getattr(error, "orig", error)).__name__)
    if _wants_json():
        response = problem(503, "unavailable", "The database is not answering; try again.")
    else:
        response = Response(UNAVAILABLE_PAGE, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = "30"
    return response


def _server_error(error):
    db.session.rollback()
    log.exception("unhandled error", exc_info=getattr(error, "original_exception", error))
    if _wants_json():
        return problem(500, "server_error", "Something went wrong.")
    return render_template("errors/500.html"), 500
