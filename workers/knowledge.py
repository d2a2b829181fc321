"""The knowledge-map job: one recompute run of one partnership."""

import uuid

from rq import get_current_job

from coordinator.domain.moments import parse_moment
from coordinator.queue import enqueue_committed_changes, request_recompute
from coordinator.services.knowledge import recompute

from .context import job_context


def recompute_partnership(partnership_id: int, trigger: str = "change",
                          force: bool = False, now: str | None = None) -> dict:
    """`now` (ISO 8601 with offset) evaluates the alerts as of that moment."""
    with job_context():
        outcome = recompute.run(partnership_id, _owner(), trigger, force=force,
                                now=parse_moment(now) if now else None)
        if outcome.needs_follow_up:
            # Changes that arrived while the run read its data get one more run.
            request_recompute(partnership_id, trigger="follow-up", job_suffix="-followup")
        enqueue_committed_changes()  # webhooks of the alerts the evaluation opened
        return outcome.summary()


def _owner() -> str:
    """The RQ job id (so a retry re-takes its own lease), else a one-off name."""
    job = get_current_job()
    return job.id if job is not None else f"local-{uuid.uuid4().hex}"
