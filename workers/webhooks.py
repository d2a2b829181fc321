"""Webhook jobs: send a partnership's due deliveries; every minute, queue those due."""

from coordinator.queue import enqueue_webhooks
from coordinator.services import webhooks

from .context import job_context


def deliver_due(partnership_id: int) -> dict[str, int]:
    with job_context():
        return webhooks.deliver_due(partnership_id)


def queue_due() -> list[int]:
    """Rows whose retry time has come (or whose sender died) get a send job."""
    with job_context():
        due = webhooks.partnerships_due()
        for partnership_id in due:
            enqueue_webhooks(partnership_id)
        return due
