"""Home, partnership switcher, liveness and readiness checks."""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, talisman
from ..models import Membership
from ..services import accounts

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


# Load balancers probe over plain HTTP from inside the network.
@bp.get("/healthz")
@talisman(force_https=False)
def healthz():
    """Liveness: the process answers. Nothing else is checked, so a database outage does
    not make a load balancer restart healthy web processes."""
    return {"status": "ok"}


@bp.get("/readyz")
@talisman(force_https=False)
def readyz():
    """Readiness: the database answers, and Redis too where it is configured."""
    checks = {"database": _check_database()}
    queue = current_app.extensions.get("rq")
    if queue is not None:
        checks["redis"] = _check_redis(queue.connection)
    ready = all(value == "ok" for value in checks.values())
    return {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError as error:
        db.session.rollback()
        return f"down: {type(error).__name__}"


def _check_redis(connection) -> str:
    from redis.exceptions import RedisError

    try:
        connection.ping()
        return "ok"
    except RedisError as error:
        return f"down: {type(error).__name__}"


def _my_memberships() -> list[Membership]:
    return accounts.memberships_of(current_user.id)
