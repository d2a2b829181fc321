"""The hourly sweep: every partnership whose knowledge map is stale gets a recompute."""

from datetime import timedelta

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Partnership
from coordinator.services.knowledge import is_current

from .context import job_context


def sweep_stale_maps() -> list[int]:
    """Catch up changes whose recompute was never enqueued (Redis down) or was lost."""
    from coordinator.queue import request_recompute

    with job_context():
        stale = [partnership.id for partnership in db.session.scalars(
                     select(Partnership).where(Partnership.recompute_requested_at.is_not(None))
                     .order_by(Partnership.id))
                 if not is_current(partnership)]
        for partnership_id in stale:
            request_recompute(partnership_id, trigger="hourly", delay=timedelta(0))
        return stale
