"""The coordinators' desk: /api/v1/alerts."""

from __future__ import annotations

import dataclasses
from datetime import date

from flask import g

from ..extensions import db
from ..models import Alert
from ..services import alerts
from ..services.api_tokens import COORDINATOR_READ, COORDINATOR_WRITE
from ..services.balance import thresholds
from . import schemas
from .auth import requires
from .common import Resource, cursor_page, scoped_or_404
from .guard import protect

bp = Resource("api_alerts", __name__, tag="Alerts and thresholds", url_prefix="/api/v1",
               description="Balance and power alerts and the thresholds behind them, for "
                          "coordinators.")
protect(bp)


@bp.route("/alerts")
@bp.arguments(schemas.AlertFilters, location="query")
@bp.response(200, schemas.AlertPage)
@requires(COORDINATOR_READ)
def list_alerts(args):
    """Alerts as the desk lists them: the current ones first by severity."""
    filters = alerts.DeskFilters(kind=args["kind"], severity=args["severity"],
                                 status=args["status"])
    stmt = alerts.desk_query(g.partnership.id, filters, date.today())
    return cursor_page(stmt, args, "api_alerts.list_alerts")


@bp.route("/alerts/<int:alert_id>")
@bp.response(200, schemas.AlertDetail)
@requires(COORDINATOR_READ)
def get_alert(alert_id: int):
    """An alert with its evidence: the people and tasks behind it, whom to invite."""
    return _detail(scoped_or_404(Alert, alert_id))


@bp.route("/alerts/<int:alert_id>/actions", methods=["POST"])
@bp.arguments(schemas.AlertAction)
@bp.response(200, schemas.AlertDetail)
@requires(COORDINATOR_WRITE)
def act_on_alert(data, alert_id: int):
    """Acknowledge, snooze (until a day), resolve or reopen an alert, with a note."""
    alert = scoped_or_404(Alert, alert_id)
    alerts.act(alert, g.member, data["action"], data["note"], data["until"])
    db.session.commit()
    return _detail(alert)


def _detail(alert: Alert) -> dict:
    found = alerts.evidence(alert)
    fields = {name: getattr(alert, name) for name in schemas.AlertSchema().fields}
    return {**fields, "people": [{"id": i, "name": n} for i, n in found.people],
            "tasks": [{"id": i, "title": t, "status": s} for i, t, s in found.tasks],
            "suggestions": alert.suggestions or []}


@bp.route("/thresholds")
@bp.response(200, schemas.ThresholdsSchema)
@requires(COORDINATOR_READ)
def get_thresholds():
    """The thresholds the alerts use now (docs/coordinators.md says what each means)."""
    values, tightened = thresholds.effective(g.partnership)
    return {"values": dataclasses.asdict(values), "tightened": sorted(tightened)}
