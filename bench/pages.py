"""Time every coordinator page, the map, the people lists and the board at 10,000 and
100,000 members with a realistic history; count their queries.

    python bench/pages.py [--db sqlite|postgres|both] [--sizes 10000 100000] [--repeat 20]

For each size and database: seeds bench/alerts.py's synthetic partnership (planted
knowledge groups, members/2 tasks with teams and 180 days of joins and leaves, 2 ×
members meetings, work logs, comments, join requests, a knowledge map; SQLite in a
temporary file, PostgreSQL in a throwaway `polder_bench_pages` database, dropped at the
end), builds the twelve weeks of readings a first evaluation backfills (timed apart),
runs one full evaluation as the worker would (it writes the week's readings, the page
figures and the alerts; target ≤ 15 s at 100,000 members), then logs in as an admin and
times each page through the Flask test client: the server's time for routing,
queries and rendering, without a network. Prints p50 and p95 of `--repeat` requests per
page with its queries, the databases side by side, then the growth from the smallest to
the largest size. Targets: every page ≤ 150 ms p95 at 100,000 members, and the same
number of queries per page at every size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, update  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from bench import alerts as world  # noqa: E402
from bench.board import QueryLog, _p95  # noqa: E402
from bench.seeding import drop_database, throwaway_database  # noqa: E402
from config import TestConfig  # noqa: E402
from coordinator import create_app  # noqa: E402
from coordinator.extensions import db  # noqa: E402

PG_NAME = "polder_bench_pages"
TARGET_MS, EVALUATION_TARGET_S = 150, 15.0
PASSWORD = "a long bench passphrase"
ME = 1
LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    results, evaluations = {}, {}
    for size in args.sizes:
        for kind in kinds:
            results[size, kind], evaluations[size, kind] = run(kind, size, args.repeat)
    report(results, evaluations, args.sizes, kinds, args.repeat)


def run(kind: str, members: int, repeat: int) -> tuple[dict, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        uri = throwaway_database(kind, folder, PG_NAME)
        try:
            seeded, _, _ = world.seed(uri, members)
            print(f"{LABELS[kind]}: seeded {members:,} members in {seeded:.0f} s",
                  file=sys.stderr)
            return bench(uri, kind, members, repeat)
        finally:
            if kind == "postgres":
                drop_database(PG_NAME)


def bench(uri: str, kind: str, members: int, repeat: int) -> tuple[dict, tuple[float, float]]:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=uri, LOG_LEVEL="WARNING")
    try:
        with app.app_context():
            backfilled, evaluated = prepare()
            print(f"{LABELS[kind]}: twelve weeks of readings backfilled in {backfilled:.1f} s; "
                  f"one evaluation at {members:,} members in {evaluated:.1f} s",
                  file=sys.stderr)
            pages = plan()
            log = QueryLog(db.engine)
            db.session.remove()
        return measure(app, pages, log, repeat), (backfilled, evaluated)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def prepare() -> tuple[float, float]:
    """Let member 1 log in as an admin; build the readings' twelve weeks, then evaluate as
    the worker does. Returns the seconds of each."""
    from coordinator.models import Membership, Partnership, User
    from coordinator.services import evaluation, readings

    db.session.execute(update(User).where(User.id == ME).values(
        password_hash=generate_password_hash(PASSWORD,
                                             method=TestConfig.PASSWORD_HASH_METHOD)))
    db.session.execute(update(Membership).where(Membership.id == ME).values(role="admin"))
    db.session.commit()
    started = time.perf_counter()
    readings.backfill(db.session.get(Partnership, 1), world.NOW)
    db.session.commit()
    backfilled = time.perf_counter() - started
    db.session.remove()
    started = time.perf_counter()
    evaluation.evaluate_partnership(db.session.get(Partnership, 1), world.NOW)
    db.session.commit()
    evaluated = time.perf_counter() - started
    db.session.remove()
    return backfilled, evaluated


def plan() -> dict[str, str]:
    """The URLs: the first alert of each kind and scope, the largest cluster, a task with
    a team in a working group, started by someone else than member 1."""
    from coordinator.models import Alert, Cluster, Task

    base = f"/p/{world_slug()}"
    pages = {
        "desk": f"{base}/desk/",
        "desk, filtered": f"{base}/desk/?kind=joinholism_team&status=open",
        "health": f"{base}/desk/health",
        "power": f"{base}/desk/power",
        "thresholds": f"{base}/desk/thresholds",
        "contingency": f"{base}/desk/contingency",
    }
    for kind, scope_type, alert_id in db.session.execute(
            select(Alert.kind, Alert.scope_type, func.min(Alert.id))
            .group_by(Alert.kind, Alert.scope_type).order_by(Alert.kind, Alert.scope_type)):
        pages[f"alert, {kind}, {scope_type}"] = f"{base}/desk/alerts/{alert_id}"
    largest = db.session.scalar(select(Cluster.id).order_by(Cluster.size.desc()).limit(1))
    task = db.session.scalar(select(Task.id).where(
        Task.filled > 3, Task.working_group_id.is_not(None), Task.status == "active",
        Task.initiator_id != ME).order_by(Task.id).limit(1))
    pages |= {
        "map": f"{base}/knowledge/",
        "cluster (largest)": f"{base}/knowledge/clusters/{largest}",
        "people": f"{base}/members",
        "people, search": f"{base}/members?q=member+12",
        "admin": f"{base}/admin/",
        "admin, members": f"{base}/admin/members",
        "board": f"{base}/tasks",
        "board, filtered": f"{base}/tasks?q=plan&sort=due",
        "task page": f"{base}/tasks/{task}",
    }
    return pages


def world_slug() -> str:
    from coordinator.models import Partnership

    return db.session.scalar(select(Partnership.slug).where(Partnership.id == 1))


def log_in(client) -> None:
    response = client.post("/login", data={"email": f"m{ME}@bench.example",
                                           "password": PASSWORD})
    assert response.status_code == 302, response.status_code


def measure(app, pages: dict[str, str], log: QueryLog, repeat: int) -> dict:
    client = app.test_client()
    log_in(client)

    def hit(url: str) -> tuple[float, int]:
        log.statements.clear()
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(log.statements)

    figures = {"load": os.getloadavg()[0]}
    for name, url in pages.items():
        first = hit(url)[0]
        if first > 5_000:  # a page this slow would take minutes: time it once
            figures[name] = (first, first, str(hit(url)[1]))
            continue
        for _ in range(2):  # warm up caches, statement compilation, the connection pool
            hit(url)
        runs = [hit(url) for _ in range(repeat)]
        times = sorted(ms for ms, _ in runs)
        queries = "/".join(str(n) for n in sorted({n for _, n in runs}))
        figures[name] = (statistics.median(times), _p95(times), queries)
    return figures


def report(results: dict, evaluations: dict, sizes: list[int], kinds: tuple[str, ...],
           repeat: int) -> None:
    for size in sizes:
        loads = ", ".join(f"{LABELS[k]} {results[size, k]['load']:.1f}" for k in kinds)
        print(f"\n{size:,} members (n={repeat} per page; ms; queries per request; "
              f"load {loads})")
        print(f"{'page':<34}" + "".join(f"{LABELS[k] + ' p50':>17}{'p95':>9}{'q':>5}"
                                        for k in kinds))
        for page in pages_of(results, size, kinds):
            line = f"{page:<34}"
            for kind in kinds:
                p50, p95, queries = results[size, kind].get(page, (0, 0, "-"))
                flag = "!" if p95 > TARGET_MS else " "
                line += f"{p50:>17.1f}{p95:>8.1f}{flag}{queries:>5}"
            print(line)
        print("one full evaluation with the readings: " + ", ".join(
            f"{LABELS[k]} {evaluations[size, k][1]:.1f} s" for k in kinds)
              + " (the first one's twelve-week backfill: " + ", ".join(
            f"{LABELS[k]} {evaluations[size, k][0]:.1f} s" for k in kinds) + ")")
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print(f"\ngrowth from {small:,} to {large:,} members (p95 ratio; queries)")
        for page in pages_of(results, large, kinds):
            cells = []
            for kind in kinds:
                a, b = results[small, kind].get(page), results[large, kind].get(page)
                if a and b:
                    same = "same" if a[2] == b[2] else f"{a[2]}→{b[2]}"
                    cells.append(f"{LABELS[kind]} ×{b[1] / max(a[1], 0.1):.2f} ({same})")
            print(f"  {page:<32} " + "; ".join(cells))
    missed = [(size, kind, page) for (size, kind), pages in results.items()
              for page, figure in pages.items() if page != "load" and figure[1] > TARGET_MS]
    print(f"\npages over {TARGET_MS} ms p95 (marked !): "
          + (", ".join(f"{p} on {LABELS[k]} at {s:,}" for s, k, p in missed) or "none"))
    late = [f"{LABELS[k]} at {s:,}" for (s, k), t in evaluations.items()
            if s >= 100_000 and t[1] > EVALUATION_TARGET_S]
    print(f"evaluations over {EVALUATION_TARGET_S:g} s at 100,000 members: "
          + (", ".join(late) or "none"))


def pages_of(results: dict, size: int, kinds: tuple[str, ...]) -> list[str]:
    names: dict[str, None] = {}
    for kind in kinds:
        names |= dict.fromkeys(p for p in results[size, kind] if p != "load")
    return list(names)


if __name__ == "__main__":
    main()
