"""Every partnership-scoped URL starts with /p/<slug>; this module resolves it.

The URL processors load the partnership and the current user's membership into `g`
(404 for a partnership the user is not in), so each query below can filter on
`g.partnership.id`, and `url_for` fills in the slug by itself.
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, current_app, g
from flask_login import current_user

from ..extensions import db, login_manager
from ..services import accounts


def init_tenancy(app: Flask) -> None:
    app.url_value_preprocessor(_pull_slug)
    app.url_defaults(_add_slug)
    app.before_request(_load_membership)


def _pull_slug(endpoint, values) -> None:
    if values and "slug" in values:
        g.slug = values.pop("slug")


def _add_slug(endpoint, values) -> None:
    if "slug" in values or not getattr(g, "partnership", None):
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "slug"):
        values["slug"] = g.partnership.slug


def _load_membership() -> None:
    slug = getattr(g, "slug", None)
    g.partnership = None
    g.member = None
    if slug is None or not current_user.is_authenticated:
        return
    row = accounts.membership_in(slug, current_user.id)
    if row is None:
        abort(404)
    g.partnership, g.member = row


def member_required(view):
    """Logged in and a member of the partnership in the URL."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if g.member is None:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def role_required(role: str):
    """A member whose role in this partnership is at least `role` (else 403)."""

    def decorator(view):
        @wraps(view)
        @member_required
        def wrapped(*args, **kwargs):
            if not g.member.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def get_scoped_or_404(model, object_id: int):
    """A row of this partnership by id; any other partnership's row is a 404."""
    obj = db.session.get(model, object_id)
    if obj is None or getattr(obj, "partnership_id", None) != g.partnership.id:
        abort(404)
    return obj

