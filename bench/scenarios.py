"""The alert rules on simulated partnerships with a known truth: today's rules beside the
ones they replaced, in one run.

    python bench/scenarios.py [--seeds 1 2 3] [--members 150] [--weeks 16]
                              [--baseline 5fe6200] [--no-baseline]

Each scenario is a partnership with half a year of healthy history, then observed for
`--weeks` weeks with an evaluation every simulated day: a healthy control, and one
planted case per alert kind starting in the fifth observed week (bench/simulation/
plants.py says what each plants). Per case it prints whether the planted kind was
detected, the days from onset to its first alert, the alerts raised, and the alert load
(open alerts per 100 members, averaged over the observed days); then the same for the
seeded demo partnership. Targets: every planted case within 14 days, 0 alerts on the
control.

The baseline rules are the `coordinator` package of the `--baseline` commit, taken
with `git archive` into a temporary folder and run in a child process on the same
simulated partnerships: the simulation only reads the rules through the functions the
evaluation job calls, leaving out fields the older code does not know.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "5fe6200"  # main before the alert rules learned to wait for a pattern
TARGET_DAYS = 14


def _rules_path() -> None:
    """`--rules-from DIR` puts an older `coordinator` before this checkout's."""
    if "--rules-from" in sys.argv:
        sys.path.insert(0, sys.argv[sys.argv.index("--rules-from") + 1])
    sys.path.insert(1 if "--rules-from" in sys.argv else 0, str(ROOT))


def measure(seeds: list[int], members: int, weeks: int) -> dict:
    """Every case on every seed, and the demo's load: plain values, for JSON."""
    from bench.simulation.suite import CASES, run

    results = []
    for case in CASES:
        for seed in seeds:
            started = time.perf_counter()
            outcome = run(case, seed=seed, members=members, weeks=weeks).as_dict()
            outcome["seconds"] = round(time.perf_counter() - started, 1)
            outcome["seed"] = seed
            results.append(outcome)
            print(f"  {case} (seed {seed}): {outcome['seconds']} s", file=sys.stderr,
                  flush=True)
    return {"cases": results, "demo": demo_load()}


def demo_load() -> dict:
    """Open alerts per 100 members in the seeded demo after one evaluation."""
    from sqlalchemy import func, select

    from config import Config
    from coordinator import create_app
    from coordinator.extensions import db
    from coordinator.models import Alert, Membership

    now = "2026-11-23T12:00:00+00:00"
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/demo.db",
                         SECRET_KEY="bench-only-secret-key-0123456789abcdef", REDIS_URL="",
                         MAIL_SERVER="", TESTING=True)
        with app.app_context():
            db.create_all()
        runner = app.test_cli_runner()
        for args in (["seed-demo", "--now", now],
                     ["recompute", "--partnership", "demo", "--now", now]):
            result = runner.invoke(args=args)
            if result.exit_code != 0:
                raise SystemExit(f"{' '.join(args)} failed: {result.output}")
        with app.app_context():
            alerts = db.session.scalar(select(func.count()).select_from(Alert).where(
                Alert.status != "resolved"))
            members = db.session.scalar(select(func.count()).select_from(Membership))
            kinds = dict(db.session.execute(
                select(Alert.kind, func.count()).where(Alert.status != "resolved")
                .group_by(Alert.kind)).all())
            db.engine.dispose()
    return {"open": alerts, "members": members, "load": round(100 * alerts / members, 2),
            "kinds": kinds}


def baseline(commit: str, args: argparse.Namespace) -> dict:
    """The same measurements with the `coordinator` of `commit`, in a child process."""
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "coordinator"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        command = [sys.executable, __file__, "--rules-from", folder, "--json",
                   "--members", str(args.members), "--weeks", str(args.weeks),
                   "--seeds", *map(str, args.seeds)]
        done = subprocess.run(command, check=True, capture_output=True, text=True,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        return json.loads(done.stdout)


def _summary(rows: list[dict]) -> tuple[str, str, str, str]:
    kind = rows[0]["kind"]
    if kind is None:
        raised = sum(sum(r["raised"].values()) for r in rows)
        kinds = sorted({k for r in rows for k in r["raised"]})
        return ("control", f"{raised} alerts", ", ".join(kinds) or "none",
                f"{sum(r['load'] for r in rows) / len(rows):.2f}")
    delays = [r["delay_days"] for r in rows]
    found = [d for d in delays if d is not None]
    detected = f"{len(found)}/{len(rows)}"
    delay = (f"{min(found)}–{max(found)} d" if found and min(found) != max(found)
             else f"{found[0]} d" if found else "never")
    others = sum(r["other_alerts"] for r in rows)
    return (detected, delay, f"{others}", f"{sum(r['load'] for r in rows) / len(rows):.2f}")


def report(new: dict, old: dict | None, weeks: int) -> None:
    cases = list(dict.fromkeys(r["case"] for r in new["cases"]))
    print(f"\nScenarios: {weeks} observed weeks, an evaluation every day; onset in week 5.")
    print("Per planted case: detected (seeds), days from onset to the first alert, alerts "
          "of other kinds raised around it, alert load (open alerts per 100 members).")
    header = f"{'case':<56} {'rules':<9} {'detected':<9} {'delay':<9} {'others':<8} load"
    print(header)
    print("-" * len(header))
    misses = []
    for case in cases:
        for label, results in (("new", new), ("baseline", old)):
            if results is None:
                continue
            rows = [r for r in results["cases"] if r["case"] == case]
            detected, delay, others, load = _summary(rows)
            print(f"{case:<56} {label:<9} {detected:<9} {delay:<9} {others:<8} {load}")
            if label == "new":
                misses += _misses(case, rows)
    for label, results in (("new", new), ("baseline", old)):
        if results is not None:
            demo = results["demo"]
            print(f"demo partnership ({label}): {demo['open']} open alerts for "
                  f"{demo['members']} members = {demo['load']} per 100 members "
                  f"({', '.join(f'{k} {n}' for k, n in sorted(demo['kinds'].items()))})")
    print("\nTargets (new rules): " + ("all met." if not misses else "; ".join(misses)))


def _misses(case: str, rows: list[dict]) -> list[str]:
    if rows[0]["kind"] is None:
        raised = sum(sum(r["raised"].values()) for r in rows)
        return [f"control raised {raised} alerts"] if raised else []
    late = [r for r in rows if r["delay_days"] is None or r["delay_days"] > TARGET_DAYS]
    return [f"{case}: {len(late)} of {len(rows)} seeds past {TARGET_DAYS} days"] if late else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--members", type=int, default=150)
    parser.add_argument("--weeks", type=int, default=16)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rules-from", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.seeds, args.members, args.weeks)))
        return
    print(f"new rules (this checkout), {args.members} members, seeds {args.seeds}",
          file=sys.stderr)
    new = measure(args.seeds, args.members, args.weeks)
    old = None
    if not args.no_baseline:
        print(f"baseline rules ({args.baseline})", file=sys.stderr)
        old = baseline(args.baseline, args)
    report(new, old, args.weeks)


if __name__ == "__main__":
    _rules_path()
    main()
