"""domain.weekly.reading_changes: what a week's stored rows need to read as wanted."""

import random

import pytest

from coordinator.domain.weekly import Reading, reading_changes


def R(metric, key, value, scope="task"):  # noqa: N802
    return Reading(metric, scope, key, value)


@pytest.mark.parametrize(("stored", "wanted", "drop", "add"), [
    ([], [R("ei", "1", 0.5)], [], [R("ei", "1", 0.5)]),
    ([(1, "ei", "task", "1", 0.5)], [R("ei", "1", 0.5)], [], []),
    ([(1, "ei", "task", "1", None)], [R("ei", "1", None)], [], []),
    ([(1, "ei", "task", "1", 0.5)], [R("ei", "1", 0.25)], [1], [R("ei", "1", 0.25)]),
    ([(1, "ei", "task", "1", None)], [R("ei", "1", 0.0)], [1], [R("ei", "1", 0.0)]),
    ([(1, "ei", "task", "1", 0.5)], [], [1], []),
    # A scope stored twice, or wanted twice, is rewritten whole.
    ([(1, "ei", "task", "1", 0.5), (2, "ei", "task", "1", 0.5)], [R("ei", "1", 0.5)],
     [1, 2], [R("ei", "1", 0.5)]),
    ([(1, "ei", "task", "1", 0.5)], [R("ei", "1", 0.5), R("ei", "1", 0.5)],
     [1], [R("ei", "1", 0.5), R("ei", "1", 0.5)]),
    # Same key in another scope type is another reading.
    ([(1, "ei", "group", "1", 0.5)], [R("ei", "1", 0.5)], [1], [R("ei", "1", 0.5)]),
])
def test_changes(stored, wanted, drop, add):
    assert reading_changes(stored, wanted) == (drop, add)


def test_applying_the_changes_gives_the_wanted_rows():
    rnd = random.Random(5)
    for _ in range(200):
        stored = [(i, "m", "task", str(rnd.randrange(6)), rnd.choice([None, 0.0, 0.5, 1.0]))
                  for i in range(rnd.randrange(8))]
        wanted = [R("m", str(rnd.randrange(6)), rnd.choice([None, 0.0, 0.5, 1.0]))
                  for _ in range(rnd.randrange(8))]
        drop, add = reading_changes(stored, wanted)
        after = [(m, s, k, v) for i, m, s, k, v in stored if i not in drop]
        after += [(r.metric, r.scope_type, r.scope_key, r.value) for r in add]
        key = lambda row: (row[:3], row[3] is None, row[3] or 0)  # noqa: E731
        assert sorted(after, key=key) == sorted(
            ((r.metric, r.scope_type, r.scope_key, r.value) for r in wanted), key=key)
