"""The knowledge map: clusters, their history, who knows what, and recomputing it."""

import math
from datetime import timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from coordinator.services.knowledge import map_view as insight
from coordinator.services.knowledge.runs import latest_run
from coordinator.services.knowledge.snapshots import latest_snapshot

from ..extensions import db
from ..models import Cluster, utcnow
from ..queue import request_recompute
from .forms.tasks import EmptyForm
from .member_filters import page_arg
from .tenancy import get_scoped_or_404, member_required, role_required

bp = Blueprint("knowledge", __name__, url_prefix="/p/<slug>/knowledge")


@bp.get("/")
@member_required
def knowledge_map():
    view = insight.map_view(g.partnership)
    run = latest_run(g.partnership.id)
    # After "Recompute now" the page waits (refreshing) until a run has started since.
    asked_at = request.args.get("asked", type=float)
    waiting = (asked_at is not None and math.isfinite(asked_at)
               and (run is None or run.started_at.timestamp() < asked_at))
    return render_template("insight/map.html", view=view, run=run, button_form=EmptyForm(),
                           waiting=waiting,
                           refresh=waiting or (run is not None and run.status == "running"))


@bp.get("/clusters/<int:cluster_id>")
@member_required
def cluster(cluster_id: int):
    found = get_scoped_or_404(Cluster, cluster_id)
    latest = latest_snapshot(g.partnership.id)
    return render_template("insight/cluster.html", cluster=found,
                           page=insight.cluster_members(found, page_arg()),
                           history=insight.cluster_history(found),
                           is_latest=latest is not None and found.snapshot_id == latest.id)


@bp.get("/who")
@member_required
def who_knows():
    tag = request.args.get("tag", "").strip().lower()[:40]
    ranked = insight.who_knows(g.partnership.id, tag) if tag else []
    return render_template("insight/who.html", tag=tag, ranked=ranked)


@bp.post("/recompute")
@role_required("coordinator")
def recompute_now():
    if not EmptyForm().validate_on_submit():
        abort(400)
    asked_at = utcnow().timestamp()
    # The form's one-time token first: the run below writes on a connection of its own,
    # which SQLite would make wait for this request's open write.
    db.session.commit()
    # Asked for explicitly, so without a queue the coordinator waits for it to finish.
    outcome = request_recompute(g.partnership.id, trigger="manual", job_suffix="-manual",
                                force=True, delay=timedelta(0), wait=True)
    messages = {
        "scheduled": "Recompute queued. This page refreshes until it has run.",
        "coalesced": "A recompute is already queued. This page refreshes until it has run.",
        "deferred": "The job queue is unreachable; the hourly sweep will recompute the map.",
        "in-process": "Knowledge map recomputed.",
    }
    flash(messages[outcome], "info" if outcome != "deferred" else "error")
    if outcome in ("deferred", "in-process"):
        return redirect(url_for("knowledge.knowledge_map"))
    return redirect(url_for("knowledge.knowledge_map", asked=f"{asked_at:.3f}"))
