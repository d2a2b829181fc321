"""PostgreSQL restarts while the app serves and a worker recomputes (hardening issue):
pages answer a clear 503 while it is down and recover by themselves; the recompute runs
again and nothing is half-written. On a cluster of the test's own, never the shared one.
"""

import re

import pytest
import requests
from sqlalchemy import select

from config import TestConfig
from coordinator import create_app
from coordinator.extensions import db
from coordinator.models import ClusterAssignment, ClusterSnapshot, RecomputeRun
from coordinator.queue import request_recompute
from tests.factories import Factory
from tests.services import GunicornServer, ThrowawayPostgres, WorkerProcess, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def postgres():
    server = ThrowawayPostgres()
    yield server
    server.close()


def _runs():
    db.session.expire_all()
    return db.session.scalars(select(RecomputeRun.status).order_by(RecomputeRun.id)).all()


def test_a_database_restart_gives_503s_then_recovers_and_the_recompute_runs_again(
        postgres, redis_url, tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=postgres.url, REDIS_URL=redis_url,
                     RECOMPUTE_DEBOUNCE_SECONDS=0)
    with app.app_context():
        db.create_all()
        make = Factory()
        p = make.partnership()
        members = [make.member(p, tags=tags) for tags in
                   [("hydrology", "gis")] * 3 + [("water law", "policy")] * 3]
        make.commit()
        slug, pid, email = p.slug, p.id, members[0].user.email
        member_ids = sorted(m.id for m in members)
    hold = tmp_path / "hold"
    hold.write_text("hold")
    web = GunicornServer(postgres.url, tmp_path, workers=2, REDIS_URL=redis_url)
    worker = WorkerProcess(postgres.url, redis_url, tmp_path, hold=hold,
                           JOB_RETRY_INTERVALS="2,4,8")
    try:
        browser = requests.Session()
        page = browser.get(web.url + "/login", timeout=10).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        browser.post(web.url + "/login", timeout=30, data={
            "email": email, "password": Factory.PASSWORD, "csrf_token": token})
        board = f"{web.url}/p/{slug}/tasks"
        assert browser.get(board, timeout=10).status_code == 200
        with app.app_context():
            assert request_recompute(pid, force=True, delay=None) == "scheduled"
        wait_until(lambda: (tmp_path / "hold.pid").exists(), what="the recompute to start")

        postgres.stop()
        down = browser.get(board, timeout=10)
        assert down.status_code == 503 and "briefly unavailable" in down.text
        assert down.headers["Retry-After"] == "30"
        assert browser.get(web.url + "/readyz", timeout=10).status_code == 503
        assert browser.get(web.url + "/healthz", timeout=10).status_code == 200
        hold.unlink()  # the held recompute goes on, into the outage

        postgres.start()
        wait_until(lambda: browser.get(board, timeout=10).status_code == 200, timeout=60,
                   what="the pages to recover by themselves")
        with app.app_context():
            statuses = wait_until(lambda: _runs() if "succeeded" in _runs() else None,
                                  timeout=90, what="the recompute to run again")
            snapshots = db.session.scalars(select(ClusterSnapshot)).all()
            assert "running" not in statuses and statuses[-1] == "succeeded", statuses
            assert len(snapshots) == 1  # the interrupted attempt wrote nothing
            placed = db.session.scalars(select(ClusterAssignment.membership_id).where(
                ClusterAssignment.snapshot_id == snapshots[0].id)).all()
            assert sorted(placed) == member_ids
    finally:
        worker.stop()
        web.stop()
        with app.app_context():
            db.engine.dispose()
