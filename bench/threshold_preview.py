"""Benchmark the threshold preview on the readings of a big partnership (issue 15, point 3).

    python bench/threshold_preview.py [--members 10000 100000] [--db sqlite postgres]

Seeds the weekly readings an evaluation stores for a partnership of that many members
(members / 2 task teams and 2 % as many working groups, each with its two team measures;
30 clusters; the partnership's and the power measures), 12 weeks of them plus 8 older
ones, then times `thresholds.preview` with every previewable threshold changed, as the
Thresholds page calls it. Target: ≤ 1 s at 100,000 members.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seeding  # noqa: E402

PG_NAME = "polder_preview_bench"
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
WEEKS = 20
REPEAT = 10


def rows_for(n: int, rnd: random.Random):
    from coordinator.domain import weekly

    scopes = ([("task", str(i), m) for i in range(1, n // 2 + 1)
               for m in (weekly.TEAM_BLAU, weekly.TEAM_JOINT)]
              + [("group", str(i), m) for i in range(1, n // 50 + 1)
                 for m in (weekly.TEAM_BLAU, weekly.TEAM_JOINT)]
              + [("cluster", str(i), weekly.OUTSIDE) for i in range(1, 31)]
              + [("partnership", "0", m) for m in (weekly.EI, weekly.JOINT, weekly.OUTPUTS,
                                                    weekly.LOWEST_VOICE)]
              + [("tier", t, m) for t in ("high", "medium", "low")
                 for m in (weekly.VOICE, weekly.OVERDUE, weekly.DECLINED, weekly.HOURS)])
    current = weekly.week_of(NOW)
    for back in range(WEEKS):
        week = current - timedelta(weeks=back)
        for scope_type, key, metric in scopes:
            yield {"partnership_id": 1, "week": week, "metric": metric,
                   "scope_type": scope_type, "scope_key": key, "value": rnd.random(),
                   "measured_at": NOW}


def measure(url: str, n: int) -> dict:
    from config import TestConfig
    from coordinator import create_app
    from coordinator.domain.balance.preview import RULES
    from coordinator.extensions import db
    from coordinator.models import Partnership, Reading
    from coordinator.services.balance import thresholds

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, LOG_LEVEL="WARNING")
    with app.app_context():
        db.create_all()
        db.session.add(Partnership(id=1, slug="bench", name="Bench"))
        db.session.commit()
        counts: dict[str, int] = {}
        started = time.perf_counter()
        seeding.put(counts, Reading, rows_for(n, random.Random(1)))
        db.session.commit()
        seeded = time.perf_counter() - started
        # What autovacuum (PostgreSQL) would have done by the time anyone previews.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE readings" if db.engine.dialect.name ==
                                 "postgresql" else "ANALYZE")
        partnership = db.session.get(Partnership, 1)
        current = thresholds.effective(partnership)[0]
        raw = {rule.threshold: str(getattr(current, rule.threshold) * 1.2) for rule in RULES}
        times = []
        for _ in range(REPEAT):
            db.session.expire_all()
            started = time.perf_counter()
            previews = thresholds.preview(partnership, raw, now=NOW)
            times.append(time.perf_counter() - started)
        flagged = sum(len(p.then_flagged) for p in previews)
        db.engine.dispose()
    times.sort()
    return {"rows": counts.get("readings", 0), "seeded": seeded,
            "p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))],
            "flagged": flagged}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", nargs="+", choices=["sqlite", "postgres"],
                        default=["sqlite", "postgres"])
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
          f"{REPEAT} previews each, every previewable threshold changed by +20 %")
    print(f"{'db':<9} {'members':>8} {'readings':>10} {'p50':>8} {'p95':>8} {'flagged':>8}")
    for kind in args.db:
        for n in args.members:
            with tempfile.TemporaryDirectory() as folder:
                url = seeding.throwaway_database(kind, folder, PG_NAME)
                try:
                    f = measure(url, n)
                finally:
                    if kind == "postgres":
                        seeding.drop_database(PG_NAME)
            print(f"{kind:<9} {n:>8} {f['rows']:>10,} {f['p50'] * 1000:>6.0f}ms "
                  f"{f['p95'] * 1000:>6.0f}ms {f['flagged']:>8}   (seeded in "
                  f"{f['seeded']:.0f} s)", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
