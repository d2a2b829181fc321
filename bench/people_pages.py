"""Time the member lists and the attendee search at 1,000 and 10,000 members; count their
queries.

    python bench/people_pages.py [--db sqlite|postgres|both] [--sizes 1000 10000]
                                 [--repeat 30]

For each size, seeds one partnership with bench/board.py's seeding (members, 60
organisations, 300 tags, as many tasks as members) and gives the members varied names,
a few coordinators and admins; SQLite in a temporary file, PostgreSQL in a fresh
`polder_bench_people` database on the local test server (bench/seeding.py), dropped at the
end. Logs in as an admin and times requests through the Flask test client, so a figure
is the server's time: routing, queries and rendering, without a network. Prints the
median and p95 of `--repeat` requests per page with the queries each ran, the two
databases side by side. Target: every page ≤ 150 ms p95 at 10,000 members, and queries
per page the same at both sizes.
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

from sqlalchemy import bindparam, select, update  # noqa: E402

from bench.board import ME, PASSWORD, SLUG, QueryLog, _p95, seed  # noqa: E402
from bench.seeding import drop_database, throwaway_database  # noqa: E402
from config import TestConfig  # noqa: E402
from coordinator import create_app  # noqa: E402
from coordinator.extensions import db  # noqa: E402
from coordinator.models import Membership, Participation, Tag, Task, User  # noqa: E402
from coordinator.models.people import name_key  # noqa: E402

PG_NAME = "polder_bench_people"
TARGET_MS = 150
FIRST = ("Anna", "Bram", "Chloé", "Daan", "Eva", "Femke", "Gijs", "Hanna", "Iris", "Jasper",
         "Kees", "Lotte", "Milan", "Noor", "Olaf", "Pieter", "Quinten", "Roos", "Sanne",
         "Thijs", "Ulla", "Vera", "Wouter", "Xander", "Yara", "Zoë", "Amir", "Fatima",
         "Mehmet", "Priya")
LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
        "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
        "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van den Berg", "Kok",
        "Jacobs", "Vermeulen", "van Dijk", "Schouten", "Willems", "Hoekstra", "Koster",
        "Prins", "Kuipers", "Postma", "Huisman", "Verhoeven", "Bosman", "Evers", "Kramer")
SECTOR = "government"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    results: dict[tuple[int, str], dict[str, tuple[float, float, str]]] = {}
    for size in args.sizes:
        for kind in kinds:
            results[size, kind] = run(kind, size, args.repeat)
    report(results, args.sizes, kinds, args.repeat)


def run(kind: str, members: int, repeat: int) -> dict[str, tuple[float, float, str]]:
    with tempfile.TemporaryDirectory() as folder:
        uri = throwaway_database(kind, folder, PG_NAME)
        try:
            return bench(uri, kind, members, repeat)
        finally:
            if kind == "postgres":
                drop_database(PG_NAME)


def bench(uri: str, kind: str, members: int, repeat: int) -> dict:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=uri, LOG_LEVEL="WARNING")
    try:
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            seed(members, members, random.Random(7))
            name_people(members, random.Random(11))
            print(f"{kind}: seeded {members:,} members and {members:,} tasks "
                  f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            pages = plan(members)
            log = QueryLog(db.engine)
        return measure(app, pages, log, repeat)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def name_people(members: int, rnd: random.Random) -> None:
    """Names people search for ("Bram Jansen"), and roles the admin filter picks: the
    seeding's "Member 17" would make every search match everyone."""
    users = User.__table__
    rows = [{"uid": i, "new_name": f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"}
            for i in range(1, members + 1)]
    db.session.execute(update(users).where(users.c.id == bindparam("uid"))
                       .values(name=bindparam("new_name")), rows)
    memberships = Membership.__table__
    db.session.execute(update(memberships).where(memberships.c.id == bindparam("uid"))
                       .values(sort_name=bindparam("key")),
                       [{"uid": r["uid"], "key": name_key(r["new_name"])} for r in rows])
    db.session.execute(update(Membership).where(Membership.id % 50 == 0)
                       .values(role="coordinator"))
    db.session.execute(update(Membership).where(
        (Membership.id % 500 == 0) | (Membership.id == ME)).values(role="admin"))
    db.session.commit()


def plan(members: int) -> dict[str, tuple[str, dict | None]]:
    tag = db.session.scalar(select(Tag.name).order_by(Tag.id).limit(1))
    task = db.session.scalar(select(Task.id).where(Task.initiator_id == ME)
                             .order_by(Task.filled.desc(), Task.id).limit(1))
    chosen = list(db.session.scalars(select(Participation.membership_id)
                                     .where(Participation.task_id == task).limit(2)))
    admin, people = f"/p/{SLUG}/admin/members", f"/p/{SLUG}/members"
    form = {"kind": "meeting", "title": "Quarterly review", "occurred_at": "2026-11-20T10:00",
            "duration_minutes": "60", "link": f"task:{task}", "attendee_q": "jans",
            "attendee_ids": [str(i) for i in chosen], "find": "1"}
    return {
        "admin, first page": (admin, None),
        "admin, search": (f"{admin}?q=jansen", None),
        "admin, filtered": (f"{admin}?role=member&org=7", None),
        "admin, last page": (f"{admin}?page={-(-members // 50)}", None),
        "people, first page": (people, None),
        "people, search": (f"{people}?q=bram", None),
        "people, filtered": (f"{people}?sector={SECTOR}&tag={tag}", None),
        "people, last page": (f"{people}?page={-(-members // 30)}", None),
        "activity form, find": (f"/p/{SLUG}/activities/new", form),
        "attendee search JSON": (f"/p/{SLUG}/activities/attendees?q=jans", None),
    }


def measure(app, pages: dict, log: QueryLog, repeat: int) -> dict:
    client = app.test_client()
    response = client.post("/login", data={"email": f"member{ME}@bench.example",
                                           "password": PASSWORD})
    assert response.status_code == 302, response.status_code

    def hit(url: str, data: dict | None) -> tuple[float, int]:
        log.statements.clear()
        started = time.perf_counter()
        response = client.post(url, data=data) if data else client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(log.statements)

    figures = {}
    for name, (url, data) in pages.items():
        for _ in range(3):  # warm up caches, statement compilation, the connection pool
            hit(url, data)
        runs = [hit(url, data) for _ in range(repeat)]
        times = sorted(ms for ms, _ in runs)
        queries = "/".join(str(n) for n in sorted({n for _, n in runs}))
        figures[name] = (statistics.median(times), _p95(times), queries)
    return figures


def report(results: dict, sizes: list[int], kinds: tuple[str, ...], repeat: int) -> None:
    labels = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    for size in sizes:
        print(f"\n{size:,} members (n={repeat} per page; ms; queries per request)")
        head = f"{'page':<24}" + "".join(
            f"{labels[k] + ' p50':>17}{'p95':>8}{'q':>4}" for k in kinds)
        print(head)
        for page in results[size, kinds[0]]:
            line = f"{page:<24}"
            for kind in kinds:
                p50, p95, queries = results[size, kind][page]
                flag = "!" if p95 > TARGET_MS else " "
                line += f"{p50:>17.1f}{p95:>7.1f}{flag}{queries:>4}"
            print(line)
    if len(sizes) > 1:
        same = all(results[sizes[0], k][page][2] == results[size, k][page][2]
                   for size in sizes for k in kinds for page in results[size, k])
        print(f"\nqueries per page the same at every size: {'yes' if same else 'NO'}")
    missed = [(size, kind, page) for (size, kind), pages in results.items()
              for page, (_, p95, _) in pages.items() if p95 > TARGET_MS]
    print(f"pages over {TARGET_MS} ms p95 (marked !): "
          + (", ".join(f"{p} on {labels[k]} at {s:,}" for s, k, p in missed) or "none"))


if __name__ == "__main__":
    main()
