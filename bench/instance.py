"""Many partnerships on one instance: the hourly sweep and a day's digests, with workers.

    python bench/instance.py [--partnerships 500] [--members 200000] [--workers 2]
                             [--db postgres|sqlite] [--no-digests]

Seeds one database (PostgreSQL in a throwaway `polder_bench_instance` database on the
local test server by default, dropped at the end; or SQLite in a temporary file) with
`--partnerships` partnerships of 50-2,000 members (log-uniform, scaled to `--members` in
all), each with bench/alerts.py's history (tasks with teams, 180 days of joins and
leaves, meetings, work logs, comments, join requests, a knowledge map) and readings from
earlier weeks, as an instance in use has them. Every partnership's map is then stale (a
change since the last map), as after a busy hour. Not timed.

Starts a Redis of its own (a free port, nothing on disk), an SMTP sink in this process
that only counts, and `--workers` `flask worker` processes. Then:

1. the hourly sweep (`workers.sweep.sweep_stale_maps`): each partnership's recompute job
   rebuilds its map and evaluates its alerts; timed from the sweep until the last run is
   done (target ≤ 15 minutes);
2. a day's digests: the planner (`workers.digests.plan_digests`) at Monday 08:00 UTC,
   when every member's weekly digest is due; timed until the last is sent (target ≤ 30
   minutes).

Fair queueing, for both: for each partnership, the jobs of bigger partnerships queued
ahead of its first job, the most of any one bigger partnership, and (for the sweep) the
bigger partnerships' runs that started before its own did; target: at most one. The
same is printed for the order the jobs had before fair queueing (by partnership id, a
partnership's batches together), from the same jobs.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import alerts as history  # noqa: E402
from bench import seeding  # noqa: E402
from bench.digests import LoadWatch, start_sink  # noqa: E402
from tests.smtp import free_port  # noqa: E402

PG_NAME = "polder_bench_instance"
SMALLEST, LARGEST = 50, 2_000
SWEEP_TARGET_S, DIGESTS_TARGET_S = 15 * 60, 30 * 60
DIGESTS_AT = datetime(2026, 11, 23, 8, tzinfo=UTC)  # Monday: weekly digests are due
LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def sizes_for(count: int, total: int, rnd: random.Random) -> list[int]:
    """`count` sizes from SMALLEST to LARGEST (both present), skewed towards small ones
    as real instances are: SMALLEST × (LARGEST / SMALLEST) ** (u ** p) for u evenly
    spread over [0, 1], with p found so that they sum to `total`."""
    if not SMALLEST * count <= total <= LARGEST * count or count < 2:
        sys.exit(f"{count} partnerships of {SMALLEST}-{LARGEST} members cannot make {total:,}")
    spread = [i / (count - 1) for i in range(count)]

    def sizes(p: float) -> list[int]:
        return [round(SMALLEST * (LARGEST / SMALLEST) ** (u ** p)) for u in spread]

    low, high = 0.01, 100.0
    for _ in range(60):  # bisection: the sum falls as p grows
        middle = (low + high) / 2
        low, high = (middle, high) if sum(sizes(middle)) > total else (low, middle)
    found = sizes(high)
    gap = total - sum(found)
    for i in range(1, count - 1):  # the rounding's few members, on the middle sizes
        if gap == 0:
            break
        step = 1 if gap > 0 else -1
        if SMALLEST < found[i] + step < LARGEST:
            found[i] += step
            gap -= step
    rnd.shuffle(found)  # ids in no order of size, as partnerships come
    return found


# Seeding ----------------------------------------------------------------------------


class Offsets:
    """bench/alerts.py seeds one partnership with ids from 1: shift each table's ids (and
    every foreign key to it) past the partnerships seeded before."""

    def __init__(self) -> None:
        from coordinator.extensions import db

        self.base: dict[str, int] = {}
        self.top: Counter = Counter()
        self.keys = {t.name: {fk.parent.name: fk.column.table.name for fk in t.foreign_keys}
                     for t in db.metadata.sorted_tables}
        self.index = 0

    def next_partnership(self, index: int) -> None:
        self.index, self.base = index, dict(self.top)

    def shift(self, table: str, row: dict) -> dict:
        row = dict(row)
        if "id" in row:
            row["id"] += self.base.get(table, 0)
            self.top[table] = max(self.top[table], row["id"])
        for column, target in self.keys[table].items():
            if row.get(column) is not None:
                row[column] += self.base.get(target, 0)
        if table == "users":
            row["email"] = f"p{self.index}-{row['email']}"
        elif table == "partnerships":
            row["slug"], row["name"] = f"p{self.index}", f"Partnership {self.index}"
        return row


def seed(url: str, sizes: list[int]) -> float:
    from sqlalchemy import text, update

    from config import TestConfig
    from coordinator import create_app
    from coordinator.extensions import db
    from coordinator.models import Partnership, Reading

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, LOG_LEVEL="WARNING")
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        offsets = Offsets()

        def put(world, model, rows) -> None:
            table = getattr(model, "__table__", model)
            seeding.put(world.counts, model, (offsets.shift(table.name, r) for r in rows))

        original, history.put = history.put, put
        try:
            for index, n in enumerate(sizes, start=1):
                offsets.next_partnership(index)
                world = history.World(n, seed=index)
                for step in (history._people, history._snapshot, history._groups,
                             history._tasks, history._activities, history._work_logs,
                             history._comments, history._requests):
                    step(world)
                db.session.commit()
                if index % 50 == 0:
                    print(f"  seeded {index} of {len(sizes)} partnerships", file=sys.stderr)
        finally:
            history.put = original
        # Readings from an earlier week, so each evaluation writes its week's only (as in
        # an instance in use) instead of backfilling twelve.
        db.session.execute(Reading.__table__.insert(), [
            {"partnership_id": p, "week": (history.NOW - timedelta(weeks=11)).date(),
             "metric": "outputs", "scope_type": "partnership", "scope_key": "0",
             "value": 0.0, "measured_at": history.NOW} for p in range(1, len(sizes) + 1)])
        # A change since every map: all of them are stale.
        db.session.execute(update(Partnership).values(recompute_requested_at=history.NOW))
        if db.session.get_bind().dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.columns and table.columns["id"].autoincrement is not False:
                    db.session.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"GREATEST((SELECT MAX(id) FROM {table.name}), 1))"))
        db.session.commit()
        history._settle()
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - started


# Services ---------------------------------------------------------------------------


def start_redis(folder: str) -> tuple[subprocess.Popen, str]:
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL)
    from redis import Redis

    client = Redis(port=port)
    for _ in range(100):  # bounded: up to 10 s for it to listen
        try:
            client.ping()
            return process, f"redis://127.0.0.1:{port}/0"
        except Exception:
            time.sleep(0.1)
    process.kill()
    sys.exit("the benchmark's Redis did not start")


def start_workers(count: int, env: dict, folder: str, redis_url: str
                  ) -> list[subprocess.Popen]:
    """`count` workers, once each listens (as they would be when the sweep comes)."""
    from redis import Redis
    from rq import Worker

    workers = [subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                                stdout=open(Path(folder) / f"worker{i}.log", "w"),
                                stderr=subprocess.STDOUT) for i in range(count)]
    connection = Redis.from_url(redis_url)
    for _ in range(600):  # bounded: up to a minute
        if Worker.count(connection=connection) >= count:
            return workers
        time.sleep(0.1)
    sys.exit("the workers did not start")


def environment(url: str, redis_url: str, smtp_port: int) -> dict:
    return {**os.environ, "FLASK_APP": "wsgi.py", "DATABASE_URL": url,
            "REDIS_URL": redis_url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port),
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "POLDER_ENV": "development", "PYTHONWARNINGS": "ignore",
            "POLDER_ENV_FILE": os.devnull}


# Measuring --------------------------------------------------------------------------


def behind_bigger(order: list[int], sizes: dict[int, int]) -> int:
    """The most jobs of any one bigger partnership queued ahead of a partnership's first
    job, over all partnerships (`order`: the partnership of each job, in queue order)."""
    ahead: Counter = Counter()
    worst, seen = 0, set()
    for owner in order:
        if owner not in seen:
            seen.add(owner)
            worst = max([worst, *(n for p, n in ahead.items() if sizes[p] > sizes[owner])])
        ahead[owner] += 1
    return worst


def queued_owners(queue, owner_of) -> list[int]:
    return [owner_of(job) for job in queue.get_jobs()]


def sweep(app, sizes: dict[int, int], timeout: float) -> dict:
    from sqlalchemy import func, select

    from coordinator.extensions import db
    from coordinator.models import RecomputeRun
    from workers.sweep import sweep_stale_maps

    with app.app_context():
        queue = app.extensions["rq"]
        started = time.perf_counter()
        stale = sweep_stale_maps()
        queued = time.perf_counter() - started
        order = queued_owners(queue, lambda job: job.args[0])
        done, deadline = 0, time.monotonic() + timeout
        while time.monotonic() < deadline:  # bounded by the timeout
            db.session.rollback()
            done = db.session.scalar(select(func.count(func.distinct(
                RecomputeRun.partnership_id))).where(
                RecomputeRun.trigger == "hourly", RecomputeRun.finished_at.is_not(None)))
            if done >= len(stale):
                break
            time.sleep(1.0)
        elapsed = time.perf_counter() - started
        runs = db.session.execute(select(RecomputeRun.partnership_id, RecomputeRun.started_at,
                                         RecomputeRun.status, RecomputeRun.duration_s)
                                  .where(RecomputeRun.trigger == "hourly")).all()
    first_start = {}
    for pid, at, _, _ in runs:
        first_start[pid] = min(at, first_start.get(pid, at))
    started_before = max((sum(1 for q, at in first_start.items()
                              if sizes[q] > sizes[p] and at < first_start[p])
                          for p in first_start), default=0)
    return {"stale": len(stale), "done": done, "queued_s": queued, "elapsed_s": elapsed,
            "statuses": dict(Counter(status for _, _, status, _ in runs)),
            "busy_s": sum(d or 0.0 for _, _, _, d in runs),
            "behind": behind_bigger(order, sizes),
            "behind_by_id": behind_bigger(sorted(order), sizes),
            "started_before": started_before}


def digests(app, sizes: dict[int, int], timeout: float) -> dict:
    from sqlalchemy import func, select

    from coordinator.extensions import db
    from coordinator.models import DigestDelivery
    from workers.digests import plan_digests

    with app.app_context():
        queue = app.extensions["rq"]
        started = time.perf_counter()
        planned = plan_digests(DIGESTS_AT.isoformat())
        queued = time.perf_counter() - started
        owner = dict(db.session.execute(select(DigestDelivery.id,
                                               DigestDelivery.partnership_id)).all())
        order = queued_owners(queue, lambda job: owner[job.args[0][0]])
        total = len(owner)
        sent, deadline = 0, time.monotonic() + timeout
        while time.monotonic() < deadline:  # bounded by the timeout
            db.session.rollback()
            sent = db.session.scalar(select(func.count()).select_from(DigestDelivery).where(
                DigestDelivery.status.in_(("sent", "failed", "unknown", "skipped"))))
            if sent >= total:
                break
            time.sleep(1.0)
        elapsed = time.perf_counter() - started
        statuses = dict(db.session.execute(select(DigestDelivery.status, func.count())
                                           .group_by(DigestDelivery.status)).all())
    return {"planned": planned, "rows": total, "jobs": len(order), "queued_s": queued,
            "elapsed_s": elapsed, "statuses": statuses, "behind": behind_bigger(order, sizes),
            "behind_by_id": behind_bigger(sorted(order), sizes)}


# Orchestration ----------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=500)
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--no-digests", action="store_true")
    args = parser.parse_args()
    sizes = sizes_for(args.partnerships, args.members, random.Random(5))
    by_id = dict(enumerate(sizes, start=1))
    print(f"{LABELS[args.db]}; {args.partnerships} partnerships, {sum(sizes):,} members "
          f"(smallest {min(sizes):,}, median {sorted(sizes)[len(sizes) // 2]:,}, largest "
          f"{max(sizes):,}); {args.workers} workers; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        url = seeding.throwaway_database(args.db, folder, PG_NAME)
        redis, redis_url = start_redis(folder)
        controller, sink = start_sink()
        workers = []
        try:
            print(f"seeded in {seed(url, sizes):.0f} s (not timed)")
            from config import TestConfig
            from coordinator import create_app

            app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_url,
                             REDIS_SOCKET_TIMEOUT=5.0, LOG_LEVEL="WARNING")
            workers = start_workers(args.workers, environment(url, redis_url,
                                                              controller.port), folder,
                                    redis_url)
            with LoadWatch() as load:
                swept = sweep(app, by_id, SWEEP_TARGET_S * 2)
            report_sweep(swept, load.summary())
            if not args.no_digests:
                with LoadWatch() as load:
                    sent = digests(app, by_id, DIGESTS_TARGET_S * 2)
                report_digests(sent, sink, load.summary())
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=60)
            controller.stop()
            redis.terminate()
            redis.wait(timeout=30)
            if args.db == "postgres":
                seeding.drop_database(PG_NAME)
            for log in sorted(Path(folder).glob("worker*.log")):
                errors = [line for line in log.read_text().splitlines()
                          if "Traceback" in line or "ERROR" in line]
                if errors:
                    print(f"{log.name}: {len(errors)} error line(s), first: {errors[0]}")


def report_sweep(f: dict, load: dict) -> None:
    verdict = "met" if f["done"] == f["stale"] and f["elapsed_s"] <= SWEEP_TARGET_S else "MISSED"
    print(f"\nhourly sweep: {f['done']} of {f['stale']} stale partnerships recomputed and "
          f"evaluated in {f['elapsed_s']:.0f} s ({f['elapsed_s'] / 60:.1f} min; target ≤ "
          f"{SWEEP_TARGET_S // 60} min: {verdict}); queued in {f['queued_s']:.1f} s; runs "
          f"{f['statuses']}, {f['busy_s']:.0f} s of work in all; load mean "
          f"{load['mean']:.1f}, max {load['max']:.1f}")
    print(f"  fair queueing: at most {f['behind']} job(s) of a bigger partnership queued "
          f"ahead of a partnership's own (by partnership id, as before: "
          f"{f['behind_by_id']}); at most {f['started_before']} bigger partnership(s) "
          f"started before one's own run did (target ≤ 1)")


def report_digests(f: dict, sink, load: dict) -> None:
    done = f["statuses"].get("sent", 0) + f["statuses"].get("skipped", 0)
    verdict = ("met" if done == f["rows"] and f["elapsed_s"] <= DIGESTS_TARGET_S
               else "MISSED")
    print(f"\ndigests: {done:,} of {f['rows']:,} sent or skipped as empty "
          f"({sink.messages:,} messages reached "
          f"the server, {sum(n > 1 for n in sink.message_ids.values())} twice) in "
          f"{f['elapsed_s']:.0f} s ({f['elapsed_s'] / 60:.1f} min; target ≤ "
          f"{DIGESTS_TARGET_S // 60} min: {verdict}), "
          f"{done / max(f['elapsed_s'], 0.1):.0f} a second, {f['jobs']} jobs; planned "
          f"{f['planned']} in {f['queued_s']:.1f} s; rows {f['statuses']}; load mean "
          f"{load['mean']:.1f}, max {load['max']:.1f}")
    print(f"  fair queueing: at most {f['behind']} job(s) of a bigger partnership queued "
          f"ahead of a partnership's first (each partnership's batches together, as "
          f"before: {f['behind_by_id']}; target ≤ 1)")


if __name__ == "__main__":
    main()
