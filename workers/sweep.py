"""The hourly sweep: every partnership whose knowledge map is stale gets a recompute."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from coordinator.domain.fair_order import smallest_first
from coordinator.extensions import db
from coordinator.models import Membership, Partnership
from coordinator.queue import request_recompute
from coordinator.services import api_tokens, places, sessions
from coordinator.services.knowledge.snapshots import is_current
from coordinator.web.once import sweep_submissions

from .context import job_context


def member_counts(partnership_ids: list[int]) -> dict[int, int]:
    if not partnership_ids:
        return {}
    return dict(db.session.execute(
        select(Membership.partnership_id, func.count()).where(
            Membership.partnership_id.in_(partnership_ids))
        .group_by(Membership.partnership_id)).all())


def sweep_stale_maps() -> list[int]:
    """Catch up changes whose recompute was never enqueued (Redis down) or was lost;
    the smallest partnerships first (domain.fair_order)."""
    with job_context():
        stale = [partnership.id for partnership in db.session.scalars(
                     select(Partnership).where(Partnership.recompute_requested_at.is_not(None))
                     .order_by(Partnership.id))
                 if not is_current(partnership)]
        stale = smallest_first(member_counts(stale), stale)
        for partnership_id in stale:
            request_recompute(partnership_id, trigger="hourly", delay=timedelta(0))
        return stale


def evaluate_all_partnerships() -> list[int]:
    """Daily: windows move with time, so alerts are re-evaluated even when nothing changed.

    Each partnership gets a recompute run; its map is current, so the run skips straight
    to evaluating the balance alerts. The smallest partnerships go first.
    """
    with job_context():
        ids = list(db.session.scalars(select(Partnership.id).order_by(Partnership.id)))
        ids = smallest_first(member_counts(ids), ids)
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
