"""The one place that enqueues background work.

With REDIS_URL set, jobs go to RQ over a connection with short timeouts and no retries,
so a refused or hung Redis costs a request a fraction of a second and never an error:
the database stamp (`recompute_requested_at`) stays, and the hourly sweep catches up.
After a failure this process leaves Redis alone for REDIS_RETRY_AFTER_SECONDS, so the
requests that follow do not each wait for it again.
Without REDIS_URL (the embedded default) a job runs in this process once the response
is done, or at once from the command line, so a bare machine needs no Redis.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, g, has_request_context

from .services import webhooks
from .services.dirty import take_committed

log = logging.getLogger(__name__)

# Jobs are named by dotted path, never imported here: the web process loads no job code
# (nor the clustering stack behind it), and workers/ can import this module freely.
RECOMPUTE_JOB = "workers.knowledge.recompute_partnership"
SEND_DIGESTS_JOB = "workers.digests.send_digests"
SEND_EMAIL_JOB = "workers.mail.send_email"
WEBHOOKS_JOB = "workers.webhooks.deliver_due"

JOB_TIMEOUT = 600
DIGEST_RETRY_INTERVALS = [60, 300, 900]  # an SMTP server saying "not now" means minutes
QUEUES = ("default",)


class Breaker:
    """Whether Redis failed lately in this process; while it is open, skip Redis."""

    def __init__(self, cool_down: float, clock: Callable[[], float] = time.monotonic):
        self.cool_down = cool_down
        self.clock = clock
        self.open_until = 0.0

    @property
    def is_open(self) -> bool:
        return self.clock() < self.open_until

    def trip(self) -> None:
        self.open_until = self.clock() + self.cool_down


def init_queue(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["rq"] = make_queue(url, app.config["REDIS_SOCKET_TIMEOUT"]) if url else None
    app.extensions["redis_breaker"] = Breaker(app.config["REDIS_RETRY_AFTER_SECONDS"])
    app.after_request(_after_request)


def _redis_skipped(what: str) -> bool:
    if current_app.extensions["redis_breaker"].is_open:
        log.warning("Redis failed lately: %s left for later", what)
        return True
    return False


def _redis_failed(what: str) -> None:
    current_app.extensions["redis_breaker"].trip()
    log.warning("Redis unavailable: %s left for later", what)


def make_queue(url: str, timeout: float, name: str = "default"):
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry as RedisRetry
    from rq import Queue

    connection = Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                retry=RedisRetry(NoBackoff(), 0))
    return Queue(name, connection=connection)


def job_retry():
    """Every job gets three retries: RQ alone would run a job at most once."""
    from rq import Retry

    return Retry(max=3, interval=current_app.config["JOB_RETRY_INTERVALS"])


def enqueue(job: str, *args, **kwargs) -> bool:
    """Run the job at dotted path `job` with these arguments in the background, once the
    current work is committed. False when Redis could not take it: the caller decides
    whether that work is left for later."""
    queue = current_app.extensions.get("rq")
    if queue is None:
        _run_in_process(job, args, kwargs)
        return True
    from redis.exceptions import RedisError

    if _redis_skipped(job):
        return False
    try:
        queue.enqueue(job, *args, **kwargs, job_timeout=JOB_TIMEOUT, retry=job_retry())
    except RedisError:
        _redis_failed(job)
        return False
    return True


def request_recompute(partnership_id: int, trigger: str = "change", *,
                      now: datetime | None = None, delay: timedelta | None = None,
                      job_suffix: str = "", force: bool = False, wait: bool = False) -> str:
    """Ask for a knowledge-map recompute; requests within `delay` coalesce into one run.

    Without Redis the run happens after the response, or before it with `wait`.
    """
    queue = current_app.extensions.get("rq")
    if queue is None:
        _run_in_process(RECOMPUTE_JOB, (partnership_id,),
                        {"trigger": trigger, "force": force}, defer=not wait)
        return "in-process"
    what = f"recompute of partnership {partnership_id} (the hourly sweep catches up)"
    if _redis_skipped(what):
        return "deferred"
    job = queue.create_job(
        RECOMPUTE_JOB, args=(partnership_id,), kwargs={"trigger": trigger, "force": force},
        job_id=f"recompute-p{partnership_id}{job_suffix}", timeout=JOB_TIMEOUT,
        result_ttl=0, failure_ttl=3600,
        retry=job_retry())
    if delay is None:
        delay = timedelta(seconds=current_app.config["RECOMPUTE_DEBOUNCE_SECONDS"])
    at = (now or datetime.now(UTC)) + delay if delay > timedelta(0) else None
    return _put_unique(queue, job, what, at)


def request_evaluation(partnership_id: int, trigger: str) -> str:
    """Re-evaluate the alerts at once after a setting they read changed (thresholds,
    critical stakeholders, power sources, the contingency profile): the run finds the map
    current and goes straight to evaluating."""
    return request_recompute(partnership_id, trigger=trigger, delay=timedelta(0),
                             job_suffix=f"-{trigger}")


def enqueue_digests(rows: list[tuple[int, int]]) -> str:
    """Queue the sending of planned digests, given as (row id, attempts so far). The job
    id names exactly these rows at these attempts, so the same rows queued again by the
    next planner tick, while the job still waits, coalesce into it."""
    from rq import Retry

    ids = [delivery_id for delivery_id, _ in rows]
    queue = current_app.extensions.get("rq")
    if queue is None:
        _run_in_process(SEND_DIGESTS_JOB, (ids,), {}, defer=False)
        return "in-process"
    # A row back in `pending` after RQ's retries has a higher attempt count: a fresh job.
    # A failed job keeps its id until failure_ttl: kept short, so rows a job failed on
    # before claiming them (the database was down) are queued again within the hour.
    what = f"{len(ids)} digest(s) (the next planner run queues them)"
    if _redis_skipped(what):
        return "deferred"
    fingerprint = hashlib.sha1(repr(sorted(rows)).encode()).hexdigest()[:12]
    job = queue.create_job(SEND_DIGESTS_JOB, args=(ids,),
                           job_id=f"digests-{ids[0]}-n{len(ids)}-{fingerprint}",
                           timeout=JOB_TIMEOUT, result_ttl=3600, failure_ttl=3600,
                           retry=Retry(max=3, interval=DIGEST_RETRY_INTERVALS))
    return _put_unique(queue, job, what)


def _put_unique(queue, job, what: str, at: datetime | None = None) -> str:
    """Queue a job under its fixed id (at a moment, or now): "coalesced" when one with
    that id still waits, "deferred" when Redis fails (the database remembers what is due),
    else "scheduled"."""
    from redis.exceptions import RedisError
    from rq.exceptions import DuplicateJobError

    try:
        if at is not None:
            queue.schedule_job(job, at, unique=True)
        else:
            queue.enqueue_job(job, unique=True)
    except DuplicateJobError:
        return "coalesced"
    except RedisError:
        _redis_failed(what)
        return "deferred"
    return "scheduled"


def enqueue_committed_changes() -> None:
    """Request recomputes for partnerships changed by what was just committed.

    Runs after a request's response is built (or from a command after it commits), so an
    in-process recompute sees committed data.
    """
    for partnership_id in sorted(take_committed()):
        request_recompute(partnership_id)
    for partnership_id in sorted(webhooks.take_committed()):
        enqueue_webhooks(partnership_id)


def enqueue_webhooks(partnership_id: int) -> str:
    """Send the partnership's due webhook deliveries. One job per partnership at a time
    (a fixed id): deliveries queued while it waits go out with it. Retries are the rows'
    own (their next attempt time), not RQ's, so a receiver that is down for a day gets
    every event once it is back."""
    queue = current_app.extensions.get("rq")
    if queue is None:
        _run_in_process(WEBHOOKS_JOB, (partnership_id,), {})
        return "in-process"
    what = f"webhooks of partnership {partnership_id} (the next minute's run sends them)"
    if _redis_skipped(what):
        return "deferred"
    job = queue.create_job(WEBHOOKS_JOB, args=(partnership_id,),
                           job_id=f"webhooks-p{partnership_id}", timeout=JOB_TIMEOUT,
                           result_ttl=0, failure_ttl=600)
    return _put_unique(queue, job, what)


def _after_request(response):
    enqueue_committed_changes()
    # In-process jobs run once the response has gone out, so nobody waits for them.
    for job in g.pop("in_process_jobs", []):
        response.call_on_close(job)
    return response


def job_function(job: str) -> Callable:
    """The function a dotted path names, imported on first use (as RQ's worker does)."""
    module, _, name = job.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _run_in_process(job: str, args: tuple, kwargs: dict, defer: bool = True) -> None:
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                job_function(job)(*args, **kwargs)
            except Exception:
                log.exception("in-process job %s failed", job)

    if defer and has_request_context():
        g.setdefault("in_process_jobs", []).append(run)
    else:
        run()
