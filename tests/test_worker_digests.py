"""Digests against a real Redis, a real `flask worker` and a real SMTP server (issue 6).

A worker killed in the middle of a send loses and duplicates nothing (an outbox):
the send jobs of a few members run in a real worker, and the one sending the first
digest is killed at a chosen moment:

- while rendering (row `rendering`): the retry renders and sends it, exactly once;
- during SMTP DATA, before the server accepted the message (row `submitting`): the retry
  turns the row `unknown` and sends nothing, so that member gets no digest, never two;
- during SMTP DATA, after the server took the message but before the client heard the
  250 (row `submitting`): the retry turns the row `unknown`; the member has exactly one.

Rows are claimed and committed `submitting` two at a time here (outbox.GROUP is larger):
the row grouped with the held one is left as it was, `rendering` (claimed again by the
retry and sent) or `submitting` (made `unknown` by the retry and not sent, as the held
one); the rows after them were never claimed before the kill.

"Killed" is either the work horse alone (SIGKILL; the worker sees it and reschedules the
job) or the whole worker, as on machine loss (SIGKILL to the worker's process group and to
the horse, which RQ puts in a group of its own); then the job stays in StartedJobRegistry
until a cleanup (run here instead of waiting ~90 s for the heartbeat)
re-enqueues it, and a second worker runs it.

Two *live* senders of one row deliver it once: `flask send-digests` during a worker's
send, and RQ's retry racing the planner's re-queue of a pending row. The claim's attempt
number fences them: only the latest claimant may move the row on to `submitting`.

Timing is controlled, never slept for: the SMTP server in this process holds DATA on an
event; rendering is held by `hooked_app`, the worker's FLASK_APP here, which wraps
`coordinator.services.digests.message.render_bodies` to record the horse's pid and wait while a hold
file exists. Digest retries wait 60 s (queue.DIGEST_RETRY_INTERVALS): the test moves the
rescheduled job's time to now in ScheduledJobRegistry instead of waiting.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import DigestDelivery
from coordinator.services import tasks as task_service
from tests.services import WorkerProcess, wait_until
from tests.smtp import Recorder, start_smtp

pytestmark = pytest.mark.redis

# A Monday: weekly digests (the default: UTC, 07:00) of 2026-W48 are due.
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
HOOK_DIR = "POLDER_TEST_DIGEST_HOOK_DIR"
GROUP = "POLDER_TEST_DIGEST_GROUP"  # rows a worker here claims per statement
FINAL = {"sent", "unknown", "skipped", "failed"}
MEMBERS = 5


def hooked_app():
    """The worker's app in these tests: `create_app()`, with rendering observable and
    holdable. Only the worker processes started here use it (FLASK_APP)."""
    from coordinator import create_app
    from coordinator.services.digests import message as digest_mail
    from coordinator.services.digests import outbox

    folder = Path(os.environ[HOOK_DIR])
    outbox.GROUP = int(os.environ.get(GROUP, outbox.GROUP))
    render = digest_mail.render_bodies

    def render_bodies(delivery, member, content, unsubscribe_url):
        with (folder / f"render-{delivery.id}").open("a") as pids:
            pids.write(f"{os.getpid()}\n")
        hold = folder / "hold"
        if hold.exists():
            try:  # only the first render to get here holds
                os.close(os.open(folder / "hold.taken", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                pass
            else:
                deadline = time.monotonic() + 60  # bounded: a lost test cannot hang it
                while hold.exists() and time.monotonic() < deadline:
                    time.sleep(0.02)
        return render(delivery, member, content, unsubscribe_url)

    digest_mail.render_bodies = render_bodies
    return create_app()


class HoldingRecorder(Recorder):
    """Records accepted messages; can hold the next DATA before or after accepting it."""

    def __init__(self):
        super().__init__()
        self.hold: str | None = None  # "before" or "after": where to hold the next DATA
        self.entered = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        where, self.hold = self.hold, None
        if where is None:
            return await super().handle_DATA(server, session, envelope)
        if where == "after":  # the server has the message; the client never hears so
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.entered.set()
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        return "250 Message accepted for delivery" if where == "after" else "451 Try later"


@pytest.fixture
def smtp():
    controller, recorder = start_smtp(HoldingRecorder())
    yield controller, recorder
    recorder.release.set()
    controller.stop()


@pytest.fixture
def queued_app(make_app, redis_url):
    return make_app(REDIS_URL=redis_url)


@pytest.fixture
def members(make):
    """Five members who each have a new task that fits them: five non-empty digests."""
    partnership = make.partnership(slug="delta")
    people = [make.member(partnership, email=f"d{n}@example.org", name=f"Delta {n}",
                          tags=("hydrology", "gis")) for n in range(MEMBERS)]
    for author in people[:2]:  # each author fits the other's task
        task_service.create_task(author, task_service.TaskInput(
            title=f"Survey by {author.user.name}", description="", tags=["hydrology"],
            capacity=4, due_on=None, effort_hours=None, join_policy="open",
            working_group_id=None), now=NOW - timedelta(days=1))
    make.commit()
    return {m.id: m.user.email for m in people}


def _rows() -> dict[int, DigestDelivery]:
    db.session.expire_all()
    return {row.id: row for row in db.session.scalars(select(DigestDelivery))}


def _received(recorder: HoldingRecorder) -> Counter:
    return Counter(message["To"].addresses[0].addr_spec for message in list(recorder.messages))


def _jobs_by_delivery(queue) -> dict[int, str]:
    """The queued send jobs: delivery id → the id of the job sending it."""
    from rq.job import Job

    return {delivery_id: job_id for job_id in queue.get_job_ids()
            for delivery_id in Job.fetch(job_id, connection=queue.connection).args[0]}


def _all_jobs(connection) -> dict[str, list[int]]:
    """Every job Redis holds, queued or not: job id → the delivery ids it sends."""
    from rq.job import Job

    ids = [key.decode().removeprefix("rq:job:") for key in connection.scan_iter("rq:job:*")]
    return {job.id: job.args[0] for job in Job.fetch_many(
        [i for i in ids if ":" not in i], connection=connection) if job is not None}


def _gone(pid: int) -> bool:
    """True once `pid` has exited (a zombie waiting for init to reap it counts)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _hold_point(where: str, hooks: Path, recorder: HoldingRecorder, group: int = 1):
    """Wait until the first send is held where asked; its (delivery id, horse pid)."""
    if where == "rendering":
        wait_until(lambda: (hooks / "hold.taken").exists(), what="a held render")
    else:
        wait_until(recorder.entered.is_set, what="the SMTP server to hold DATA")
    rendered = sorted(hooks.glob("render-*"), key=lambda p: int(p.name.split("-")[1]))
    # A render is held at the group's first row; DATA once the whole group is rendered.
    assert len(rendered) == (1 if where == "rendering" else group), rendered
    delivery_id = int(rendered[0].name.removeprefix("render-"))
    return delivery_id, int(rendered[0].read_text().split()[0])


@pytest.mark.parametrize(("where", "kill"), [
    ("rendering", "horse"),
    ("smtp-before-accept", "horse"),
    ("smtp-after-accept", "horse"),
    ("rendering", "worker"),
    ("smtp-after-accept", "worker"),
])
def test_a_worker_killed_mid_send_loses_and_duplicates_nothing(
        queued_app, _schema, redis_url, smtp, members, tmp_path, where, kill):
    from rq.job import Job, JobStatus
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
    from rq.scheduler import RQScheduler

    from workers.digests import plan_digests

    controller, recorder = smtp
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    if where == "rendering":
        (hooks / "hold").write_text("hold")
    else:
        recorder.hold = where.removeprefix("smtp-").removesuffix("-accept")
    env = {"FLASK_APP": "tests.test_worker_digests:hooked_app", HOOK_DIR: str(hooks),
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(controller.port), GROUP: "2"}
    queue = queued_app.extensions["rq"]
    connection = queue.connection

    with queued_app.app_context():
        assert plan_digests(NOW.isoformat()) == {"member": MEMBERS}
    jobs = _jobs_by_delivery(queue)
    (job_rows,) = [Job.fetch(job_id, connection=connection).args[0]
                   for job_id in set(jobs.values())]
    assert sorted(jobs) == sorted(_rows())
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
    workers = [WorkerProcess(_schema, redis_url, tmp_path / "first", **env)]
    try:
        held, horse = _hold_point(where, hooks, recorder, group=2)
        job_id = jobs[held]
        expected_state = "rendering" if where == "rendering" else "submitting"
        assert _rows()[held].status == expected_state
        scheduled = ScheduledJobRegistry(queue=queue)

        if kill == "horse":
            os.kill(horse, signal.SIGKILL)
            # The worker reaps the horse and reschedules the job (Retry, 60 s).
            wait_until(lambda: job_id in scheduled.get_job_ids(), what="the retry")
        else:
            # Machine loss: the worker, its scheduler and the horse (which RQ puts in a
            # process group of its own, so killpg on the worker's group misses it).
            first = workers[0].process
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            os.kill(horse, signal.SIGKILL)
            wait_until(lambda: _gone(horse), what="the horse to die")
            started = StartedJobRegistry(queue=queue)
            assert job_id in started.get_job_ids(cleanup=False)
            # What another worker's maintenance does once the heartbeat (~90 s) is over.
            started.cleanup(timestamp=time.time() + 10_000)
            assert job_id in scheduled.get_job_ids()
            # The dead scheduler's lock would expire in 61 s; the new worker's takes over.
            connection.delete(RQScheduler.get_locking_key(queue.name))
        # The held SMTP session or render may now go on: its client is dead.
        recorder.release.set()
        (hooks / "hold").unlink(missing_ok=True)
        assert Job.fetch(job_id, connection=connection).retries_left == 2
        scheduled.schedule(Job.fetch(job_id, connection=connection), datetime.now(UTC))
        if kill == "worker":
            workers.append(WorkerProcess(_schema, redis_url, tmp_path / "second", **env))

        def settled():
            rows = _rows()
            return (all(row.status in FINAL for row in rows.values())
                    and Job.fetch(job_id, connection=connection).get_status()
                    == JobStatus.FINISHED and rows)

        rows = wait_until(settled, what="every digest to be handled")
        output = "\n".join(worker.output() for worker in workers)
    finally:
        for worker in workers:
            worker.stop()

    received = _received(recorder)
    held_email = members[rows[held].membership_id]
    assert set(received) <= set(members.values())
    assert max(received.values()) == 1, (received, output)  # nobody got two
    assert held == job_rows[0]  # the first row of the job's first group of two
    mate = rows[job_rows[1]]
    if where == "rendering":  # left rendering: claimed again by the retry, and sent
        assert (mate.status, mate.attempts) == ("sent", 2), mate.last_error
        assert received[members[mate.membership_id]] == 1
    else:  # committed `submitting` with the held one: in doubt, so never sent
        assert (mate.status, mate.attempts) == ("unknown", 1), mate.last_error
        assert received[members[mate.membership_id]] == 0
    for row in rows.values():
        if row.id in job_rows[:2]:
            continue
        assert (row.status, row.attempts) == ("sent", 1), (row.id, row.last_error)
        assert received[members[row.membership_id]] == 1
    job = Job.fetch(job_id, connection=connection)
    assert job.retries_left == 2
    if where == "rendering":
        # Redone from scratch by the retry, and sent once.
        assert (rows[held].status, rows[held].attempts) == ("sent", 2), rows[held].last_error
        assert received[held_email] == 1
        assert job.return_value() == {"sent": MEMBERS}
    else:
        # The server may have the message: never again, and admins see it as unknown.
        assert (rows[held].status, rows[held].attempts) == ("unknown", 1)
        assert "not sent again" in rows[held].last_error
        assert rows[held].sent_at is None and rows[held].submitted_at is not None
        assert received[held_email] == (1 if where == "smtp-after-accept" else 0)
        assert job.return_value() == {"unknown": 2, "sent": MEMBERS - 2}
        # Only the first horse rendered it: the retry did not build a second message.
        assert len((hooks / f"render-{held}").read_text().split()) == 1
    message_ids = [message["Message-ID"] for message in recorder.messages]
    assert len(message_ids) == len(set(message_ids))
    assert FailedJobRegistry(queue=queue).get_job_ids() == []
    assert queue.get_job_ids() == []
    if kill == "horse":
        assert "Work-horse terminated unexpectedly" in output


def test_send_digests_command_during_a_worker_send_does_not_send_twice(
        make_app, _schema, redis_url, smtp, members, tmp_path):
    from rq.job import Job, JobStatus

    from workers.digests import plan_digests

    controller, recorder = smtp
    app = make_app(REDIS_URL=redis_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "hold").write_text("hold")
    (tmp_path / "worker").mkdir()
    with app.app_context():
        assert plan_digests(NOW.isoformat()) == {"member": MEMBERS}
    jobs = _jobs_by_delivery(app.extensions["rq"])
    worker = WorkerProcess(_schema, redis_url, tmp_path / "worker",
                           FLASK_APP="tests.test_worker_digests:hooked_app",
                           **{HOOK_DIR: str(hooks)}, MAIL_SERVER="127.0.0.1",
                           MAIL_PORT=str(controller.port))
    try:
        held, _ = _hold_point("rendering", hooks, recorder)
        assert _rows()[held].status == "rendering"
        # An operator runs the command while the worker is rendering digest `held`.
        with app.app_context():  # the command's app, not the one the fixtures pushed
            result = app.test_cli_runner().invoke(
                args=["send-digests", "--now", NOW.isoformat()])
        assert result.exit_code == 0, result.output
        assert "member: sent 5" in result.output
        (hooks / "hold").unlink()
        connection = app.extensions["rq"].connection
        wait_until(lambda: all(
            Job.fetch(job_id, connection=connection).get_status() == JobStatus.FINISHED
            for job_id in jobs.values()), what="the worker's jobs")
    finally:
        worker.stop()
    rows = _rows()
    assert {row.status for row in rows.values()} == {"sent"}
    received = _received(recorder)
    assert set(received) == set(members.values())
    assert received[members[rows[held].membership_id]] == 1, received  # fails: 2


def test_a_retry_and_a_requeue_of_one_row_on_two_workers_send_it_once(
        queued_app, _schema, redis_url, smtp, members, tmp_path):
    from rq.job import Job, JobStatus
    from rq.registry import ScheduledJobRegistry

    from workers.digests import plan_digests

    controller, recorder = smtp
    recorder.replies = ["451 4.3.0 Try again later"]  # the first digest, once
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    env = {"FLASK_APP": "tests.test_worker_digests:hooked_app", HOOK_DIR: str(hooks),
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(controller.port)}
    queue = queued_app.extensions["rq"]
    connection = queue.connection
    scheduled = ScheduledJobRegistry(queue=queue)
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
    with queued_app.app_context():
        plan_digests(NOW.isoformat())
    first_jobs = _jobs_by_delivery(queue)
    workers = [WorkerProcess(_schema, redis_url, tmp_path / "first", **env)]
    try:
        rows = wait_until(lambda: (lambda rows: rows if sum(
            row.status == "sent" for row in rows.values()) == MEMBERS - 1 else None)(_rows()),
            what="all but the refused digest to be sent")
        (refused,) = [row for row in rows.values() if row.status == "pending"]
        retry = first_jobs[refused.id]
        wait_until(lambda: retry in scheduled.get_job_ids(), what="RQ's retry")
        # The next tick: the row is pending, so it is queued again, under a new job id.
        for rendered in hooks.glob("render-*"):
            rendered.unlink()
        (hooks / "hold").write_text("hold")
        with queued_app.app_context():
            plan_digests((NOW + timedelta(minutes=15)).isoformat())
        held, _ = _hold_point("rendering", hooks, recorder)
        assert held == refused.id and _rows()[held].status == "rendering"
        (requeued,) = [job_id for job_id, deliveries in _all_jobs(connection).items()
                       if held in deliveries and job_id != retry]
        # RQ's retry falls due while the first worker renders the requeued job.
        workers.append(WorkerProcess(_schema, redis_url, tmp_path / "second", **env))
        scheduled.schedule(Job.fetch(retry, connection=connection), datetime.now(UTC))
        wait_until(lambda: Job.fetch(retry, connection=connection).get_status()
                   == JobStatus.FINISHED, what="the retry on the second worker")
        (hooks / "hold").unlink()
        wait_until(lambda: Job.fetch(requeued, connection=connection).get_status()
                   == JobStatus.FINISHED, what="the requeued job on the first worker")
    finally:
        for worker in workers:
            worker.stop()
    received = _received(recorder)
    assert set(received) == set(members.values())
    assert received[members[refused.membership_id]] == 1, received  # fails: 2


def test_the_planner_queues_batches_of_one_partnership_and_a_tick_later_nothing_new(
        queued_app, members, make, monkeypatch):
    from rq.job import Job

    import coordinator.services.digests.outbox as outbox
    import workers.digests as digests

    other = make.partnership(slug="estuary")
    for n in range(2):
        make.member(other, email=f"e{n}@example.org", name=f"Estuary {n}")
    make.commit()
    monkeypatch.setattr(outbox, "JOB_ROWS", 2)
    queue = queued_app.extensions["rq"]

    with queued_app.app_context():
        assert digests.plan_digests(NOW.isoformat()) == {"member": MEMBERS + 2}
    batches = [Job.fetch(job_id, connection=queue.connection).args[0]
               for job_id in queue.get_job_ids()]
    partnership_of = {row.id: row.partnership_id for row in _rows().values()}
    assert sorted(i for batch in batches for i in batch) == sorted(partnership_of)
    assert all(len(batch) <= 2 for batch in batches)
    assert all(len({partnership_of[i] for i in batch}) == 1 for batch in batches)
    assert len(batches) == 3 + 1  # five rows of delta in 2 + 2 + 1, two of estuary in one

    # The next tick, before any worker ran: the same rows at the same attempts coalesce.
    with queued_app.app_context():
        assert digests.plan_digests((NOW + timedelta(minutes=15)).isoformat()) == {}
    assert len(queue.get_job_ids()) == len(batches)
