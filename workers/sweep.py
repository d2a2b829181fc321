"""The hourly sweep: every partnership whose knowledge map is stale gets a recompute."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Partnership
from coordinator.queue import request_recompute
from coordinator.services import api_tokens, places, sessions
from coordinator.services.knowledge.snapshots import is_current
from coordinator.web.once import sweep_submissions

from .context import job_context


def sweep_stale_maps() -> list[int]:
    """Catch up changes whose recompute was never enqueued (Redis down) or was lost."""
    with job_context():
        stale = [partnership.id for partnership in db.session.scalars(
                     select(Partnership).where(Partnership.recompute_requested_at.is_not(None))
                     .order_by(Partnership.id))
                 if not is_current(partnership)]
        for partnership_id in stale:
            request_recompute(partnership_id, trigger="hourly", delay=timedelta(0))
        return stale


def evaluate_all_partnerships() -> list[int]:
    """Daily: windows move with time, so alerts are re-evaluated even when nothing changed.

    Each partnership gets a recompute run; its map is current, so the run skips straight
    to evaluating the balance alerts.
    """
    with job_context():
        ids = list(db.session.scalars(select(Partnership.id).order_by(Partnership.id)))
        for partnership_id in ids:
            request_recompute(partnership_id, trigger="daily", delay=timedelta(0),
                              job_suffix="-daily")
        return ids


def sweep_expired_records() -> dict[str, int]:
    """Hourly: delete login sessions past their idle time or lifetime, and the one-time
    tokens of forms too old to be sent again."""
    with job_context():
        swept = {"sessions": sessions.sweep(sessions.Lifetimes.from_config(current_app.config)),
                 "form_tokens": sweep_submissions(),
                 "idempotency_keys": api_tokens.sweep_replays()}
        db.session.commit()
        return swept



def sweep_quiet_places(now=None) -> dict[str, int]:
    """Hourly: remind the holders of quiet task places, release those reminded a week ago."""
    with job_context():
        return places.sweep_all(now)
