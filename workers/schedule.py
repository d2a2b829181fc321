"""Periodic work: one `flask scheduler` process enqueues it; any number of workers run it.

Each entry fires once per slot (a UTC hour, a quarter of an hour). Before enqueueing, the
scheduler claims the slot with Redis `SET key NX EX`, so a second scheduler started by
mistake (or during a deploy) enqueues nothing twice. A slot missed while no scheduler ran
is not replayed; the jobs themselves catch up (the sweep recomputes every partnership
whose map is stale, however old the change).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    job: str  # dotted path of the job function, resolved by the worker


SCHEDULE = (
    Periodic("recompute-sweep", timedelta(hours=1), "workers.sweep.sweep_stale_maps"),
    Periodic("balance-evaluation", timedelta(days=1), "workers.sweep.evaluate_all_partnerships"),
    Periodic("digest-planner", timedelta(minutes=15), "workers.digests.plan_digests"),
    Periodic("expired-records", timedelta(hours=1), "workers.sweep.sweep_expired_records"),
    Periodic("quiet-places", timedelta(hours=1), "workers.sweep.sweep_quiet_places"),
    Periodic("webhook-retries", timedelta(minutes=1), "workers.webhooks.queue_due"),
)


def slot_of(moment: datetime, every: timedelta) -> str:
    seconds = int(every.total_seconds())
    start = int(moment.astimezone(UTC).timestamp()) // seconds * seconds
    return datetime.fromtimestamp(start, UTC).strftime("%Y%m%dT%H%M")


def tick(queue, now: datetime | None = None,
         schedule: tuple[Periodic, ...] = SCHEDULE) -> list[str]:
    """Enqueue every entry whose current slot nobody has claimed yet; return their ids."""
    from rq import Retry

    now = now or datetime.now(UTC)
    enqueued = []
    for entry in schedule:
        slot = slot_of(now, entry.every)
        key = f"polder:schedule:{entry.name}:{slot}"
        ttl = int(entry.every.total_seconds() * 2)
        if not queue.connection.set(key, "1", nx=True, ex=ttl):
            continue
        job_id = f"{entry.name}-{slot}"
        queue.enqueue(entry.job, job_id=job_id, job_timeout=900, result_ttl=3600,
                      retry=Retry(max=3, interval=[30, 120, 600]))
        enqueued.append(job_id)
        log.info("scheduled %s", job_id)
    return enqueued


def run_forever(queue, poll_seconds: float = 20, stop: Callable[[], bool] = lambda: False,
                sleep: Callable[[float], None] | None = None) -> None:
    import time

    sleep = sleep or time.sleep
    while not stop():
        try:
            tick(queue)
        except Exception:  # a Redis hiccup must not end the scheduler
            log.exception("scheduler tick failed; trying again")
        sleep(poll_seconds)
