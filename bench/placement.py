"""Benchmark placing a profile the latest map has not seen (issue 15, point 5).

    python bench/placement.py [--members 10000 100000] [--db sqlite postgres] [--new 40]

For each database and size: seed the planted partnership of bench/recompute.py, compute
its map (timed, for scale), then add `--new` members whose profiles copy sampled
members', and time the real `placement()` for each as the profile page calls it: the
first call of the process (which parses the snapshot's placement model) apart, then p50
and p95 of the rest, with the queries per call. "Agrees" is how often the provisional
cluster is the one the map gave the copied member: the next map's likely answer.
Target: p95 ≤ 1 s at 100,000 members.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.recompute import seed  # noqa: E402
from bench.seeding import drop_database, throwaway_database  # noqa: E402

PG_NAME = "polder_placement_bench"


def measure(url: str, n: int, new: int) -> dict:
    from sqlalchemy import event, insert, select

    from config import TestConfig
    from coordinator import create_app
    from coordinator.extensions import db
    from coordinator.models import (
        Cluster,
        ClusterAssignment,
        ClusterSnapshot,
        Membership,
        Partnership,
        User,
        membership_tags,
    )
    from coordinator.services.knowledge import compute as knowledge
    from coordinator.services.knowledge.placement import placement

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        started = time.perf_counter()
        snapshot = knowledge.recompute(db.session.get(Partnership, 1), force=True).snapshot
        db.session.commit()
        mapped_in = time.perf_counter() - started
        model_kb = len(json.dumps(db.session.scalar(
            select(ClusterSnapshot.placement_model)
            .where(ClusterSnapshot.id == snapshot.id)))) / 1024
        originals = random.Random(7).sample(range(1, n + 1), new)
        cluster_of = dict(db.session.execute(
            select(ClusterAssignment.membership_id, Cluster.stable_id)
            .join(Cluster, Cluster.id == ClusterAssignment.cluster_id)
            .where(ClusterAssignment.snapshot_id == snapshot.id,
                   ClusterAssignment.membership_id.in_(originals))).all())
        copies = {}
        for i, original in enumerate(originals):
            source = db.session.get(Membership, original)
            copy_id = n + 1 + i
            db.session.execute(insert(User), [{"id": copy_id, "name": f"New {i}",
                                               "email": f"new{i}@bench.example"}])
            db.session.execute(insert(Membership), [{
                "id": copy_id, "partnership_id": 1, "user_id": copy_id, "role": "member",
                "bio": source.bio}])
            tags = [t.id for t in source.tags]
            if tags:
                db.session.execute(insert(membership_tags), [
                    {"membership_id": copy_id, "tag_id": t} for t in tags])
            copies[copy_id] = original
        db.session.commit()

        queries = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda *args: queries.append(1))
        times, counts, agree = [], [], 0
        for copy_id, original in copies.items():
            db.session.expire_all()
            member = db.session.get(Membership, copy_id)
            queries.clear()
            started = time.perf_counter()
            found = placement(member)
            times.append(time.perf_counter() - started)
            counts.append(len(queries))
            assert found.provisional
            agree += found.cluster is not None and \
                found.cluster.stable_id == cluster_of.get(original)
        db.engine.dispose()
    warm = sorted(times[1:])
    return {"mapped": mapped_in, "first": times[0] * 1000,
            "p50": statistics.median(warm) * 1000,
            "p95": warm[int(0.95 * (len(warm) - 1))] * 1000,
            "queries": max(counts), "agree": agree / len(copies), "model_kb": model_kb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", nargs="+", choices=["sqlite", "postgres"],
                        default=["sqlite", "postgres"])
    parser.add_argument("--new", type=int, default=40, help="new profiles placed per run")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'db':<9} {'members':>8} {'map':>7} {'first':>8} {'p50':>7} {'p95':>7} "
          f"{'queries':>7} {'agrees':>7} {'model':>8}")
    for kind in args.db:
        for n in args.members:
            with tempfile.TemporaryDirectory() as folder:
                url = throwaway_database(kind, folder, PG_NAME)
                seed(url, n)
                f = measure(url, n, args.new)
                if kind == "postgres":
                    drop_database(PG_NAME)
            print(f"{kind:<9} {n:>8} {f['mapped']:>6.1f}s {f['first']:>6.0f}ms "
                  f"{f['p50']:>5.0f}ms {f['p95']:>5.0f}ms {f['queries']:>7} "
                  f"{f['agree']:>7.0%} {f['model_kb']:>6.0f}KB", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
