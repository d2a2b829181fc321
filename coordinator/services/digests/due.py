"""Digests due now, for `flask send-digests`: planned and sent here, without the queue,
or previewed without changing anything. The sending itself is the outbox's."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from datetime import datetime

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import DigestDelivery
from coordinator.services.digests.batch import Batch
from coordinator.services.digests.outbox import plan_due, send_batch
from coordinator.services.digests.pages import Page
from coordinator.services.digests.planner import plan

WRITTEN_OFF = {"marked unknown": "marked unknown (interrupted while sending)",
               "given up": "given up (never finished rendering)"}


def send_due(now: datetime, progress_bar: Callable[[int], ContextManager] | None = None
             ) -> dict[str, Counter]:
    """Plan what is due at `now` and send every row due, here and now (no queue): what
    happened, per kind. `progress_bar(total)` gives a context whose `update(1)` hears of
    each row."""
    planned = plan_due(now)
    counts: dict[str, Counter] = defaultdict(Counter)
    for what, n in planned.counts.items():
        if what in WRITTEN_OFF:
            counts["any"][WRITTEN_OFF[what]] = n
        else:
            counts[what]["planned"] = n
    kinds = dict(db.session.execute(select(DigestDelivery.id, DigestDelivery.kind).where(
        DigestDelivery.status.in_(("pending", "rendering")),
        DigestDelivery.due_at <= now).order_by(DigestDelivery.id)).all())
    with Batch() as batch, (progress_bar(len(kinds)) if progress_bar
                            else nullcontext()) as bar:
        outcomes = send_batch(list(kinds), now, batch, progress=bar.update if bar else None)
    for delivery_id, outcome in outcomes.items():
        status = "failed, will retry" if outcome.status == "pending" else outcome.status
        counts[kinds[delivery_id]][status] += 1
    return counts


def preview_due(now: datetime) -> dict[str, Counter]:
    """What `send_due` would plan and send at `now`, per kind; changes nothing."""
    planned = plan(now)
    counts: dict[str, Counter] = defaultdict(Counter)
    for kind, n in planned.planned.items():
        counts[kind]["planned"] = n
    ids = list(db.session.scalars(select(DigestDelivery.id).where(
        DigestDelivery.status == "pending", DigestDelivery.due_at <= now)
        .order_by(DigestDelivery.id)))
    batch = Batch()
    for start in range(0, len(ids), Page.SIZE):
        page = Page(ids[start:start + Page.SIZE], now, batch)
        for row in page.deliveries.values():
            counts[row.kind]["would skip" if page.content(row, now).empty
                             else "would send"] += 1
    db.session.rollback()
    return counts
