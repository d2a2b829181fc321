"""Bookkeeping around a recompute: the lease, and the run rows coordinators see."""

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from coordinator.extensions import db
from coordinator.models import Partnership, RecomputeRun, utcnow

LEASE = timedelta(minutes=15)


def acquire_lease(partnership_id: int, owner: str, now: datetime | None = None) -> bool:
    """Take the partnership's recompute lease; a retry of the same job takes it back."""
    now = now or utcnow()
    taken = db.session.execute(
        update(Partnership)
        .where(Partnership.id == partnership_id,
               or_(Partnership.recompute_lease_until.is_(None),
                   Partnership.recompute_lease_until < now,
                   Partnership.recompute_lease_owner == owner))
        .values(recompute_lease_until=now + LEASE, recompute_lease_owner=owner)
        .execution_options(synchronize_session=False)).rowcount
    return taken == 1


def release_lease(partnership_id: int) -> None:
    db.session.execute(update(Partnership).where(Partnership.id == partnership_id)
                       .values(recompute_lease_until=None, recompute_lease_owner=None)
                       .execution_options(synchronize_session=False))


def start_run(partnership_id: int, trigger: str, now: datetime | None = None) -> RecomputeRun:
    """A 'running' row; older runs left 'running' by a killed worker become 'interrupted'."""
    now = now or utcnow()
    db.session.execute(
        update(RecomputeRun)
        .where(RecomputeRun.partnership_id == partnership_id,
               RecomputeRun.status == "running")
        .values(status="interrupted", finished_at=now,
                error="The worker stopped before this run finished; it was retried.")
        .execution_options(synchronize_session=False))
    run = RecomputeRun(partnership_id=partnership_id, trigger=trigger, started_at=now)
    db.session.add(run)
    db.session.flush()
    return run


def finish_run(run: RecomputeRun, status: str, snapshot_id: int | None = None,
               error: str = "") -> None:
    run.status = status
    run.finished_at = utcnow()
    run.duration_s = round((run.finished_at - run.started_at).total_seconds(), 3)
    run.snapshot_id = snapshot_id
    run.error = error[:2000]


def latest_run(partnership_id: int) -> RecomputeRun | None:
    return db.session.scalar(select(RecomputeRun).where(
        RecomputeRun.partnership_id == partnership_id)
        .order_by(RecomputeRun.id.desc()).limit(1))
