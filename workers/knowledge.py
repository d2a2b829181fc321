"""The knowledge-map job: recompute one partnership's clusters and write a snapshot."""

import logging
from datetime import datetime

from coordinator.extensions import db
from coordinator.models import Partnership
from coordinator.services import evaluation
from coordinator.services.knowledge import compute as knowledge
from coordinator.services.knowledge import runs as recompute_runs

from .context import job_context

log = logging.getLogger(__name__)


def recompute_partnership(partnership_id: int, trigger: str = "change",
                          force: bool = False, now: str | None = None) -> dict:
    """Idempotent: a snapshot already covering the latest change makes this a no-op.

    `now` (ISO 8601) evaluates the alerts as of that moment instead of the clock's.
    """
    with job_context() as app:
        partnership = db.session.get(Partnership, partnership_id)
        if partnership is None:
            return {"status": "gone"}
        if not recompute_runs.acquire_lease(partnership_id, _owner()):
            db.session.rollback()
            # Another worker is on it; it re-checks for newer changes when it ends.
            return {"status": "busy"}
        run = recompute_runs.start_run(partnership_id, trigger)
        db.session.commit()
        try:
            _hold_for_fault_tests(app)
            result = knowledge.recompute(partnership, force=force)
            status = "skipped" if result.skipped else "succeeded"
            snapshot_id = result.snapshot.id if result.snapshot else None
            recompute_runs.finish_run(run, status, snapshot_id)
            db.session.commit()  # the snapshot and its run row land together, or neither
        except BaseException as exc:
            db.session.rollback()
            recompute_runs.finish_run(run, "failed",
                                      error=f"{type(exc).__name__}: {exc}")
            recompute_runs.release_lease(partnership_id)
            db.session.commit()
            raise
        try:
            # Still under the lease, so two evaluations of one partnership never interleave.
            alerts = _evaluate(partnership_id, datetime.fromisoformat(now) if now else None)
        finally:
            db.session.rollback()
            recompute_runs.release_lease(partnership_id)
            db.session.commit()
        _follow_up(partnership_id)
        return {"status": status, "snapshot_id": snapshot_id, "alerts": alerts,
                "timings": {k: round(v, 3) for k, v in result.timings.items()}}


def _evaluate(partnership_id: int, now: datetime | None) -> str:
    """Balance alerts follow every run, skipped ones too: their windows move with time.

    Its own transaction: a failure here leaves the new snapshot in place, and RQ's retry
    finds the map current and goes straight to evaluating again.
    """
    partnership = db.session.get(Partnership, partnership_id)
    outcome = evaluation.evaluate_partnership(partnership, now)
    db.session.commit()
    log.info("partnership %s: %s", partnership_id, outcome.summary())
    return outcome.summary()


def _owner() -> str:
    """The RQ job id (so a retry re-takes its own lease), else a one-off name."""
    import uuid

    from rq import get_current_job

    job = get_current_job()
    return job.id if job is not None else f"local-{uuid.uuid4().hex}"


def _follow_up(partnership_id: int) -> None:
    """Changes that arrived while this run read its data get one more run."""
    from coordinator.queue import request_recompute

    db.session.expire_all()
    partnership = db.session.get(Partnership, partnership_id)
    if not knowledge.is_current(partnership):
        request_recompute(partnership_id, trigger="follow-up", job_suffix="-followup")


def _hold_for_fault_tests(app) -> None:
    """Fault tests set RECOMPUTE_HOLD_FILE to freeze the first attempt here and kill it."""
    import os
    import time

    hold = app.config.get("RECOMPUTE_HOLD_FILE")
    if not hold or os.path.exists(hold + ".pid"):
        return
    with open(hold + ".pid", "w") as handle:
        handle.write(str(os.getpid()))
    deadline = time.monotonic() + 60
    while os.path.exists(hold) and time.monotonic() < deadline:
        time.sleep(0.05)
