"""Time the JSON API's task list on a big partnership, with a token; count its queries.

    python bench/api.py [--db sqlite|postgres|both] [--tasks 100000] [--members 10000]
                        [--repeat 50]

Seeds the partnership of bench/board.py (100,000 tasks, 10,000 members by default; SQLite
in a temporary file, PostgreSQL in a fresh `polder_bench_api` database on the local test
server, dropped at the end), makes a personal access token for a member with five tags,
and times requests through the Flask test client with `Authorization: Bearer`: routing,
authentication, queries and JSON, without a network. Prints p50/p95 and the queries per
request, then the queries per page size, which must not grow with the page.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench.board import ME, QueryLog, _p95, seed  # noqa: E402
from bench.seeding import drop_database, throwaway_database  # noqa: E402
from config import TestConfig  # noqa: E402
from coordinator import create_app  # noqa: E402
from coordinator.api.common import encode_cursor  # noqa: E402
from coordinator.extensions import db  # noqa: E402
from coordinator.models import Membership, Tag, Task, membership_tags  # noqa: E402
from coordinator.services import api_tokens  # noqa: E402

PG_NAME = "polder_bench_api"
SIZES = (10, 25, 50, 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            bench("SQLite", f"sqlite:///{folder}/bench.db", args)
    if args.db in ("postgres", "both"):
        uri = throwaway_database("postgres", "", PG_NAME)
        try:
            bench("PostgreSQL", uri, args)
        finally:
            drop_database(PG_NAME)


def bench(label: str, uri: str, args) -> None:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=uri, LOG_LEVEL="WARNING",
                     API_RATE_LIMIT="1000000 per minute")
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        seed(args.tasks, args.members, random.Random(7))
        print(f"\n{label}: seeded {args.tasks:,} tasks and {args.members:,} members "
              f"in {time.perf_counter() - started:.1f} s")
        _, secret = api_tokens.create(db.session.get(Membership, ME), "bench", ["read"], 30)
        db.session.commit()
        urls = plan(app, secret)
        log = QueryLog(db.engine)
    try:
        measure(app, label, urls, secret, log, args.repeat)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def plan(app, secret: str) -> dict[str, str]:
    tag = db.session.scalar(
        select(Tag.name).join(membership_tags, membership_tags.c.tag_id == Tag.id)
        .where(membership_tags.c.membership_id == ME).order_by(Tag.id).limit(1))
    some_task = db.session.scalar(select(Task.id).order_by(Task.id.desc()).limit(1))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    second = client.get("/api/v1/tasks?sort=newest", headers=headers).json["next"]
    deep = second.replace(second.rpartition("cursor=")[2], encode_cursor(2000 * 25))
    return {
        "tasks, first page": "/api/v1/tasks",
        "tasks, newest": "/api/v1/tasks?sort=newest",
        "tasks, filtered": f"/api/v1/tasks?tag={tag}&room=true&q=plan&sort=due",
        "tasks, next page": second,
        "tasks, page 2000": deep,
        "one task": f"/api/v1/tasks/{some_task}",
        "members, first page": "/api/v1/members",
    }


def measure(app, label: str, urls: dict, secret: str, log: QueryLog, repeat: int) -> None:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}

    def hit(url: str) -> tuple[float, int]:
        log.statements.clear()
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code, response.json)
        return elapsed, len(log.statements)

    print(f"{'request':<22}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}   ({label}, n={repeat})")
    for name, url in urls.items():
        for _ in range(5):  # warm up caches, statement compilation, the connection pool
            hit(url)
        runs = [hit(url) for _ in range(repeat)]
        times = sorted(ms for ms, _ in runs)
        queries = "/".join(str(n) for n in sorted({n for _, n in runs}))
        flag = "  > 100 ms" if _p95(times) > 100 else ""
        print(f"{name:<22}{statistics.median(times):>9.1f}{_p95(times):>9.1f}{queries:>9}"
              f"{flag}")
    counts = []
    for size in SIZES:
        _, n = hit(f"/api/v1/tasks?sort=newest&limit={size}")
        counts.append(f"{size}: {n}")
    print("queries for a page of N tasks:", ", ".join(counts))


if __name__ == "__main__":
    main()
