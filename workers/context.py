"""An app context for jobs, whether they run in a worker or in the web process."""

from contextlib import contextmanager

from flask import current_app, has_app_context

from coordinator import create_app

_app = None


@contextmanager
def job_context():
    if has_app_context():
        yield current_app
        return
    global _app
    if _app is None:
        _app = create_app()
    with _app.app_context():
        yield _app
