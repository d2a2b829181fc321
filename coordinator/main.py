"""Home, partnership switcher and health check."""

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, text

from .extensions import db
from .models import Membership, Partnership

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    memberships = _my_memberships()
    chosen = session.get("partnership_slug")
    for membership in memberships:
        if membership.partnership.slug == chosen:
            return redirect(url_for("tasks.board", slug=chosen))
    if len(memberships) >= 1:
        return redirect(url_for("tasks.board", slug=memberships[0].partnership.slug))
    return render_template("main/no_partnership.html")


@bp.post("/switch")
@login_required
def switch():
    slug = request.form.get("slug", "")
    if not any(m.partnership.slug == slug for m in _my_memberships()):
        abort(404)
    session["partnership_slug"] = slug
    return redirect(url_for("tasks.board", slug=slug))


@bp.get("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}


def _my_memberships() -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).join(Partnership)
        .where(Membership.user_id == current_user.id).order_by(Partnership.name)))
