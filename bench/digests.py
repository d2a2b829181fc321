"""Time planning, rendering and delivering every email digest of a big partnership.

    python bench/digests.py [--members 10000] [--database sqlite|postgresql]
                            [--senders N] [--batch N [N ...]] [--profile]

Seeds a fresh database with Core executemany (not timed; SQLite in a temporary file, or
PostgreSQL in a throwaway `polder_digests_bench` database on the server of $DATABASE_URL
when that is PostgreSQL, else the local test server; dropped at the end): members with
3-5 tags from planted knowledge groups and a knowledge-map snapshot (one cluster per
group), members/2 tasks with teams (a tenth of them new this week), due dates (some in
the coming week), a week of activity (joins, leaves, comments, completions, pending join
requests) on top of three months of older events, digest preferences (most members on
the default weekly 07:00 UTC; some daily, some off, seven time zones, 06:00-08:00), last
period's digests already sent for most members, and open balance alerts for the
coordinators' digest.

Then, in a child process (so its peak RSS is the run's own: /proc VmHWM, since Linux
carries getrusage's ru_maxrss across exec from the seeding parent), against an aiosmtpd
sink in this process on 127.0.0.1 that only counts: `plan(now)` plus its commit, then
the planned rows in jobs of `outbox.JOB_ROWS`, each sent as one planner job sends it
(`send_batch` with a fresh `Batch`: the partnership's shared data read once per job, one
SMTP connection per job). The jobs go to `--senders` processes at once, as to that many
`flask worker`s (default: one per core; with 1, or --profile, they are sent in the child
itself). The senders go through the rows `--batch` rows at a time (`outbox.GROUP`): one
run per value, each on a freshly seeded database; by default 1 (a claim and a commit per
state for every row, the cost the outbox had before its groups) and then `outbox.GROUP`,
so the old and new figures come from the same machine at the same time.

Prints, per run, the counts, the time per stage (content selection, rendering, SMTP
delivery, the outbox's bookkeeping: claims, status writes and commits, each timed where
the code does it; with several senders, their busy time summed) and each stage's share
of the senders' busy time, messages per second, the 1-minute load average during the
run, the peak RSS and whether the total meets the target: ≤ 60 s at 10,000 members with
2 senders. Then the runs side by side, with what the code before the groups did here.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seeding  # noqa: E402  (needs the project root on sys.path)
from bench.planted import PlantedPeople  # noqa: E402

PG_NAME = "polder_digests_bench"
# A Monday evening: every weekly digest (07:00 local on Monday) and every daily one of
# today is due in all the zones below, as after a day of planner ticks that never ran.
NOW = datetime(2026, 11, 23, 20, tzinfo=UTC)
TARGET_S, TARGET_AT = 60.0, 10_000

ZONES = ("UTC", "Europe/Amsterdam", "Europe/London", "America/New_York",
         "America/Los_Angeles", "America/Sao_Paulo", "Africa/Nairobi")
STATUSES = ("open", "active", "done", "cancelled")
STATUS_CUM = (0.25, 0.75, 0.95, 1.0)
ALERT_KINDS = ("alignophilia_team", "joinholism_team", "power_decision_voice")
WEEK = timedelta(days=7)


# Seeding ------------------------------------------------------------------------------


class World(PlantedPeople):
    """The synthetic partnership: planted people, and what linking rows needs."""

    def __init__(self, n: int, seed: int = 17) -> None:
        super().__init__(n, seed)
        self.n_orgs = max(10, n // 100)
        self.counts: Counter = Counter()

    def someone(self, group: int, exclude) -> int | None:
        pool = self.by_group[group] if self.rnd.random() < 0.5 else range(1, self.n + 1)
        for _ in range(20):
            member = pool[self.rnd.randrange(len(pool))]
            if member not in exclude:
                return member
        return None


def put(world: World, model, rows) -> None:
    seeding.put(world.counts, model, rows)


def seed(url: str, n: int) -> tuple[float, dict[str, int]]:
    from sqlalchemy import text

    from config import TestConfig
    from coordinator import create_app
    from coordinator.extensions import db

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, LOG_LEVEL="WARNING")
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        world = World(n)
        _people(world)
        _snapshot(world)
        tasks = _tasks(world)
        _activity(world, tasks)
        _preferences(world)
        _alerts(world, tasks)
        if db.session.get_bind().dialect.name == "postgresql":
            for table in ("partnerships", "organisations", "users", "memberships", "tags",
                          "tasks", "participations", "cluster_snapshots", "clusters",
                          "events", "comments", "join_requests", "digest_deliveries",
                          "alerts"):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', "
                                        f"'id'), GREATEST(MAX(id), 1)) FROM {table}"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("VACUUM ANALYZE"))
            else:
                conn.execute(text("ANALYZE"))
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - started, dict(world.counts)


def _people(w: World) -> None:
    from coordinator.models import Partnership

    joined = NOW - timedelta(days=700)
    put(w, Partnership, [{"id": 1, "slug": "bench", "name": "Bench partnership",
                          "description": "", "created_at": joined}])
    for model, rows in w.people_rows(joined):
        put(w, model, rows)


def _snapshot(w: World) -> None:
    from coordinator.models import Cluster, ClusterAssignment, ClusterSnapshot

    put(w, ClusterSnapshot, [{"id": 1, "partnership_id": 1, "created_at": NOW - WEEK / 7,
                              "data_version": None, "params": {"method": "planted"},
                              "quality": {"clusters": w.k}}])
    put(w, Cluster, ({"id": g + 1, "snapshot_id": 1, "partnership_id": 1, "stable_id": g + 1,
                      "label": ", ".join(f"topic{g}-tag{i}" for i in range(3)),
                      "size": len(w.by_group[g]),
                      "top_tags": [f"topic{g}-tag{i}" for i in range(5)],
                      "x": float(g), "y": 0.0, "r": 1.0} for g in range(w.k)))
    put(w, ClusterAssignment, ({"snapshot_id": 1, "membership_id": m,
                                "cluster_id": None if w.rnd.random() < 0.03 else w.group[m] + 1,
                                "neighbours": []} for m in range(1, w.n + 1)))


def _tasks(w: World) -> list[dict]:
    """members/2 tasks over 200 days, a tenth of them new this week, with teams."""
    from coordinator.models import Participation, Task, task_tags

    rnd, tasks = w.rnd, []
    for task_id in range(1, w.n // 2 + 1):
        new = rnd.random() < 0.1
        start = (w.at(NOW - WEEK, NOW - timedelta(hours=1)) if new
                 else NOW - timedelta(seconds=rnd.randint(8 * 86400, 200 * 86400)))
        status = STATUSES[bisect.bisect(STATUS_CUM, rnd.random())]
        if new and status in ("done", "cancelled"):
            status = "active"
        initiator = rnd.randint(1, w.n)
        topic = w.group[initiator]
        team = [initiator]
        wanted = {"open": 0, "active": rnd.randint(1, 5), "done": rnd.randint(1, 5),
                  "cancelled": rnd.randint(0, 3)}[status]
        for _ in range(wanted):
            member = w.someone(topic, team)
            if member is not None:
                team.append(member)
        if status == "active" and len(team) == 1:
            status = "open"
        tags = {w.own_tag(topic) if rnd.random() < 0.8 else w.common_tag()
                for _ in range(rnd.randint(1, 3))}
        end = NOW if status in ("open", "active") else w.at(start + timedelta(hours=12), NOW)
        due = None
        if status in ("open", "active") and rnd.random() < 0.5:
            due = (NOW + timedelta(days=rnd.randint(-10, 40))).date()
        tasks.append({"id": task_id, "start": start, "end": end, "status": status,
                      "team": team, "tags": sorted(tags), "due": due,
                      "joined": [start] + [w.at(start, end) for _ in team[1:]],
                      "policy": "approval" if rnd.random() < 0.2 else "open"})
    put(w, Task, ({
        "id": t["id"], "partnership_id": 1, "initiator_id": t["team"][0],
        "working_group_id": None, "title": f"Task {t['id']}: survey the {t['id'] % 7}th reach",
        "description": "", "description_html": "",
        "capacity": max(1, len(t["team"]) - 1 + w.rnd.randint(0, 3)
                        + (t["status"] == "open")),
        "filled": len(t["team"]) - 1, "due_on": t["due"], "effort_hours": None,
        "join_policy": t["policy"], "is_decision": False, "status": t["status"],
        "outcome": "", "created_at": t["start"], "updated_at": t["end"],
        "completed_at": t["end"] if t["status"] == "done" else None} for t in tasks))
    put(w, task_tags, ({"task_id": t["id"], "tag_id": tag} for t in tasks for tag in t["tags"]))
    put(w, Participation, ({"task_id": t["id"], "membership_id": member,
                            "role": "initiator" if i == 0 else "contributor", "note": "",
                            "joined_at": t["joined"][i]}
                           for t in tasks for i, member in enumerate(t["team"])))
    return tasks


def _event(kind: str, member: int, task_id: int, at: datetime) -> dict:
    return {"partnership_id": 1, "kind": kind, "actor_id": member, "subject_id": member,
            "task_id": task_id, "working_group_id": None, "data": {}, "occurred_at": at}


def _activity(w: World, tasks: list[dict]) -> None:
    """Task events (creation, joins, completions), leaves and comments; the last week busy,
    three months of older comments underneath; pending join requests on approval tasks."""
    from coordinator.models import Comment, Event, JoinRequest

    rnd, events, comments, requests = w.rnd, [], [], []
    for t in tasks:
        events.append(_event("task_created", t["team"][0], t["id"], t["start"]))
        events.extend(_event("joined", m, t["id"], at)
                      for m, at in zip(t["team"][1:], t["joined"][1:], strict=True))
        if t["status"] in ("done", "cancelled"):
            kind = "task_completed" if t["status"] == "done" else "task_cancelled"
            events.append(_event(kind, t["team"][0], t["id"], t["end"]))
    live = [t for t in tasks if t["status"] in ("open", "active") and len(t["team"]) > 1]
    for _ in range(w.n // 10):  # people who joined and left again this week
        t = live[rnd.randrange(len(live))]
        member = w.someone(w.group[t["team"][0]], t["team"])
        if member is not None:
            joined = w.at(NOW - WEEK, NOW - timedelta(hours=2))
            events.append(_event("joined", member, t["id"], joined))
            events.append(_event("left", member, t["id"], w.at(joined, NOW)))
    for comment_id in range(1, 4 * w.n + 1):  # a quarter of them this week
        t = live[rnd.randrange(len(live))]
        member = t["team"][rnd.randrange(len(t["team"]))]
        at = (w.at(NOW - WEEK, NOW) if comment_id % 4 == 0
              else w.at(max(t["start"], NOW - timedelta(days=90)), NOW - WEEK))
        comments.append({"id": comment_id, "task_id": t["id"], "membership_id": member,
                         "body": "Agreed, see the notes.",
                         "body_html": "<p>Agreed, see the notes.</p>", "created_at": at})
        events.append(_event("commented", member, t["id"], at))
    approval = [t for t in live if t["policy"] == "approval"]
    for _ in range(w.n // 20):
        t = approval[rnd.randrange(len(approval))]
        member = w.someone(w.group[t["team"][0]], t["team"])
        if member is not None:
            requests.append({"task_id": t["id"], "membership_id": member, "note": "",
                             "status": "pending", "reason": "",
                             "created_at": w.at(NOW - WEEK, NOW), "decided_at": None,
                             "decided_by_id": None})
    put(w, Event, events)
    put(w, Comment, comments)
    put(w, JoinRequest, requests)


def _preferences(w: World) -> None:
    """Most members on the defaults (no row); the rest choose. Last period was sent."""
    from coordinator.domain.digests.periods import period_key, send_moment
    from coordinator.models import DigestDelivery, DigestPreference

    rnd, prefs, history = w.rnd, [], []
    for m in range(1, w.n + 1):
        r = rnd.random()
        if r < 0.7:
            frequency, zone, hour = "weekly", "UTC", 7
        else:
            frequency = "daily" if r < 0.85 else "off" if r < 0.9 else "weekly"
            zone, hour = rnd.choice(ZONES), rnd.choice((6, 7, 8))
            prefs.append({"membership_id": m, "frequency": frequency, "timezone": zone,
                          "send_hour": hour, "fit_tasks": True, "bridge_tasks": rnd.random() > 0.1,
                          "task_news": True, "due_dates": True, "alerts": True,
                          "updated_at": NOW - timedelta(days=60)})
        kinds = [] if frequency == "off" else [("member", frequency)]
        if m % 1000 == 1:
            kinds.append(("coordinator", frequency if frequency != "off" else "weekly"))
        for kind, how_often in kinds:
            if rnd.random() < 0.2:  # newer members: their first digest is this one
                continue
            key = period_key(how_often, NOW - (WEEK if how_often == "weekly" else WEEK / 7),
                             zone)
            due = send_moment(how_often, key, zone, hour)
            history.append({
                "partnership_id": 1, "membership_id": m, "kind": kind, "frequency": how_often,
                "period_key": key, "due_at": due, "status": "sent", "attempts": 1,
                "created_at": due, "submitted_at": due, "sent_at": due,
                "message_id": f"<digest-{m}-{kind}-{key}@bench.example>", "last_error": "",
                "summary": {}})
    put(w, DigestPreference, prefs)
    put(w, DigestDelivery, history)


def _alerts(w: World, tasks: list[dict]) -> None:
    from coordinator.models import SEVERITY_RANK, Alert

    rnd = w.rnd
    live = [t for t in tasks if t["status"] == "active"]
    rows = []
    for a, t in enumerate(rnd.sample(live, min(15, len(live))), start=1):
        severity = ("low", "medium", "high")[a % 3]
        opened = w.at(NOW - timedelta(days=30), NOW) if a % 2 else w.at(NOW - WEEK, NOW)
        rows.append({"id": a, "partnership_id": 1, "kind": ALERT_KINDS[a % 3],
                     "scope_type": "task", "scope_id": t["id"],
                     "scope_label": f"Task {t['id']}", "severity": severity,
                     "severity_rank": SEVERITY_RANK[severity], "status": "open",
                     "active": True, "snoozed_until": None, "values": {}, "thresholds": {},
                     "window_start": NOW - timedelta(days=90), "window_end": NOW,
                     "member_ids": t["team"], "task_ids": [t["id"]], "cluster_ids": [],
                     "pattern": "The team holds one knowledge cluster.", "advice": "",
                     "suggestions": [], "opened_at": opened, "evaluated_at": NOW,
                     "changed_at": opened, "resolved_at": None})
    put(w, Alert, rows)


# Measuring (in the child process) -----------------------------------------------------


def _instrument(stages: Counter, batch: int) -> None:
    """Time each stage wherever the sending code calls it, into `stages`; claim `batch`
    rows per statement."""
    import smtplib

    import coordinator.services.digests.outbox as digests
    from coordinator.services.digests import rows
    from coordinator.services.digests.pages import Page

    digests.GROUP = batch
    inside: Counter = Counter()

    def timed(name: str, function):
        def wrapper(*args, **kwargs):
            if inside[name]:  # called by another timed function of the same stage
                return function(*args, **kwargs)
            inside[name] += 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                stages[name] += time.perf_counter() - started
                inside[name] -= 1
        return wrapper

    # send_batch() looks build_digest up in its module when called; a Page reads what its
    # rows' digests need and selects each one's content, so both count as selection.
    digests.build_digest = timed("render", digests.build_digest)
    for name in ("__init__", "content"):
        setattr(Page, name, timed("select", getattr(Page, name)))
    # SMTP time wherever the sending code opens, uses and closes its connection:
    # connecting (with EHLO on first use), send_message, NOOP and QUIT.
    for name in ("__init__", "send_message", "noop", "quit"):
        setattr(smtplib.SMTP, name, timed("deliver", getattr(smtplib.SMTP, name)))
    # The outbox's own bookkeeping: every claim, status write and commit of the sender
    # happens in these (the outbox calls them through the module).
    for name in ("claim", "release", "submit", "still_mine", "settle", "not_claimed"):
        setattr(rows, name, timed("bookkeeping", getattr(rows, name)))


def _app(url: str, port: int):
    from config import TestConfig
    from coordinator import create_app

    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, LOG_LEVEL="WARNING",
                      MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                      MAIL_FROM="Polder <digests@polder.example>",
                      BASE_URL="https://polder.example")


def _send_one_batch(batch: list[int]) -> dict[int, str]:
    """What one planner job does: its rows, a fresh `Batch` (the partnership's shared
    data read once), one SMTP connection."""
    from coordinator.services.digests.batch import Batch
    from coordinator.services.digests.outbox import send_batch

    with Batch() as shared:
        outcomes = send_batch(batch, NOW, shared)
    return {delivery_id: outcome.status for delivery_id, outcome in outcomes.items()}


# A sender process stands for one `flask worker` taking the planner's jobs.
_SENDER: dict = {}


def _sender_start(url: str, port: int, batch: int) -> None:
    stages: Counter = Counter()
    _instrument(stages, batch)
    context = _app(url, port).app_context()
    context.push()
    _SENDER.update(stages=stages, context=context)


def _sender_batch(batch: list[int]) -> tuple[dict[int, str], dict[str, float], float]:
    before = Counter(_SENDER["stages"])
    statuses = _send_one_batch(batch)
    spent = Counter(_SENDER["stages"])
    spent.subtract(before)
    return statuses, dict(spent), _vm_mb("VmHWM")


def run(url: str, port: int, profile: bool, senders: int, batch: int) -> dict:
    """plan(NOW) + commit, then send every planned row in jobs of JOB_ROWS, here or in
    `senders` processes at once, claiming `batch` rows at a time; the time of each stage."""
    import multiprocessing
    import resource

    from sqlalchemy import select

    import coordinator.services.digests.outbox as digests
    from coordinator.extensions import db
    from coordinator.models import DigestDelivery
    from coordinator.services.digests.planner import plan

    stages: Counter = Counter()
    _instrument(stages, batch)
    app = _app(url, port)
    profiler = None
    if profile:
        import cProfile
        profiler = cProfile.Profile()
    sender_peaks = []
    with app.app_context():
        db.session.execute(select(1))  # connect before the clock starts
        base_mb = _vm_mb("VmRSS")
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        planned = plan(NOW)
        db.session.commit()
        planned_at = time.perf_counter()
        kinds = dict(db.session.execute(select(DigestDelivery.id, DigestDelivery.kind).where(
            DigestDelivery.id.in_(planned.ids))).all()) if planned.ids else {}
        db.session.commit()
        listed_at = time.perf_counter()
        outcomes: Counter = Counter()
        jobs = [planned.ids[start:start + digests.JOB_ROWS]
                for start in range(0, len(planned.ids), digests.JOB_ROWS)]
        if senders == 1:
            for job in jobs:
                for delivery_id, status in _send_one_batch(job).items():
                    outcomes[f"{kinds[delivery_id]} {status}"] += 1
        else:
            spawn = multiprocessing.get_context("spawn")
            with spawn.Pool(senders, initializer=_sender_start,
                            initargs=(url, port, batch)) as pool:
                for statuses, spent, peak in pool.imap_unordered(_sender_batch, jobs):
                    stages.update(spent)
                    sender_peaks.append(peak)
                    for delivery_id, status in statuses.items():
                        outcomes[f"{kinds[delivery_id]} {status}"] += 1
        ended = time.perf_counter()
        if profiler:
            profiler.disable()
            _print_profile(profiler)
        peak_mb = _vm_mb("VmHWM")
        maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        db.session.remove()
        db.engine.dispose()
    send_s = ended - listed_at
    # With several senders the stages add up their time in every process: shares of the
    # work, not of the wall-clock send stage.
    busy_s = send_s * senders
    measured = sum(stages[name] for name in ("select", "render", "deliver", "bookkeeping"))
    return {"planned": dict(planned.planned), "outcomes": dict(outcomes),
            "plan_s": planned_at - started, "list_s": listed_at - planned_at,
            "send_s": send_s, "total_s": ended - started, "senders": senders,
            "batch": batch, "select_s": stages["select"], "render_s": stages["render"],
            "deliver_s": stages["deliver"], "bookkeeping_s": stages["bookkeeping"],
            "other_s": busy_s - measured,
            "base_mb": base_mb, "peak_mb": peak_mb, "maxrss_mb": maxrss_mb,
            "sender_peak_mb": max(sender_peaks, default=0.0),
            "parent_mb": float(os.environ.get("BENCH_PARENT_RSS_MB", "0"))}


def _vm_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, from /proc, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _print_profile(profiler) -> None:
    import io
    import pstats

    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(15)
        lines = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print(f"cProfile, top 15 by {order}:")
        print("\n".join(line for line in lines[start:] if line.strip()))


# The SMTP sink (in this process, so it neither shares the child's CPU time nor its RSS)


MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Sink:
    """Accepts everything and counts; Message-IDs (one per member, list and period) are
    kept to spot a digest delivered twice."""

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0
        self.recipients: set[str] = set()
        self.message_ids: Counter = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.content)
        with self.lock:
            self.messages += 1
            self.bytes += len(envelope.content)
            self.recipients.update(envelope.rcpt_tos)
            self.message_ids[found.group(1) if found else b""] += 1
        return "250 Message accepted for delivery"


def start_sink():
    import logging

    from aiosmtpd.controller import Controller

    from tests.smtp import free_port

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, sink


# Orchestration ------------------------------------------------------------------------


# What the original code did on this machine (commit 77d8cbb, a claim, a preference read
# and three commits per message), with `--members 10000 --senders 2`; the outbox's own
# time was then what the other stages left of the senders' busy time.
MEASURED_BEFORE = {
    "sqlite": "measured before this change, 2026-12-03 (commit 77d8cbb), 1-minute load "
              "0.9 at the start: total 45.72 s, 207.5 messages/s; of 90.5 s busy: select "
              "14.26 s, render 13.00 s, SMTP 15.84 s, outbox bookkeeping and the rest 47.43 s",
    "postgresql": "measured before this change, 2026-12-03 (commit 77d8cbb), 1-minute load "
                  "1.7 at the start: total 63.11 s, 150.3 messages/s; of 124.6 s busy: "
                  "select 14.29 s, render 14.20 s, SMTP 20.71 s, outbox bookkeeping and the "
                  "rest 75.38 s",
}


class LoadWatch:
    """The 1-minute load average, read every second while a run goes on."""

    def __init__(self) -> None:
        self.samples = [os.getloadavg()[0]]
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self.done.wait(1.0):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join()
        self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict[str, float]:
        return {"start": self.samples[0], "end": self.samples[-1],
                "mean": sum(self.samples) / len(self.samples), "max": max(self.samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=TARGET_AT)
    parser.add_argument("--database", "--db", choices=["sqlite", "postgresql", "postgres"],
                        default="sqlite")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile top 15 of plan + send (slows it down)")
    parser.add_argument("--senders", type=int, default=os.cpu_count() or 1,
                        help="sending processes at once, as that many `flask worker`s "
                             "(default: one per core; --profile uses 1)")
    parser.add_argument("--batch", type=int, nargs="+", metavar="N",
                        help="rows claimed per statement, one run each on a fresh "
                             "database (default: 1, as before this change, then "
                             "outbox.GROUP)")
    parser.add_argument("--child", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    senders = 1 if args.profile else max(1, args.senders)
    if args.child:
        print(json.dumps(run(args.child[0], int(args.child[1]), args.profile, senders,
                             args.batch[0])))
        return
    from coordinator.services.digests.outbox import GROUP

    kind = "sqlite" if args.database == "sqlite" else "postgresql"
    n = args.members
    print(f"database: {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}; {n:,} members; "
          f"{senders} sender process{'es' if senders > 1 else ''}; "
          f"now = {NOW.isoformat()}; {os.cpu_count()} cores, 1-minute load "
          f"{os.getloadavg()[0]:.1f}{'; under cProfile (slower)' if args.profile else ''}")
    runs = []
    for batch in args.batch or [1, GROUP]:
        print(f"\n--- rows claimed per statement: {batch}"
              + (" (a claim and a commit per state for every row, as before this change)"
                 if batch == 1 else ""))
        figures, sink = _measure(kind, n, senders, batch, args.profile)
        _report(figures, sink, n)
        runs.append(figures)
    _compare(runs, kind, n)


def _measure(kind: str, n: int, senders: int, batch: int, profile: bool):
    """Seed a fresh database, then plan and send everything in a child process."""
    controller, sink = start_sink()
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = seeding.throwaway_database(kind, folder, PG_NAME)
            try:
                seeded, counts = seed(url, n)
                print(f"seeded in {seeded:.1f} s (not timed): " + ", ".join(
                    f"{name} {counts[name]:,}" for name in (
                        "memberships", "membership_tags", "tasks", "participations",
                        "events", "comments", "join_requests", "digest_preferences",
                        "digest_deliveries", "alerts") if name in counts))
                with LoadWatch() as load:
                    child = subprocess.run(
                        [sys.executable, __file__, "--child", url, str(controller.port),
                         "--senders", str(senders), "--batch", str(batch),
                         *(["--profile"] if profile else [])],
                        capture_output=True, text=True, cwd=ROOT,
                        env={**os.environ, "PYTHONWARNINGS": "ignore",
                             "BENCH_PARENT_RSS_MB": f"{_vm_mb('VmRSS'):.0f}"}, timeout=3600)
            finally:
                if kind == "postgresql":
                    seeding.drop_database(PG_NAME)
    finally:
        controller.stop()
    if child.returncode != 0:
        sys.exit(f"the run failed:\n{child.stderr[-4000:]}")
    lines = child.stdout.strip().splitlines()
    if lines[:-1]:
        print("\n".join(lines[:-1]))
    return {**json.loads(lines[-1]), "load": load.summary()}, sink


def _shares(f: dict) -> dict[str, float]:
    """Each stage's share of the senders' busy time (wall-clock send time × senders)."""
    busy = f["send_s"] * f["senders"] or 1.0
    return {name: f[f"{name}_s"] / busy
            for name in ("bookkeeping", "render", "deliver", "select", "other")}


def _compare(runs: list[dict], kind: str, n: int) -> None:
    """The runs side by side, and what the original code did here."""
    print(f"\n=== {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}, {n:,} members, "
          f"{runs[0]['senders']} senders: rows claimed per statement "
          + " | ".join(str(f["batch"]) for f in runs))
    rows = [("total, plan to last message (s)", lambda f: f"{f['total_s']:.1f}"),
            ("messages/second (over the total)", lambda f: f"{_sent(f) / f['total_s']:.1f}"),
            ("share of busy time: bookkeeping", lambda f: f"{_shares(f)['bookkeeping']:.0%}"),
            ("                    rendering", lambda f: f"{_shares(f)['render']:.0%}"),
            ("                    SMTP", lambda f: f"{_shares(f)['deliver']:.0%}"),
            ("                    content selection", lambda f: f"{_shares(f)['select']:.0%}"),
            ("                    other (CPU wait, idle)", lambda f: f"{_shares(f)['other']:.0%}"),
            ("bookkeeping per message (ms)",
             lambda f: f"{1000 * f['bookkeeping_s'] / max(1, _sent(f)):.2f}"),
            ("1-minute load: start/mean/max", lambda f: "{start:.1f}/{mean:.1f}/{max:.1f}"
             .format(**f["load"]))]
    for label, cell in rows:
        print(f"  {label:<40}" + " | ".join(f"{cell(f):>14}" for f in runs))
    if n == TARGET_AT and runs[0]["senders"] == 2:
        print(f"  {MEASURED_BEFORE[kind]}")


def _sent(f: dict) -> int:
    return sum(v for k, v in f["outcomes"].items() if k.endswith(" sent"))


def _report(f: dict, sink: Sink, n: int) -> None:
    outcomes = Counter(f["outcomes"])
    sent = _sent(f)
    skipped = sum(v for k, v in outcomes.items() if k.endswith(" skipped"))
    other = sum(outcomes.values()) - sent - skipped
    planned = sum(f["planned"].values())
    print(f"planned {planned:,} (" + ", ".join(f"{k} {v:,}" for k, v in
                                               sorted(f["planned"].items())) + ")"
          f"; sent {sent:,}; skipped {skipped:,} (nothing worth saying or unsubscribed)"
          f"; other {other:,}")
    print("by kind and outcome: " + ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items())))
    print(f"plan(now) + commit       {f['plan_s']:8.2f} s")
    print(f"list planned kinds       {f['list_s']:8.2f} s")
    many = f["senders"] > 1
    print(f"send {planned:,} rows          {f['send_s']:8.2f} s"
          + (f" with {f['senders']} senders at once; their busy time, summed:"
             if many else ", of which:"))
    shares = _shares(f)
    print(f"  select content         {f['select_s']:8.2f} s {shares['select']:4.0%}  "
          "(pages, partnership data, selection)")
    print(f"  render                 {f['render_s']:8.2f} s {shares['render']:4.0%}  "
          "(build_digest: templates, MIME)")
    print(f"  deliver over SMTP      {f['deliver_s']:8.2f} s {shares['deliver']:4.0%}  "
          "(connect, send, quit: one connection per batch)")
    print(f"  outbox bookkeeping     {f['bookkeeping_s']:8.2f} s {shares['bookkeeping']:4.0%}  "
          "(claims, status writes, commits)")
    print(f"  other                  {f['other_s']:8.2f} s {shares['other']:4.0%}  "
          "(the loop, waiting for a core, a sender idle at the end)")
    print(f"total                    {f['total_s']:8.2f} s")
    rate = sent / f["send_s"] if f["send_s"] else 0.0
    print(f"messages/second: {rate:.1f} sent over the send stage "
          f"({sent / f['total_s'] if f['total_s'] else 0.0:.1f} over the total)")
    print("1-minute load during the run: start {start:.1f}, mean {mean:.1f}, max {max:.1f}, "
          "end {end:.1f}".format(**f["load"]))
    print(f"peak RSS: {f['peak_mb']:.0f} MB (VmHWM of the child process that planned"
          + (f"; each sender process peaked at most at {f['sender_peak_mb']:.0f} MB)"
             if many else f" and sent; {f['base_mb']:.0f} MB after start-up and connecting)"))
    print(f"  (getrusage ru_maxrss: {f['maxrss_mb']:.0f} MB; Linux carries it over exec "
          f"from the spawning parent, {f['parent_mb']:.0f} MB RSS at spawn, so it can "
          f"overstate the child's own peak)")
    duplicates = sum(c - 1 for c in sink.message_ids.values() if c > 1)
    print(f"SMTP sink: {sink.messages:,} messages, {sink.bytes / 1e6:.1f} MB, "
          f"{len(sink.recipients):,} recipients, {len(sink.message_ids):,} distinct "
          f"Message-IDs, {duplicates} duplicates"
          f"{'' if sink.messages == sent else f' (MISMATCH: {sent:,} marked sent)'}")
    if n == TARGET_AT:
        met = f["total_s"] <= TARGET_S
        note = "" if f["senders"] == 2 else f"; this run had {f['senders']} sender(s)"
        print(f"target at {TARGET_AT:,} members with 2 senders: {f['total_s']:.1f} s "
              f"(≤ {TARGET_S:.0f} s: {'met' if met else 'MISSED'}{note})")


if __name__ == "__main__":
    main()
