"""Digest jobs: the planner every 15 minutes, and the senders it queues."""

import time

from coordinator.domain.moments import parse_moment
from coordinator.models import utcnow
from coordinator.queue import JOB_TIMEOUT, enqueue_digests
from coordinator.services.digests import outbox

from .context import job_context


def plan_digests(now: str | None = None) -> dict:
    """Insert what is due and queue a send job for every batch of pending rows."""
    with job_context():
        planned = outbox.plan_due(parse_moment(now) if now else utcnow())
        for rows in planned.batches:
            enqueue_digests(rows)
        return planned.counts


def send_digests(delivery_ids: list[int]) -> dict[str, int]:
    """Raises TryAgainLater, so RQ retries the job, when a row is to be tried again."""
    # Stop claiming rows well before RQ's timeout would kill the job mid-conversation.
    deadline = time.monotonic() + 0.8 * JOB_TIMEOUT
    with job_context():
        return outbox.send_queued(delivery_ids, deadline=deadline)
