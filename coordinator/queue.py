"""The one place that enqueues background work.

With REDIS_URL set, jobs go to RQ over a connection with short timeouts, so a hung Redis
costs a request about a second. Without it (the embedded default), a job runs in this
process once the response is done, so a bare machine needs no Redis.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, after_this_request, current_app, has_request_context

log = logging.getLogger(__name__)

JOB_TIMEOUT = 300


def init_queue(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    if not url:
        app.extensions["rq"] = None
        return
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry as RedisRetry
    from rq import Queue

    timeout = app.config["REDIS_SOCKET_TIMEOUT"]
    connection = Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                retry=RedisRetry(NoBackoff(), 0))
    app.extensions["rq"] = Queue("default", connection=connection)


def enqueue(func: Callable, *args, **kwargs) -> None:
    """Run `func(*args, **kwargs)` in the background once the current work is committed."""
    queue = current_app.extensions.get("rq")
    if queue is None:
        _run_in_process(func, args, kwargs)
        return
    from redis.exceptions import RedisError
    from rq import Retry

    try:
        queue.enqueue(func, *args, **kwargs, job_timeout=JOB_TIMEOUT,
                      retry=Retry(max=3, interval=[30, 120, 600]))
    except RedisError:
        # The database is the record of work; periodic sweeps catch up what is missed.
        log.exception("could not enqueue %s; continuing without it", func.__name__)


def _run_in_process(func: Callable, args: tuple, kwargs: dict) -> None:
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                func(*args, **kwargs)
            except Exception:
                log.exception("in-process job %s failed", func.__name__)

    if has_request_context():
        # The view has committed by the time its response passes through here.
        @after_this_request
        def run_after(response):
            run()
            return response
    else:
        run()
