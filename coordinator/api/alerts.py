"""The coordinators' desk: /api/v1/alerts."""

from __future__ import annotations

import dataclasses
from datetime import date

from flask import g

from ..extensions import db
from ..models import Alert, utcnow
from ..queue import request_evaluation
from ..services import alerts
from ..services.api_tokens import COORDINATOR_READ, COORDINATOR_WRITE
from ..services.balance import history, thresholds
from ..services.power import view as power_view
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
@bp.etag
@bp.response(200, schemas.ThresholdsSchema)
@requires(COORDINATOR_READ)
def get_thresholds():
    """The thresholds the alerts use now (docs/coordinators.md says what each means)."""
    return _thresholds_now()


def _thresholds_now() -> dict:
    values, tightened = thresholds.effective(g.partnership)
    return {"values": dataclasses.asdict(values), "tightened": sorted(tightened)}


@bp.route("/thresholds", methods=["PATCH"])
@bp.etag
@bp.arguments(schemas.ThresholdsUpdate)
@bp.response(200, schemas.ThresholdsSchema)
@requires(COORDINATOR_WRITE)
def change_thresholds(data):
    """Change thresholds; the ones left out stay. Send the ETag you read in If-Match, so
    two coordinators do not undo each other. Every change is kept with who made it, and
    the alerts are evaluated again at once."""
    bp.check_etag(_thresholds_now(), schemas.ThresholdsSchema)
    if thresholds.save(g.partnership, g.member, data) is not None:
        db.session.commit()
        request_evaluation(g.partnership.id, trigger="thresholds")
    return _thresholds_now()


@bp.route("/power")
@bp.response(200, schemas.Power)
@requires(COORDINATOR_READ)
def get_power():
    """The four power indicators now: each group against its fair share, and a reading."""
    views, _ = power_view.power_page(g.partnership, utcnow())
    return {"indicators": [{"kind": v.kind, "title": v.title, "question": v.question,
                            "reading": v.reading, "flagged": v.flagged,
                            "tables": _plain(dataclasses.asdict(v)["tables"])}
                           for v in views]}


@bp.route("/health")
@bp.response(200, schemas.Health)
@requires(COORDINATOR_READ)
def get_health():
    """The partnership's balance now: ties across clusters, joint work and output."""
    found = history.health(g.partnership, utcnow())
    return {"ei_now": found.ei_now, "ties_now": found.ties_now,
            "joint_work": dataclasses.asdict(found.work),
            "clusters": [_plain({**dataclasses.asdict(row.ties), "label": row.label,
                                 "silo": row.silo}) for row in found.clusters]}


def _plain(value):
    """Dataclass fields as JSON can carry them: tuples as lists, times as ISO text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
