"""Time one full balance evaluation (the alerts) on a big synthetic partnership.

    python bench/alerts.py [--members 10000 100000] [--database sqlite|postgresql] [--profile]

For each size: seed a fresh database with Core executemany (not timed; SQLite in a
temporary file, PostgreSQL in a throwaway `polder_alerts_bench` database on the server of
$DATABASE_URL when that is PostgreSQL, else the local test server; dropped at the end):
members with 3-5 tags from planted knowledge groups, a knowledge-map snapshot written
directly (one cluster per group), members/2 tasks with teams, working groups, join and
leave events over 180 days, 2 × members joint activities over 90 days with 2-8 attendees,
work logs, comments, join requests (declined, and accepted on approval tasks), due dates,
decision tasks and critical stakeholders (for the power indicators). A few patterns are
planted so alerts come out: homogeneous teams missing a required tag, meeting-heavy teams
with nothing completed, and one cluster that only works with itself (a silo).

Then, in a child process per size (so max RSS is that size's), time
`evaluate_partnership(partnership, now)` plus the commit, by stage (balance load, balance
measures, power load + measures, readings, alert writes). The first evaluation of a
partnership without readings also writes its 12 past weeks (a backfill, once); then the
same again on the same data (a repeat that changes nothing), and a week later (every
reading a new row, alerts opening and resolving): those two are a regular evaluation.
Each of the two runs --runs times (3), interleaved, on the data as the first left it; the
median counts. Target at 100,000 members: a regular evaluation ≤ 15 s and ≤ 2 GB, with
time growing no faster than members. --profile prints a cProfile top 10 of each evaluation.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seeding  # noqa: E402  (needs the project root on sys.path)
from bench.planted import (  # noqa: E402
    COMMON_TAGS,
    TAGS_PER_GROUP,
    PlantedPeople,
)

PG_NAME = "polder_alerts_bench"
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
PLANTED = 10  # teams of each planted pattern
# Issue 15: a regular evaluation at 100,000 members in 15 s, within 2 GB.
TARGET_S, TARGET_MB, TARGET_AT = 15.0, 2048.0, 100_000
# What evaluate_partnership calls, in order: function in services/evaluation → column.
STAGES = {"load_partnership": "load", "measure_teams": "teams", "measure_whole": "whole",
          "measure_power": "power",
          "record_evaluation": "readings", "apply_findings": "write"}

HOMOPHILY = 0.3  # chance a contributor comes from the initiator's knowledge group
UNCLUSTERED = 0.03  # members the snapshot left without a cluster
STATUSES = ("open", "active", "done", "cancelled")
STATUS_CUM = (0.25, 0.75, 0.95, 1.0)
KIND_CUM = (("meeting", 0.6, 30, 120), ("call", 0.9, 15, 60), ("workshop", 1.0, 90, 240))
HOURS = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)


# Seeding ----------------------------------------------------------------------------


class World(PlantedPeople):
    """The synthetic partnership: planted people, a silo, and what linking rows needs."""

    def __init__(self, n: int, seed: int = 11) -> None:
        super().__init__(n, seed)
        self.n_tasks, self.n_activities = n // 2, 2 * n
        self.n_logs, self.n_declined, self.n_comments = 4 * n, n // 20, n
        self.n_orgs, self.n_groups = max(10, n // 100), max(5, n // 2000)
        self.tasks: list[dict] = []  # id - 1 → {"team", "group", "end", "start", ...}
        self.members_of_group: dict[int, list[int]] = {}
        self.planted: dict[str, list[int]] = {}
        self.counts: dict[str, int] = {}

    def before_tags(self) -> None:
        self.silo = self.k - 1  # the smallest group works only with itself
        self.clustered = [False] + [self.rnd.random() >= UNCLUSTERED for _ in range(self.n)]
        self.open_world = [m for m in range(1, self.n + 1) if self.group[m] != self.silo]
        self.zipf_common = list(itertools.accumulate(1 / (i + 1) ** 1.1
                                                     for i in range(COMMON_TAGS)))

    def common_tag(self) -> int:
        index = bisect.bisect(self.zipf_common, self.rnd.random() * self.zipf_common[-1])
        return self.k * TAGS_PER_GROUP + min(index, COMMON_TAGS - 1) + 1

    def someone(self, group: int, exclude) -> int | None:
        """A member for a team: from `group` (always, for the silo) or anyone outside it."""
        rnd = self.rnd
        pool = (self.by_group[group] if group == self.silo or rnd.random() < HOMOPHILY
                else self.open_world)
        for _ in range(20 if pool else 0):  # a small world may leave a group empty
            member = pool[rnd.randrange(len(pool))]
            if member not in exclude:
                return member
        return None


def seed(url: str, n: int) -> tuple[float, dict[str, int], dict[str, list[int]]]:
    """Fill a fresh database (in this process; not timed against the target)."""
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
        _groups(world)
        _tasks(world)
        _activities(world)
        _work_logs(world)
        _comments(world)
        _requests(world)
        if db.session.get_bind().dialect.name == "postgresql":
            for table in ("partnerships", "organisations", "users", "memberships", "tags",
                          "working_groups", "tasks", "cluster_snapshots", "clusters",
                          "joint_activities", "work_logs", "join_requests", "events",
                          "comments"):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', "
                                        f"'id'), GREATEST(MAX(id), 1)) FROM {table}"))
        db.session.commit()
        _settle()
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - started, world.counts, world.planted


def put(world: World, model, rows) -> None:
    seeding.put(world.counts, model, rows)


def _settle() -> None:
    """Statistics and a checkpoint, as a database that has been in use would have them."""
    from sqlalchemy import text

    from coordinator.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("VACUUM ANALYZE"))
            conn.execute(text("CHECKPOINT"))
        else:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def _people(w: World) -> None:
    from coordinator.models import Partnership

    put(w, Partnership, [{"id": 1, "slug": "bench", "name": "Bench partnership",
                          "description": "", "created_at": NOW - timedelta(days=900),
                          "critical_sectors": ["civil_society"]}])
    for model, rows in w.people_rows(NOW - timedelta(days=700),
                                     critical=lambda org: org % 50 == 0):
        put(w, model, rows)


def _snapshot(w: World) -> None:
    """The latest knowledge map, as a recompute would leave it: group g is cluster g + 1."""
    from coordinator.models import Cluster, ClusterAssignment, ClusterSnapshot

    put(w, ClusterSnapshot, [{"id": 1, "partnership_id": 1, "created_at": NOW - timedelta(days=1),
                              "data_version": None, "params": {"method": "planted"},
                              "quality": {"clusters": w.k}}])
    put(w, Cluster, ({"id": g + 1, "snapshot_id": 1, "partnership_id": 1, "stable_id": g + 1,
                      "label": ", ".join(f"topic{g}-tag{i}" for i in range(3)),
                      "size": sum(w.clustered[m] for m in w.by_group[g]),
                      "top_tags": [f"topic{g}-tag{i}" for i in range(5)],
                      "x": float(g), "y": 0.0, "r": 1.0} for g in range(w.k)))
    put(w, ClusterAssignment, ({"snapshot_id": 1, "membership_id": m,
                                "cluster_id": w.group[m] + 1 if w.clustered[m] else None,
                                "neighbours": []} for m in range(1, w.n + 1)))


def _groups(w: World) -> None:
    """Working groups of 10-40 members around a theme, with joins and a few leaves."""
    from coordinator.models import Event, GroupMember, WorkingGroup

    rnd = w.rnd
    put(w, WorkingGroup, ({"id": g, "partnership_id": 1, "name": f"Working group {g}",
                           "description": "", "created_by_id": w.open_world[g],
                           "created_at": NOW - timedelta(days=400)}
                          for g in range(1, w.n_groups + 1)))
    members, events = [], []
    for g in range(1, w.n_groups + 1):
        theme = (g - 1) % (w.k - 1)
        chosen: set[int] = set()
        for _ in range(rnd.randint(10, 40)):
            member = w.someone(theme, chosen)
            if member is not None:
                chosen.add(member)
        w.members_of_group[g] = sorted(chosen)
        for member in sorted(chosen):
            at = w.at(NOW - timedelta(days=300), NOW - timedelta(days=1))
            members.append({"working_group_id": g, "membership_id": member, "joined_at": at})
            events.append(_event("group_joined", member, None, g, at))
        for _ in range(rnd.randint(0, 5)):  # former members
            member = w.someone(theme, chosen)
            if member is None:
                continue
            start = w.at(NOW - timedelta(days=300), NOW - timedelta(days=2))
            events.append(_event("group_joined", member, None, g, start))
            events.append(_event("group_left", member, None, g, w.at(start, NOW)))
    put(w, GroupMember, members)
    put(w, Event, events)


def _event(kind: str, member: int, task_id: int | None, group_id: int | None,
           at: datetime) -> dict:
    return {"partnership_id": 1, "kind": kind, "actor_id": member, "subject_id": member,
            "task_id": task_id, "working_group_id": group_id, "data": {}, "occurred_at": at}


def _tasks(w: World) -> None:
    from coordinator.models import Event, Participation, Task, task_tags

    plans = _planted_homogeneous(w)
    plans += _planted_meetings(w, len(plans) + 1)
    plans += [_random_task(w, i) for i in range(len(plans) + 1, w.n_tasks + 1)]
    w.tasks = plans
    put(w, Task, (_task_row(w, p) for p in plans))
    put(w, task_tags, ({"task_id": p["id"], "tag_id": t} for p in plans for t in p["tags"]))
    put(w, Participation, (
        {"task_id": p["id"], "membership_id": member,
         "role": "initiator" if i == 0 else "contributor", "note": "",
         "joined_at": p["joined"][i]}
        for p in plans for i, member in enumerate(p["team"])))
    put(w, Event, (e for p in plans for e in _task_events(p)))


def _task_events(p: dict):
    task, group = p["id"], p["group"]
    yield _event("task_created", p["team"][0], task, group, p["start"])
    for member, at in zip(p["team"][1:], p["joined"][1:], strict=True):
        yield _event("joined", member, task, group, at)
    for member, joined, left in p["former"]:
        yield _event("joined", member, task, group, joined)
        yield _event("left", member, task, group, left)
    if p["status"] in ("done", "cancelled"):
        kind = "task_completed" if p["status"] == "done" else "task_cancelled"
        yield _event(kind, p["team"][0], task, group, p["end"])


def _task_row(w: World, p: dict) -> dict:
    filled = len(p["team"]) - 1  # contributors: the initiator takes no place
    return {
        "id": p["id"], "partnership_id": 1, "initiator_id": p["team"][0],
        "working_group_id": p["group"], "title": f"Task {p['id']} of topic{p['topic']}",
        "description": "", "description_html": "",
        "capacity": min(50, max(1, filled + w.rnd.randint(0, 3))), "filled": filled,
        "due_on": p["due"], "effort_hours": None, "join_policy": p["policy"],
        "is_decision": p["decision"],
        "status": p["status"], "outcome": "", "created_at": p["start"],
        "updated_at": p["end"] if p["status"] in ("done", "cancelled") else p["start"],
        "completed_at": p["end"] if p["status"] == "done" else None,
    }


def _plan(task_id: int, topic: int, status: str, start: datetime, end: datetime,
          team: list[int], joined: list[datetime], tags, group=None, policy="open") -> dict:
    return {"id": task_id, "topic": topic, "status": status, "start": start, "end": end,
            "team": team, "joined": joined, "tags": sorted(set(tags)), "group": group,
            "policy": policy, "former": [], "busy": True, "due": None, "decision": False}


def _random_task(w: World, task_id: int) -> dict:
    rnd = w.rnd
    status = STATUSES[bisect.bisect(STATUS_CUM, rnd.random())]
    start = NOW - timedelta(seconds=rnd.randint(3600, 200 * 86400))
    end = NOW if status in ("open", "active") else w.at(start + timedelta(hours=12), NOW)
    initiator = rnd.choice(w.open_world if rnd.random() > 0.02 or not w.by_group[w.silo]
                           else w.by_group[w.silo])
    topic = w.group[initiator]
    # An open task has nobody on it yet: the first join makes it active (services/joining).
    wanted = {"open": 0, "active": rnd.randint(1, 5), "done": rnd.randint(1, 5),
              "cancelled": rnd.randint(0, 5)}[status]
    team = [initiator]
    for _ in range(wanted):
        member = w.someone(topic, team)
        if member is not None:
            team.append(member)
    if status == "active" and len(team) == 1:
        status = "open"
    tags = []
    for _ in range(rnd.randint(1, 3)):
        r = rnd.random()
        if r < 0.7 or topic == w.silo:
            tags.append(w.own_tag(topic))
        elif r < 0.9:
            tags.append(w.common_tag())
        else:
            tags.append(w.own_tag(rnd.randrange(w.k)))
    group = (rnd.randint(1, w.n_groups) if topic != w.silo and rnd.random() < 0.1 else None)
    plan = _plan(task_id, topic, status, start, end, team,
                 [start] + [w.at(start, end) for _ in team[1:]], tags, group,
                 "approval" if rnd.random() < 0.2 else "open")
    if status != "open" and rnd.random() < 0.3:  # people who joined and left again
        for _ in range(rnd.randint(1, 2)):
            member = w.someone(topic, team)
            if member is not None:
                joined = w.at(start, end)
                plan["former"].append((member, joined, w.at(joined, end)))
    plan["busy"] = status == "active" or (status == "done" and end > NOW - timedelta(days=90))
    if rnd.random() < 0.5:
        plan["due"] = (start + timedelta(days=rnd.randint(14, 120))).date()
    plan["decision"] = status in ("open", "active") and rnd.random() < 0.02
    return plan


def _planted_homogeneous(w: World) -> list[dict]:
    """Active teams of four from one cluster, needing a tag only another cluster holds."""
    plans = []
    for p in range(PLANTED):
        topic = p % (w.k - 1)
        far = (topic + w.k // 2) % (w.k - 1)
        missing = far * TAGS_PER_GROUP + 1  # the far group's most common tag
        skip = p // (w.k - 1) * 4  # a second team from one group takes other people
        team = [m for m in w.by_group[topic][:400]
                if w.clustered[m] and missing not in w.tags[m]][skip:skip + 4]
        if len(team) < 4:
            continue
        start = NOW - timedelta(days=30)
        plans.append(_plan(len(plans) + 1, topic, "active", start, NOW, team,
                           [start] + [NOW - timedelta(days=20)] * 3,
                           [topic * TAGS_PER_GROUP + 1, missing]))
    w.planted["homogeneous teams missing a tag"] = [p["id"] for p in plans]
    return plans


def _planted_meetings(w: World, first: int) -> list[dict]:
    """Active mixed teams of four that met eight times in four weeks and logged no work."""
    plans = []
    for p in range(PLANTED):
        task_id = first + len(plans)
        team: list[int] = []
        for i in range(4 * len(w.open_world)):  # bounded; in a small world indexes repeat
            member = w.open_world[(p * 4 + i) * 97 % len(w.open_world)]
            if member not in team:
                team.append(member)
            if len(team) == 4:
                break
        if len(team) < 4:  # a world too small for another team of four
            continue
        start = NOW - timedelta(days=60)
        plan = _plan(task_id, w.group[team[0]], "active", start, NOW, team,
                     [start] + [NOW - timedelta(days=50)] * 3, [w.common_tag()])
        plan["busy"] = False  # no random work logs or activities: its eight come below
        plan["meetings"] = [NOW - timedelta(days=3 * i + 1) for i in range(8)]
        plans.append(plan)
    w.planted["meeting-heavy teams, nothing done"] = [p["id"] for p in plans]
    return plans


def _activities(w: World) -> None:
    """2 × members joint activities in the last 90 days: the planted meetings, then random
    ones on busy tasks (90 %) and working groups (10 %), with 2-8 attendees each."""
    from coordinator.models import Event, JointActivity, activity_attendees

    rnd, since = w.rnd, NOW - timedelta(days=90)
    busy = [p for p in w.tasks if p["busy"]]
    activities, attendees, events = [], [], []

    def add(kind: str, at: datetime, minutes: int, people: list[int], task_id, group_id):
        activity_id = len(activities) + 1
        activities.append({"id": activity_id, "partnership_id": 1, "kind": kind,
                           "title": f"{kind.title()} {activity_id}", "occurred_at": at,
                           "duration_minutes": minutes, "task_id": task_id,
                           "working_group_id": group_id, "created_by_id": people[0],
                           "created_at": at})
        attendees.extend({"activity_id": activity_id, "membership_id": m} for m in people)
        events.append(_event("activity_recorded", people[0], task_id, group_id, at))

    for plan in w.tasks:
        for at in plan.get("meetings", ()):
            add("meeting", at, 90, plan["team"], plan["id"], None)
    for _ in range(w.n_activities - len(activities)):
        r = rnd.random()
        kind, _, low, high = next(k for k in KIND_CUM if r < k[1])
        wanted = rnd.randint(2, 8)
        if rnd.random() < 0.9:
            plan = busy[rnd.randrange(len(busy))]
            team, task_id, group_id, topic = plan["team"], plan["id"], None, plan["topic"]
            at = w.at(max(since, plan["start"]), plan["end"])
        else:
            group_id = rnd.randint(1, w.n_groups)
            team, task_id, topic = w.members_of_group[group_id], None, (group_id - 1) % (w.k - 1)
            at = w.at(since, NOW)
        people = rnd.sample(team, min(wanted, len(team)))
        for _ in range(wanted - len(people)):  # guests, now and then
            if len(people) >= 2 and rnd.random() < 0.6:
                continue
            guest = w.someone(topic, people)
            if guest is not None:
                people.append(guest)
        add(kind, at, rnd.randint(low // 5, high // 5) * 5, people, task_id, group_id)
    put(w, JointActivity, activities)
    put(w, activity_attendees, attendees)
    put(w, Event, events)


def _work_logs(w: World) -> None:
    from coordinator.models import Event, WorkLog

    rnd, since = w.rnd, NOW - timedelta(days=90)
    busy = [p for p in w.tasks if p["busy"]]
    logs, events = [], []
    for log_id in range(1, w.n_logs + 1):
        plan = busy[rnd.randrange(len(busy))]
        member = plan["team"][rnd.randrange(len(plan["team"]))]
        at = w.at(max(since, plan["start"]), plan["end"])
        logs.append({"id": log_id, "partnership_id": 1, "task_id": plan["id"],
                     "membership_id": member, "hours": rnd.choice(HOURS),
                     "worked_on": at.date(), "note": "", "created_at": at})
        events.append(_event("work_logged", member, plan["id"], plan["group"], at))
    put(w, WorkLog, logs)
    put(w, Event, events)


def _comments(w: World) -> None:
    """One comment per member on average, by team members of busy tasks, last 90 days."""
    from coordinator.models import Comment, Event

    rnd, since = w.rnd, NOW - timedelta(days=90)
    busy = [p for p in w.tasks if p["busy"]]
    comments, events = [], []
    for comment_id in range(1, w.n_comments + 1):
        plan = busy[rnd.randrange(len(busy))]
        member = plan["team"][rnd.randrange(len(plan["team"]))]
        at = w.at(max(since, plan["start"]), plan["end"])
        comments.append({"id": comment_id, "task_id": plan["id"], "membership_id": member,
                         "body": "Agreed.", "body_html": "<p>Agreed.</p>", "created_at": at})
        events.append(_event("commented", member, plan["id"], plan["group"], at))
    put(w, Comment, comments)
    put(w, Event, events)


def _requests(w: World) -> None:
    """Accepted requests behind the contributors of approval tasks; declined ones on top,
    most of them from other knowledge groups."""
    from coordinator.models import JoinRequest

    rnd, rows = w.rnd, []
    approval = [p for p in w.tasks if p["policy"] == "approval"]
    for plan in approval:
        for member, joined in zip(plan["team"][1:], plan["joined"][1:], strict=True):
            rows.append({"task_id": plan["id"], "membership_id": member, "note": "",
                         "status": "accepted", "reason": "",
                         "created_at": max(plan["start"], joined - timedelta(hours=20)),
                         "decided_at": joined, "decided_by_id": plan["team"][0]})
    for _ in range(w.n_declined if approval else 0):  # a small world may have none
        plan = approval[rnd.randrange(len(approval))]
        member = w.someone(plan["topic"], plan["team"])
        if member is None:
            continue
        asked = w.at(max(plan["start"], NOW - timedelta(days=180)), plan["end"])
        rows.append({"task_id": plan["id"], "membership_id": member,
                     "note": "", "status": "declined", "reason": "",
                     "created_at": asked, "decided_at": w.at(asked, NOW),
                     "decided_by_id": plan["team"][0]})
    put(w, JoinRequest, rows)


# Measuring (in the child process) -----------------------------------------------------


def run(url: str, n: int, planted: dict[str, list[int]], profile: bool,
        which: str = "first") -> dict:
    """One evaluation and its commit, by stage: the first (`which` "first"), or a repeat
    on the same data ("repeat"), or one a week later ("next_week"). Each runs in a fresh
    process, as a worker runs each job in a forked work horse."""
    import resource

    from sqlalchemy import func, select

    from config import TestConfig
    from coordinator import create_app
    from coordinator.extensions import db
    from coordinator.models import Alert, AlertEntry, Partnership
    from coordinator.services import evaluation

    stages: dict[str, float] = {}

    def timed(name: str, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                stages[name] = time.perf_counter() - started
        return wrapper

    # evaluate_partnership looks these up in its module when called: time each stage that
    # exists (the total does not depend on them).
    originals = {name: getattr(evaluation, name) for name in STAGES
                 if hasattr(evaluation, name)}
    for name, function in originals.items():
        setattr(evaluation, name, timed(name, function))

    def evaluate(label: str, now: datetime = NOW) -> dict:
        stages.clear()
        partnership = db.session.get(Partnership, 1)
        profiler = None
        if profile:
            import cProfile
            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        outcome = evaluation.evaluate_partnership(partnership, now)
        evaluated = time.perf_counter()
        db.session.commit()
        ended = time.perf_counter()
        if profiler is not None:
            profiler.disable()
            _print_profile(profiler, f"{label} evaluation at {n:,} members")
        db.session.remove()  # the next evaluation starts cold, as in a new worker job
        return {"total": ended - started, **{column: stages.get(name)
                                              for name, column in STAGES.items()},
                "commit": ended - evaluated, "summary": outcome.summary(),
                "changes": sum(outcome.counts.values())}

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, LOG_LEVEL="WARNING")
    with app.app_context():
        db.session.execute(select(1))  # connect before the clock starts
        base_mb, load = _rss_mb(), os.getloadavg()[0]
        if which != "first":
            # A week on: every reading is a new row and alerts open, resolve and change.
            at = NOW + timedelta(days=7) if which == "next_week" else NOW
            figures = evaluate(which.replace("_", " "), at)
            return {which: figures, "loadavg": load, "base_mb": base_mb,
                    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
        first = evaluate("first")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        by_kind = dict(db.session.execute(
            select(Alert.kind, func.count()).group_by(Alert.kind).order_by(Alert.kind)).all())
        flagged = {tuple(row) for row in db.session.execute(
            select(Alert.kind, Alert.scope_type, Alert.scope_id))}
        entries = db.session.scalar(select(func.count()).select_from(AlertEntry))
        db.session.remove()
        db.engine.dispose()
    for name, function in originals.items():
        setattr(evaluation, name, function)
    kinds = {"homogeneous teams missing a tag": "alignophilia_team",
             "meeting-heavy teams, nothing done": "joinholism_team"}
    caught = {label: [sum((kinds[label], "task", t) in flagged for t in ids), len(ids)]
              for label, ids in planted.items()}
    caught["silo cluster"] = [int(any(k == "alignophilia_silo" for k, _, _ in flagged)), 1]
    return {"n": n, "first": first, "base_mb": base_mb, "peak_mb": peak_mb,
            "loadavg": load, "alerts": by_kind,
            "entries": entries, "planted": caught}


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _print_profile(profiler, label: str) -> None:
    import io
    import pstats

    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(10)
        lines = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print(f"cProfile of the {label}, top 10 by {order}:")
        print("\n".join(line for line in lines[start:] if line.strip()))


# Orchestration ------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database", "--db", choices=["sqlite", "postgresql", "postgres"],
                        default="sqlite")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile top 10 of each evaluation (slows it down)")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs of each regular evaluation (the median is shown)")
    parser.add_argument("--which", default="first", help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=3, metavar=("URL", "N", "PLANTED"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = run(args.child[0], int(args.child[1]), json.loads(args.child[2]),
                      args.profile, args.which)
        print(json.dumps(figures))
        return
    kind = "sqlite" if args.database == "sqlite" else "postgresql"
    print(f"database: {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}; "
          f"evaluate_partnership(partnership, now) + commit, each in a fresh process; "
          f"{os.cpu_count()} cores, load = 1-minute load average as the evaluation starts"
          f"{' (under cProfile: slower)' if args.profile else ''}")
    columns = [*STAGES.values(), "commit", "total"]
    header = (f"{'members':>8} {'tasks':>7} {'activ.':>8} {'seeded':>7} "
              + " ".join(f"{c:>7}" for c in columns)
              + f" {'peak MB':>8} {'repeat':>7} {'load':>5}")
    print(header)
    results = []
    for n in args.members:
        with tempfile.TemporaryDirectory() as folder:
            url = seeding.throwaway_database(kind, folder, PG_NAME)
            try:
                seeded, counts, planted = seed(url, n)
                f, profiles = _child(url, n, planted, "first", args.profile)
                keep = _FirstState(kind, url)
                # Interleaved, each on the data as the first evaluation left it: a drift in
                # the machine's speed falls on both kinds alike; the median run is shown.
                runs: dict[str, list[dict]] = {"repeat": [], "next_week": []}
                for _ in range(args.runs):
                    for which, done in runs.items():
                        keep.restore()
                        figures, profile = _child(url, n, planted, which, args.profile)
                        f["peak_mb"] = max(figures["peak_mb"], f["peak_mb"])
                        done.append(figures[which] | {"loadavg": figures["loadavg"]})
                        profiles += profile
                for which, done in runs.items():
                    done.sort(key=lambda run: run["total"])
                    f[which] = done[len(done) // 2] | {"totals": [r["total"] for r in done]}
            finally:
                if kind == "postgresql":
                    seeding.drop_database(PG_NAME)
                    seeding.drop_database(PG_NAME + "_first")
        results.append(f)
        if profiles:
            print("\n".join(profiles))
            print(header)
        a, r = f["first"], f["repeat"]
        print(f"{n:>8} {n // 2:>7} {2 * n:>8} {seeded:>6.0f}s "
              + " ".join(_seconds(a.get(c)) for c in columns)
              + f" {f['peak_mb']:>8.0f} {r['total']:>6.2f}s {f['loadavg']:>5.1f}")
        print(f"{'':>8} repeat (no changes; {_runs(r)}): " + ", ".join(
            f"{c} {_seconds(r.get(c)).strip()}" for c in columns) + f"; {r['summary']}")
        w = f["next_week"]
        print(f"{'':>8} next week ({_runs(w)}): " + ", ".join(
            f"{c} {_seconds(w.get(c)).strip()}" for c in columns) + f"; {w['summary']}")
        print(f"{'':>8} memory: {f['base_mb']:.0f} MB before the evaluation, peak "
              f"{f['peak_mb']:.0f} MB (max RSS of its processes)")
        print(f"{'':>8} rows: " + ", ".join(f"{name} {counts[name]:,}" for name in (
            "memberships", "membership_tags", "tasks", "participations", "events",
            "joint_activities", "activity_attendees", "work_logs", "comments",
            "join_requests", "group_members") if name in counts))
        print(f"{'':>8} first run: {a['summary']} ({f['entries']:,} history entries)")
        print(f"{'':>8} alerts by kind: " + (", ".join(
            f"{k} {v:,}" for k, v in f["alerts"].items()) or "none"))
        print(f"{'':>8} planted patterns flagged: " + ", ".join(
            f"{label} {got}/{of}" for label, (got, of) in f["planted"].items()))
    _verdict(results)


class _FirstState:
    """The database as the first evaluation left it, put back before each later run."""

    def __init__(self, kind: str, url: str) -> None:
        self.kind, self.url = kind, url
        if kind == "sqlite":
            self.path = url.removeprefix("sqlite:///")
            shutil.copyfile(self.path, self.path + ".first")
        else:
            seeding.admin(f'DROP DATABASE IF EXISTS "{PG_NAME}_first" WITH (FORCE)',
                          f'CREATE DATABASE "{PG_NAME}_first" TEMPLATE "{PG_NAME}"')

    def restore(self) -> None:
        if self.kind == "sqlite":
            shutil.copyfile(self.path + ".first", self.path)
        else:
            seeding.admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)',
                          f'CREATE DATABASE "{PG_NAME}" TEMPLATE "{PG_NAME}_first"')


def _child(url: str, n: int, planted: dict, which: str, profile: bool
           ) -> tuple[dict, list[str]]:
    """One evaluation in a fresh process: its figures and any profile lines."""
    child = subprocess.run(
        [sys.executable, __file__, "--child", url, str(n), json.dumps(planted),
         "--which", which, *(["--profile"] if profile else [])],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=3600)
    if child.returncode != 0:
        sys.exit(f"{which} evaluation at {n:,} members failed:\n{child.stderr[-4000:]}")
    lines = child.stdout.strip().splitlines()
    return json.loads(lines[-1]), lines[:-1]


def _runs(median: dict) -> str:
    totals = " ".join(f"{t:.1f}" for t in median["totals"])
    return f"runs {totals} s, the median's stages, load {median['loadavg']:.1f}"


def _seconds(value: float | None) -> str:
    return f"{'-':>7}" if value is None else f"{value:>6.2f}s"


def _verdict(results: list[dict]) -> None:
    for small, big in itertools.pairwise(results):
        grow = big["n"] / small["n"]
        ratio = big["first"]["total"] / small["first"]["total"]
        again = big["repeat"]["total"] / small["repeat"]["total"]
        print(f"time({big['n']:,})/time({small['n']:,}) = {big['first']['total']:.2f} s / "
              f"{small['first']['total']:.2f} s = {ratio:.1f}× against {grow:.0f}× for linear "
              f"growth: {'linear or better' if ratio <= grow else 'FASTER THAN LINEAR'} "
              f"(repeat: {again:.1f}×)")
    for f in results:
        if f["n"] >= TARGET_AT:
            regular = max(f["repeat"]["total"], f["next_week"]["total"])
            peak = f["peak_mb"]
            print(f"target at {f['n']:,} members: a regular evaluation (the slower median of "
                  f"the repeat and next week's) {regular:.1f} s (≤ {TARGET_S:.0f} s: "
                  f"{'met' if regular <= TARGET_S else 'MISSED'}), peak {peak:.0f} MB "
                  f"(≤ {TARGET_MB:.0f} MB: {'met' if peak <= TARGET_MB else 'MISSED'}); the "
                  f"first, which also writes the 12 past weeks' readings once: "
                  f"{f['first']['total']:.1f} s")


if __name__ == "__main__":
    main()
