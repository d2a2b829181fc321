"""Every power indicator compares sectors as well as tiers, and none reports a gap that
chance alone could explain, or one drawn from a handful of hours.

40 members: sectors by tens (business 1-10, government 11-20, academia 21-30, civil
society 31-40); tiers by twenties (low 1-20, high 21-40). Window as in the indicator
tables: 90 days up to 2026-11-23 12:00.
"""

from datetime import UTC, datetime, timedelta

import pytest

from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.power.indicators import EXEMPTION, SECTOR, DueTask, assess_exemption
from coordinator.domain.power.practice import (
    COST_BURDEN,
    Decision,
    Hours,
    assess_cost_burden,
    assess_restrictive,
)

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
TODAY, DAY = NOW.date(), timedelta(days=1)
SECTORS = {m: ("business", "government", "academia", "civil_society")[(m - 1) // 10]
           for m in range(1, 41)}
TIERS = {m: "low" if m <= 20 else "high" for m in range(1, 41)}
DEFAULTS = Thresholds()


def tasks_of(members, late: int, total: int, start: int) -> list[DueTask]:
    return [DueTask(start + i, members[i % len(members)],
                    TODAY - 10 * DAY if i < late else TODAY + 10 * DAY, None, True)
            for i in range(total)]


def sector(name: str) -> list[int]:
    return [m for m, s in SECTORS.items() if s == name]


def others(name: str) -> list[int]:
    return [m for m, s in SECTORS.items() if s != name]


@pytest.mark.parametrize(("late", "found"), [
    # Business: 8 of 10 late; the other sectors 3 of 24. 0.8 ≥ 2 × 0.125 and ≥ 0.25;
    # Fisher one-sided p = 0.00033 (Σ C(10,i)·C(24,11−i)/C(34,11), i = 8..10), under
    # the chance level 0.01 shared over the 4 sectors compared: 0.0025.
    (8, True),
    # 4 of 10 against 3 of 24: 0.4 ≥ 2 × 0.125, but p = 0.09: could be luck.
    (4, False),
])
def test_exemption_compares_each_sector_with_the_others(late, found):
    tasks = tasks_of(sector("business"), late, 10, 1) + tasks_of(others("business"), 3, 24,
                                                                 100)
    result = assess_exemption(TIERS, tasks, NOW, DEFAULTS, SECTORS)
    by_sector = [f for f in result.findings if f.scope[0].startswith(SECTOR)]
    assert [f.scope for f in by_sector] == ([("sector:business", 0)] if found else [])
    if found:
        finding = by_sector[0]
        assert finding.kind == EXEMPTION
        assert finding.values == {
            "business": {"members": 10, "hits": 8, "total": 10, "rate": 0.8},
            "others": {"members": 30, "hits": 3, "total": 24, "rate": 0.125}}
        assert finding.pattern == ("Tasks started in the business sector ran late 8 of 10 "
                                   "times (80%); in the other sectors 3 of 24 (12%).")
        assert finding.task_ids == tuple(range(1, 9))
    assert {r.group for r in result.tables[SECTOR]} == {"business", "government",
                                                        "academia", "civil_society"}


@pytest.mark.parametrize(("high_late", "found"), [
    (10, True),  # 10 of 10 against 0 of 5: p = 1 / C(15, 5) = 0.0003
    (6, False),  # 6 of 10 against 0 of 5: p = C(10,6) / C(15,6) = 0.042 > 0.01
])
def test_exemption_of_tiers_is_not_reported_when_chance_could_explain_it(high_late, found):
    tasks = tasks_of(list(range(21, 41)), high_late, 10, 1) + tasks_of(list(range(1, 21)),
                                                                       0, 5, 100)
    result = assess_exemption(TIERS, tasks, NOW, DEFAULTS)
    assert [f.scope for f in result.findings] == ([("partnership", 0)] if found else [])


@pytest.mark.parametrize(("declined", "others_declined", "found"), [
    (7, 2, True),  # 7 of 10 against 2 of 30: p = 0.0002 < 0.01 / 4 sectors
    (4, 2, False),  # 4 of 10 against 2 of 30: 0.4 ≥ 2 × 0.067, but p = 0.026
])
def test_restrictive_compares_each_sector_with_the_others(declined, others_declined, found):
    asking = sector("civil_society")
    decisions = ([Decision(asking[i], NOW - DAY, i < declined) for i in range(10)]
                 + [Decision(m, NOW - DAY, i < others_declined)
                    for i, m in enumerate(others("civil_society"))])
    result = assess_restrictive(TIERS, decisions, [], NOW, DEFAULTS, SECTORS)
    finding = next((f for f in result.findings if f.scope == ("sector:civil_society", 0)),
                   None)
    assert (finding is not None) is found
    if found:
        assert finding.values == {
            "civil_society": {"members": 10, "hits": declined, "total": 10,
                              "rate": declined / 10},
            "others": {"members": 30, "hits": 2, "total": 30, "rate": pytest.approx(1 / 15)}}
        assert finding.pattern.startswith("Join requests from the civil society sector were "
                                          f"declined {declined} of 10 times")


def test_restrictive_rate_on_too_few_requests_is_not_judged():
    asking = sector("civil_society")
    decisions = ([Decision(asking[i], NOW - DAY, True) for i in range(9)]
                 + [Decision(m, NOW - DAY, False) for m in others("civil_society")])
    result = assess_restrictive(TIERS, decisions, [], NOW, DEFAULTS, SECTORS)
    assert result.findings == ()  # 9 of 9 declined, but fewer than 10 requests


def hours_for(members, total: float) -> list[Hours]:
    return [Hours(m, TODAY - DAY, total / len(members)) for m in members]


@pytest.mark.parametrize(("total", "found"), [(50.0, True), (49.5, False)])
def test_cost_burden_needs_its_fewest_hours(total, found):
    """Academia logs 80 % of the hours with 25 % of members and starts no task."""
    hours = hours_for(sector("academia"), 0.8 * total) + hours_for(others("academia"),
                                                                   0.2 * total)
    starts = [(m, NOW - DAY) for m in others("academia")]
    result = assess_cost_burden(TIERS, hours, starts, NOW, DEFAULTS, SECTORS)
    scopes = [f.scope for f in result.findings]
    assert (("sector:academia", 0) in scopes) is found
    if found:
        finding = next(f for f in result.findings if f.scope == ("sector:academia", 0))
        assert finding.kind == COST_BURDEN
        assert finding.values["hours_ratio"] == pytest.approx(3.2)
        assert finding.pattern.startswith("The academia sector (10 members, 25%) logged 80% "
                                          "of the hours (40 of 50)")
