"""What a web process costs: memory after serving every page once, and what it imported.

    python bench/web_memory.py [--code DIR ...]

Seeds the demo partnership into a temporary SQLite database, then, in a fresh process per
code tree, logs in as the demo's admin (who is also a coordinator) and GETs every page of
the app once: each rule of the URL map that takes no token, with the demo's ids. Prints
the peak resident memory, the pages served, and whether the numerical stack (numpy,
scipy, scikit-learn, igraph) was loaded. Web processes never cluster, so they should not
pay for it. `--code` names other checkouts to measure beside this one (say, an earlier
commit unpacked with `git archive`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "scipy", "sklearn", "igraph")
DEMO_ADMIN = "admin@demo.polder.example"


def seed(folder: Path) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
           "POLDER_INSTANCE_DIR": str(folder), "REDIS_URL": "", "FLASK_APP": "wsgi.py",
           "SECRET_KEY": "bench-secret-key-0123456789abcdefghij"}
    for command in (["db", "upgrade"], ["seed-demo", "--now", "2026-11-23T08:00:00+00:00"]):
        subprocess.run([sys.executable, "-m", "flask", *command], cwd=ROOT, env=env,
                       check=True, capture_output=True, timeout=600)
    return env


def measure(code: Path, env: dict[str, str]) -> dict:
    # A refused Redis: changes are stamped for the sweep instead of recomputed here, so
    # the figure is the page's own cost.
    child_env = {**env, "REDIS_URL": "redis://127.0.0.1:1/0", "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--serve-pages"],
                          cwd=code, env=child_env, capture_output=True, text=True,
                          timeout=600)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def serve_pages() -> dict:
    """In the child: every page once, then the figures as one JSON line."""
    import resource

    from coordinator import create_app

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    response = client.post("/login", data={"email": DEMO_ADMIN,
                                           "password": "polder-demo-2026"})
    assert response.status_code == 302, response.status_code
    statuses: dict[str, int] = {}
    with app.app_context():
        urls = page_urls(app)
    for url in urls:
        statuses[url] = client.get(url).status_code
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rss_mb": round(rss_mb, 1), "pages": len(statuses),
            "errors": {u: s for u, s in statuses.items() if s >= 500},
            "not_ok": {u: s for u, s in statuses.items() if s >= 400},
            "loaded": [name for name in HEAVY if name in sys.modules]}


def page_urls(app) -> list[str]:
    from sqlalchemy import select
    from werkzeug.routing import AnyConverter

    from coordinator.extensions import db
    from coordinator.models import (
        Alert,
        Cluster,
        JointActivity,
        Membership,
        Organisation,
        Partnership,
        Task,
        WorkingGroup,
    )

    demo = db.session.scalar(select(Partnership).where(Partnership.slug == "demo"))
    first = {
        "task_id": Task, "member_id": Membership, "organisation_id": Organisation,
        "group_id": WorkingGroup, "activity_id": JointActivity, "cluster_id": Cluster,
        "alert_id": Alert,
    }
    ids = {name: db.session.scalar(select(model.id).where(model.partnership_id == demo.id)
                                   .order_by(model.id).limit(1))
           for name, model in first.items()}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "main.healthz",
                                                          "main.readyz"):
            continue
        if rule.arguments & {"token", "session_id"}:
            continue  # signed links and per-browser ids: not pages one browses to
        values = {"slug": demo.slug}
        for name in rule.arguments - {"slug"}:
            converter = rule._converters[name]
            if isinstance(converter, AnyConverter):
                values[name] = sorted(converter.items)[0]
            elif ids.get(name) is not None:
                values[name] = ids[name]
        if rule.arguments - values.keys():
            continue
        with app.test_request_context():
            from flask import url_for

            urls.append(url_for(rule.endpoint, **values))
    return sorted(set(urls))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve-pages", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, nargs="*", default=[],
                        help="other checkouts to measure beside this one")
    args = parser.parse_args()
    if args.serve_pages:
        print(json.dumps(serve_pages()))
        return
    with tempfile.TemporaryDirectory() as folder:
        env = seed(Path(folder))
        print(f"{'code':<40} {'pages':>5} {'≥400':>5} {'peak RSS':>9}  numerical stack")
        for code in [ROOT, *args.code]:
            figures = measure(code, env)
            loaded = ", ".join(figures["loaded"]) or "not loaded"
            print(f"{str(code):<40} {figures['pages']:>5} {len(figures['not_ok']):>5} "
                  f"{figures['rss_mb']:>6.0f} MB  {loaded}")
            if figures["not_ok"]:
                print(f"  not served: {figures['not_ok']}")


if __name__ == "__main__":
    main()
