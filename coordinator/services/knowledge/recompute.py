"""A recompute run from start to end: take the partnership's lease, cluster, record the
run, evaluate the alerts, let go of the lease.

This use case owns its transactions (it commits as it goes) because each step must be on
disk before the next starts: the run row says "running" while the clustering works, the
snapshot and its run row land together or not at all, and the evaluation commits on its
own so that a failure there keeps the new snapshot. The `flask worker` job and `flask
recompute` both call `run()`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from coordinator.extensions import db
from coordinator.models import Partnership
from coordinator.services import evaluation
from coordinator.services.knowledge import compute, runs
from coordinator.services.knowledge.snapshots import is_current

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOutcome:
    """`status`: gone, busy (another run holds the lease), skipped (the map was current)
    or succeeded. `needs_follow_up`: changes arrived while this run read its data."""

    status: str
    snapshot_id: int | None = None
    alerts: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    needs_follow_up: bool = False

    def summary(self) -> dict:
        """The job's return value: small and plain, as RQ stores it."""
        return {"status": self.status, "snapshot_id": self.snapshot_id, "alerts": self.alerts,
                "timings": {name: round(value, 3) for name, value in self.timings.items()}}


def run(partnership_id: int, owner: str, trigger: str = "change", *, force: bool = False,
        now: datetime | None = None) -> RunOutcome:
    """Idempotent: a snapshot already covering the latest change makes it a no-op that
    still evaluates the alerts (their windows move with time). `owner` names the lease
    holder, so a retry of the same job re-takes its own lease; `now` evaluates the alerts
    as of that moment instead of the clock's."""
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None:
        return RunOutcome("gone")
    if not runs.acquire_lease(partnership_id, owner):
        db.session.rollback()
        # Another worker is on it; it looks for newer changes when it ends.
        return RunOutcome("busy")
    record = runs.start_run(partnership_id, trigger)
    db.session.commit()
    try:
        result = compute.recompute(partnership, force=force)
        status = "skipped" if result.skipped else "succeeded"
        snapshot_id = result.snapshot.id if result.snapshot else None
        runs.finish_run(record, status, snapshot_id)
        db.session.commit()  # the snapshot and its run row land together, or neither
    except BaseException as exc:
        db.session.rollback()
        runs.finish_run(record, "failed", error=f"{type(exc).__name__}: {exc}")
        runs.release_lease(partnership_id)
        db.session.commit()
        raise
    try:
        # Still under the lease, so two evaluations of one partnership never interleave.
        alerts = _evaluate(partnership_id, now)
    finally:
        db.session.rollback()
        runs.release_lease(partnership_id)
        db.session.commit()
    db.session.expire_all()
    return RunOutcome(status, snapshot_id, alerts, result.timings,
                      needs_follow_up=not is_current(db.session.get(Partnership,
                                                                    partnership_id)))


def _evaluate(partnership_id: int, now: datetime | None) -> str:
    """Its own transaction: a failure here leaves the new snapshot in place, and RQ's retry
    finds the map current and goes straight to evaluating again."""
    outcome = evaluation.evaluate_partnership(db.session.get(Partnership, partnership_id), now)
    db.session.commit()
    log.info("partnership %s: %s", partnership_id, outcome.summary())
    return outcome.summary()
