"""Time the task board, a task page and a join on a big partnership; count their queries.

    python bench/board.py [--db sqlite|postgres|both] [--tasks 100000] [--members 10000]
                          [--repeat 50]

Seeds one partnership with Core executemany (SQLite in a temporary file; PostgreSQL in a
fresh database on the local test server, `polder_bench_board` or $PG_NAME, dropped at the
end), logs in as a member with five tags and times requests through the Flask test
client, so a figure is the server's time: routing, queries and rendering, no network.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, func, insert, select, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from config import Config, TestConfig, database_url  # noqa: E402
from coordinator import create_app  # noqa: E402
from coordinator.domain.power.sectors import SECTORS  # noqa: E402
from coordinator.extensions import db  # noqa: E402
from coordinator.models import (  # noqa: E402
    Membership,
    Organisation,
    Participation,
    Partnership,
    Tag,
    Task,
    User,
    WorkingGroup,
    membership_tags,
    task_tags,
)

PG_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
# Its own database name (and Redis database) so it can run beside the other benches.
PG_NAME = os.environ.get("PG_NAME", "polder_bench_board")
SLUG = "bench"
PASSWORD = "a long bench passphrase"
ME = 1  # the user, and membership, that logs in
CHUNK = 10_000
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
START = NOW - timedelta(days=3 * 365)
TOPICS = ("water", "soil", "energy", "housing", "mobility", "health", "food", "data",
          "climate", "youth", "care", "finance", "law", "design", "media", "heritage",
          "nature", "waste", "jobs", "schools")
SKILLS = ("policy", "research", "mapping", "outreach", "funding", "modelling", "training",
          "logistics", "writing", "survey", "events", "advocacy", "budgeting", "gis", "ux")
WORDS = ("plan", "review", "pilot", "report", "meeting", "study", "campaign", "workshop",
         "dataset", "map", "proposal", "budget", "survey", "visit", "toolkit", "audit")
STATUSES = ("open",) * 4 + ("active",) * 3 + ("done",) * 2 + ("cancelled",)
SIZES = (10, 20, 50, 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    for name in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        runner = run_sqlite if name == "sqlite" else run_postgres
        runner(args.tasks, args.members, args.repeat)


def run_sqlite(tasks: int, members: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        bench("SQLite", f"sqlite:///{folder}/bench.db", tasks, members, repeat)


def run_postgres(tasks: int, members: int, repeat: int) -> None:
    server = database_url(PG_SERVER)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    with admin.connect() as conn:
        conn.execute(drop)
        conn.execute(text(f'CREATE DATABASE "{PG_NAME}"'))
    try:
        bench("PostgreSQL", server.rpartition("/")[0] + "/" + PG_NAME, tasks, members, repeat)
    finally:
        with admin.connect() as conn:
            conn.execute(drop)
        admin.dispose()


REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def bench(label: str, uri: str, tasks: int, members: int, repeat: int) -> None:
    # As in production, a join only schedules the knowledge-map recompute (on Redis; no
    # worker runs here), so the figures are the request's own time.
    # The tag suggestions are remembered as in production (the tests turn that off).
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=uri, WTF_CSRF_ENABLED=False,
                     LOG_LEVEL="WARNING", REDIS_URL=REDIS_URL,
                     TAG_SUGGESTIONS_TTL=Config.TAG_SUGGESTIONS_TTL)
    app.extensions["rq"].connection.flushdb()
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        seed(tasks, members, random.Random(7))
        print(f"\n{label}: seeded {tasks:,} tasks and {members:,} members "
              f"in {time.perf_counter() - started:.1f} s")
        pages = plan_pages(repeat)
        log = QueryLog(db.engine)
    try:
        measure(app, label, pages, log, repeat)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# Seeding -----------------------------------------------------------------------------


def seed(n_tasks: int, n_members: int, rnd: random.Random) -> None:
    """Insert a partnership of the requested size with Core executemany, in chunks."""
    vocabulary = [f"{topic}-{skill}" for topic in TOPICS for skill in SKILLS]  # 300 tags
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(vocabulary))]  # a few are common
    put(Partnership, [{"id": 1, "slug": SLUG, "name": "Bench partnership", "description": "",
                       "created_at": NOW}])
    put(Organisation, [{"id": i, "partnership_id": 1, "name": f"Organisation {i}",
                        "sector": SECTORS[i % len(SECTORS)], "formal_authority": i % 3,
                        "resource_control": i // 3 % 3, "discursive_legitimacy": i // 9 % 3}
                       for i in range(1, 61)])
    password_hash = generate_password_hash(PASSWORD, method=TestConfig.PASSWORD_HASH_METHOD)
    put(User, ({"id": i, "email": f"member{i}@bench.example", "name": f"Member {i}",
                "password_hash": password_hash, "created_at": NOW, "last_login_at": None}
               for i in range(1, n_members + 1)))
    put(Membership, ({"id": i, "partnership_id": 1, "user_id": i,
                      "organisation_id": rnd.randint(1, 60), "role": "member", "bio": "",
                      "sort_name": f"member {i}", "joined_at": NOW}
                     for i in range(1, n_members + 1)))
    put(Tag, [{"id": i, "partnership_id": 1, "name": name}
              for i, name in enumerate(vocabulary, 1)])
    put(membership_tags, ({"membership_id": m, "tag_id": t}
                          for m in range(1, n_members + 1)
                          for t in _pick(rnd, weights, 5 if m == ME else rnd.randint(0, 6))))
    put(WorkingGroup, [{"id": i, "partnership_id": 1, "name": f"Working group {i}",
                        "description": "", "created_by_id": i, "created_at": NOW}
                       for i in range(1, 13)])
    rows = [_task_row(i, n_members, rnd) for i in range(1, n_tasks + 1)]
    put(Task, rows)
    put(task_tags, ({"task_id": row["id"], "tag_id": t}
                    for row in rows for t in _pick(rnd, weights, rnd.randint(1, 4))))
    put(Participation, (p for row in rows for p in _participations(row, n_members, rnd)))
    if db.session.get_bind().dialect.name == "postgresql":
        for table in ("partnerships", "organisations", "users", "memberships", "tags",
                      "working_groups", "tasks"):
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"))
    db.session.commit()
    _settle()


def _settle() -> None:
    """Let the bulk load settle as it would in a while: statistics, visibility, checkpoint."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("VACUUM ANALYZE"))
            conn.execute(text("CHECKPOINT"))
        else:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def put(model, rows) -> None:
    """Insert rows (any iterable of dicts) with executemany, CHUNK at a time."""
    table = getattr(model, "__table__", model)
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            db.session.execute(insert(table), batch)
            batch = []
    if batch:
        db.session.execute(insert(table), batch)


def _pick(rnd: random.Random, weights: list[float], k: int) -> set[int]:
    """k distinct tag ids, the common ones more often."""
    chosen: set[int] = set()
    while len(chosen) < k:
        chosen.update(rnd.choices(range(1, len(weights) + 1), weights=weights, k=1))
    return chosen


def _task_row(i: int, n_members: int, rnd: random.Random) -> dict:
    status = rnd.choice(STATUSES)
    capacity = rnd.randint(1, 8)
    filled = 0 if status == "open" else rnd.randint(1 if status == "active" else 0, capacity)
    created = START + timedelta(minutes=10 * i)
    words = rnd.sample(WORDS, 2)
    return {
        "id": i, "partnership_id": 1, "working_group_id": rnd.choice((None,) * 4 + (1, 2, 3)),
        # The bench member starts every 500th task, so "mine" and the task page have rows.
        "initiator_id": ME if i % 500 == 0 else rnd.randint(2, n_members),
        "title": f"{words[0].title()} {rnd.choice(TOPICS)} {words[1]} #{i}",
        "description": f"We {rnd.choice(WORDS)} the {rnd.choice(TOPICS)} {rnd.choice(WORDS)}.",
        "description_html": "", "capacity": capacity, "filled": filled,
        "due_on": rnd.choice((None, date(2026, 12, 1) + timedelta(days=i % 400))),
        "effort_hours": rnd.choice((None, 2.0, 8.0)),
        "join_policy": "approval" if i % 5 == 0 else "open", "status": status, "outcome": "",
        "created_at": created, "updated_at": created,
        "completed_at": created + timedelta(days=3) if status == "done" else None,
    }


def _participations(task: dict, n_members: int, rnd: random.Random):
    yield {"task_id": task["id"], "membership_id": task["initiator_id"], "role": "initiator",
           "note": "", "joined_at": task["created_at"], "last_active_at": task["created_at"]}
    others = set()
    while len(others) < task["filled"]:
        member = rnd.randint(2, n_members)  # the bench member joins nothing by seeding
        if member != task["initiator_id"]:
            others.add(member)
    for member in sorted(others):
        yield {"task_id": task["id"], "membership_id": member, "role": "contributor",
               "note": "I can help.", "joined_at": task["created_at"],
               "last_active_at": task["created_at"]}


# Measuring ---------------------------------------------------------------------------


class QueryLog:
    """The SQL statements the engine runs, each with its time in ms."""

    def __init__(self, engine) -> None:
        self.statements: list[tuple[float, str]] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, *args) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, *args) -> None:
        elapsed = (time.perf_counter() - conn.info.pop("bench_started")) * 1000
        self.statements.append((elapsed, " ".join(statement.split())))


def plan_pages(repeat: int) -> dict:
    """Pick the URLs: a tag of mine for the filter, a busy task, open tasks to join."""
    tag = db.session.scalar(
        select(Tag.name).join(membership_tags, membership_tags.c.tag_id == Tag.id)
        .where(membership_tags.c.membership_id == ME).order_by(Tag.id).limit(1))
    busy = db.session.scalar(select(Task.id).where(Task.initiator_id == ME, Task.filled > 1)
                             .order_by(Task.id).limit(1))
    joinable = list(db.session.scalars(
        select(Task.id).where(Task.join_policy == "open", Task.status.in_(("open", "active")),
                              Task.filled < Task.capacity, Task.initiator_id != ME)
        .order_by(func.random()).limit(repeat + 5)))
    base = f"/p/{SLUG}/tasks"
    return {
        "board, first page": base,
        "board, page 2": f"{base}?page=2",
        "board, fit page 500": f"{base}?page=500",
        "board, filtered": f"{base}?tag={tag}&room=1&q=plan&sort=due",
        "board, search": f"{base}?q=plan",
        "board, page 2000": f"{base}?sort=newest&page=2000",
        "task page": f"{base}/{busy}",
        "join": [f"{base}/{task_id}/join" for task_id in joinable],
    }


def measure(app, label: str, pages: dict, log: QueryLog, repeat: int) -> None:
    client = app.test_client()
    response = client.post("/login", data={"email": f"member{ME}@bench.example",
                                           "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    joins = iter(pages["join"])

    def hit(page: str) -> tuple[float, int, tuple[float, str]]:
        log.statements.clear()
        started = time.perf_counter()
        if page == "join":
            response = client.post(next(joins), data={"note": "I know this field well."})
            expected = 302
        else:
            response = client.get(pages[page])
            expected = 200
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == expected, (page, response.status_code)
        return elapsed, len(log.statements), max(log.statements)

    print(f"{'page':<22}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}   slowest query, p50   "
          f"({label}, n={repeat}, load {os.getloadavg()[0]:.1f})")
    for page in pages:
        for _ in range(5):  # warm up caches, statement compilation and the connection pool
            hit(page)
        runs = [hit(page) for _ in range(repeat)]
        times = sorted(ms for ms, _, _ in runs)
        queries = "/".join(str(n) for n in sorted({n for _, n, _ in runs}))
        slowest = sorted(slow for _, _, slow in runs)[len(runs) // 2]
        flag = "  > 100 ms" if _p95(times) > 100 else ""
        print(f"{page:<22}{statistics.median(times):>9.1f}{_p95(times):>9.1f}{queries:>9}   "
              f"{slowest[0]:5.1f} ms {slowest[1][:38]}{flag}")
    print("board queries by page size (first/filtered/deep):", ", ".join(
        f"{size}: {_board_queries(app, client, log, pages, size)}" for size in SIZES))


def _board_queries(app, client, log: QueryLog, pages: dict, size: int) -> str:
    """Queries of the three board pages at one page size."""
    app.config["BOARD_PAGE_SIZE"] = size
    deep = pages["board, page 2000"].replace("page=2000", f"page={2000 * 20 // size}")
    counts = []
    for url in (pages["board, first page"], pages["board, filtered"], deep):
        log.statements.clear()
        assert client.get(url).status_code == 200
        counts.append(len(log.statements))
    app.config["BOARD_PAGE_SIZE"] = TestConfig.BOARD_PAGE_SIZE
    return "/".join(map(str, counts))


def _p95(times: list[float]) -> float:
    """Nearest-rank 95th percentile of sorted values."""
    return times[max(math.ceil(0.95 * len(times)) - 1, 0)]


if __name__ == "__main__":
    main()
