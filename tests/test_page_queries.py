"""Every coordinator page, the map, the people lists and the board run the same number of
queries whatever the size of the partnership: seeded as bench/pages.py seeds it, at two
sizes, each page's statements are counted."""

import json

from bench import alerts as world
from bench import pages as bench_pages
from coordinator.extensions import db
from tests.queries import counted_queries

# Pages every seeding of this kind has; alert pages come in by the kinds that fired.
EXPECTED = {"desk", "desk, filtered", "health", "power", "thresholds", "contingency", "map",
            "cluster (largest)", "people", "people, search", "admin", "admin, members",
            "board", "board, filtered", "task page", "alert, joinholism_team, task",
            "alert, alignophilia_team, task"}


def _counts(app, members: int) -> dict[str, int]:
    world.seed(app.config["SQLALCHEMY_DATABASE_URI"], members)
    with app.app_context():
        bench_pages.prepare()
        pages = bench_pages.plan()
        db.session.remove()
    client = app.test_client()
    bench_pages.log_in(client)
    counts = {}
    for name, url in pages.items():
        client.get(url)  # the first request of a kind fills caches (thresholds, labels)
        with app.app_context(), counted_queries(db.engine) as statements:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(statements)
    return counts


def test_queries_per_page_do_not_grow_with_the_partnership(app):
    small = _counts(app, 300)
    large = _counts(app, 1_200)
    assert EXPECTED <= small.keys() & large.keys(), sorted(small.keys() & large.keys())
    common = sorted(small.keys() & large.keys())
    assert {p: large[p] for p in common} == {p: small[p] for p in common}
    assert max(small.values()) <= 25, json.dumps(small)
