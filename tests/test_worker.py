"""The RQ side against a real Redis and real `flask worker` processes."""

import os
import signal
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import ClusterSnapshot, Partnership, RecomputeRun, Task, utcnow
from coordinator.queue import request_recompute
from coordinator.services.knowledge import compute as knowledge
from tests.services import SilentServer, WorkerProcess, wait_until

pytestmark = pytest.mark.redis


@pytest.fixture
def queued_app(make_app, redis_url):
    """The web app with a real queue."""
    return make_app(REDIS_URL=redis_url, RECOMPUTE_DEBOUNCE_SECONDS=0,
                    JOB_RETRY_INTERVALS=[0])


@pytest.fixture
def river(make):
    partnership = make.partnership(slug="river")
    for n, tags in enumerate([("hydrology", "gis")] * 3 + [("water law", "policy")] * 3):
        make.member(partnership, email=f"m{n}@example.org", name=f"Member {n}", tags=tags)
    task = make.task(partnership.memberships[0], title="Survey", capacity=5)
    make.commit()
    return partnership, task


def _count_snapshots():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ClusterSnapshot))


def _login(client, email):
    client.post("/login", data={"email": email, "password": "a long test passphrase"})


def test_a_web_change_is_computed_by_a_real_worker(queued_app, _schema, redis_url, river,
                                                   tmp_path):
    worker = WorkerProcess(_schema, redis_url, tmp_path)
    try:
        client = queued_app.test_client()
        _login(client, "m5@example.org")
        response = client.post(f"/p/river/tasks/{river[1].id}/join", data={"note": "law"})
        assert response.status_code == 302
        wait_until(lambda: _count_snapshots() == 1, what="a snapshot from the worker")
    finally:
        worker.stop()
    run = db.session.scalar(select(RecomputeRun))
    assert (run.status, run.trigger) == ("succeeded", "change"), worker.output()
    assert knowledge.latest_snapshot(river[0].id).quality["clusters"] == 2


def test_a_killed_work_horse_is_retried_and_writes_one_snapshot(queued_app, _schema,
                                                                redis_url, river, tmp_path):
    partnership = river[0]
    with queued_app.app_context():
        knowledge.recompute(db.session.get(Partnership, partnership.id), force=True)
        db.session.commit()
    hold = tmp_path / "hold"
    hold.write_text("hold")
    worker = WorkerProcess(_schema, redis_url, tmp_path, hold=hold)
    try:
        with queued_app.app_context():
            assert request_recompute(partnership.id, force=True) == "scheduled"
        pid_file = tmp_path / "hold.pid"
        horse = int(wait_until(lambda: pid_file.exists() and pid_file.read_text(),
                               what="the job to start"))
        assert _count_snapshots() == 1
        os.kill(horse, signal.SIGKILL)
        wait_until(lambda: _count_snapshots() == 2, what="the retried job's snapshot")
        statuses = wait_until(lambda: _run_statuses() if "succeeded" in _run_statuses()
                              else None, what="the retry's run row")
    finally:
        worker.stop()
    assert statuses == ["interrupted", "succeeded"], worker.output()
    assert _count_snapshots() == 2
    assert db.session.get(Partnership, partnership.id).recompute_lease_until is None


def _run_statuses():
    db.session.expire_all()
    return db.session.scalars(select(RecomputeRun.status).order_by(RecomputeRun.id)).all()


def test_debounced_requests_coalesce_into_one_job(queued_app, redis_url, river):
    from rq.registry import ScheduledJobRegistry

    with queued_app.app_context():
        outcomes = [request_recompute(river[0].id, delay=timedelta(seconds=30))
                    for _ in range(5)]
        queue = queued_app.extensions["rq"]
        scheduled = ScheduledJobRegistry(queue=queue).get_job_ids()
    assert outcomes == ["scheduled"] + ["coalesced"] * 4
    assert scheduled == [f"recompute-p{river[0].id}"]


@pytest.mark.parametrize("kind", ["refused", "hung"])
def test_members_keep_working_when_redis_is_down(app, make_app, river, kind, caplog):
    knowledge.recompute(db.session.get(Partnership, river[0].id), force=True)
    db.session.commit()
    server = SilentServer() if kind == "hung" else None
    url = f"redis://127.0.0.1:{server.port if server else 1}/0"
    client = make_app(REDIS_URL=url, RATELIMIT_STORAGE_URI=url).test_client()
    try:
        for label, call in [
            ("failed login", lambda: client.post("/login", data={
                "email": "m4@example.org", "password": "not the password"})),
            ("login", lambda: client.post("/login", data={
                "email": "m4@example.org", "password": "a long test passphrase"})),
            ("board", lambda: client.get("/p/river/tasks")),
            ("join", lambda: client.post(f"/p/river/tasks/{river[1].id}/join",
                                         data={"note": "law"})),
            ("profile", lambda: client.post("/p/river/profile", data={
                "name": "Member 4", "tags": "water law, policy, drafting"})),
            ("map", lambda: client.get("/p/river/knowledge/")),
        ]:
            started = time.perf_counter()
            response = call()
            elapsed = time.perf_counter() - started
            assert response.status_code in (200, 302), (label, response.status_code)
            assert elapsed < 1.0, f"{label} took {elapsed:.2f} s with Redis {kind}"
        assert "an update is on its way" in client.get("/p/river/knowledge/").text
    finally:
        if server:
            server.close()
    assert any("the hourly sweep catches up" in r.getMessage() for r in caplog.records)
    db.session.expire_all()
    assert db.session.scalar(select(Task.filled).where(Task.id == river[1].id)) == 1
    # Later, the sweep (here with jobs in-process) catches the missed recompute up.
    from workers.sweep import sweep_stale_maps

    with app.app_context():
        assert sweep_stale_maps() == [river[0].id]
    assert knowledge.is_current(db.session.get(Partnership, river[0].id))


def test_scheduler_enqueues_each_slot_once_across_processes(queued_app, redis_url):
    from workers.schedule import SCHEDULE, tick

    queue = queued_app.extensions["rq"]
    now = datetime(2026, 11, 23, 10, 20, tzinfo=UTC)
    first = tick(queue, now)
    second = tick(queue, now + timedelta(minutes=30))  # a second scheduler, same hour
    third = tick(queue, now + timedelta(hours=1))
    sweep, daily, digests, expired, places, hooks = (entry.name for entry in SCHEDULE)
    assert first == [f"{sweep}-20261123T1000", f"{daily}-20261123T0000",
                     f"{digests}-20261123T1015", f"{expired}-20261123T1000",
                     f"{places}-20261123T1000", f"{hooks}-20261123T1020"]
    # A quarter-hour slot of its own, and a minute's.
    assert second == [f"{digests}-20261123T1045", f"{hooks}-20261123T1050"]
    assert third == [f"{sweep}-20261123T1100", f"{digests}-20261123T1115",
                     f"{expired}-20261123T1100", f"{places}-20261123T1100",
                     f"{hooks}-20261123T1120"]
    assert sorted(queue.get_job_ids()) == sorted(first + second + third)


def test_the_hourly_housekeeping_sweeps_ended_sessions_and_old_form_tokens(app, make):
    from coordinator.models import FormSubmission, IdempotentRequest, LoginSession
    from coordinator.services import api_tokens
    from workers.sweep import sweep_expired_records

    member = make.member(make.partnership())
    user = member.user
    token, _ = api_tokens.create(member, "bot", ["read"], 30)
    old = utcnow() - timedelta(days=40)
    db.session.add_all([LoginSession(token="old", user_id=user.id, created_at=old,
                                     last_seen_at=old),
                        FormSubmission(token="t" * 32, user_id=user.id, created_at=old),
                        IdempotentRequest(token_id=token.id, key="old", fingerprint="f",
                                          created_at=old),
                        IdempotentRequest(token_id=token.id, key="new", fingerprint="f")])
    make.commit()
    with app.app_context():
        assert sweep_expired_records() == {"sessions": 1, "form_tokens": 1,
                                           "idempotency_keys": 1}


def test_scheduler_command_once(queued_app, redis_url):
    result = queued_app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert "enqueued: recompute-sweep-" in result.output
    again = queued_app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert "nothing new" in again.output
