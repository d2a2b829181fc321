"""Today's reading of each power alert scope, as a resolved alert shows it."""

from datetime import UTC, date, datetime

from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.power.indicators import DecisionTask, DueTask, assess_exemption
from coordinator.domain.power.readings import power_readings
from coordinator.domain.power.shares import group_shares

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
TIERS = {m: "low" if m <= 5 else "high" for m in range(1, 11)}
SECTORS = {m: "business" if m % 2 else "government" for m in range(1, 11)}


def test_rates_read_for_the_tiers_and_each_sector():
    late, on_time = date(2026, 11, 1), date(2026, 12, 30)
    tasks = [DueTask(i, i, late if i in (6, 7) else on_time, None, True) for i in range(1, 11)]
    exemption = assess_exemption(TIERS, tasks, NOW, Thresholds(), SECTORS)
    empty = type(exemption)(exemption.kind, exemption.window)
    readings = power_readings(empty, exemption, empty, empty,
                              [DecisionTask(3, "Budget", frozenset({1}))])
    assert readings[("power_exemption", "partnership", 0)] == (
        "High tier: 2 of 5 (40%); low tier: 0 of 5 (0%).")
    # Members 6 and 7 are government and business: one late task each in 5.
    assert readings[("power_exemption", "sector", 0)] == (
        "The business sector: 1 of 5 (20%); the other sectors: 1 of 5 (20%).")
    assert readings[("power_decision_voice", "task", 3)] == (
        'The decision "Budget" has heard 1 voice.')


def test_shares_read_for_each_group():
    table = group_shares(TIERS, {1: 30.0, 6: 10.0}, 5)
    indicator = type(assess_exemption(TIERS, [], NOW, Thresholds()))(
        "power_cost_burden", None, {"tier": table})
    empty = type(indicator)("x", None)
    readings = power_readings(empty, empty, empty, indicator, [])
    assert readings[("power_cost_burden", "tier", 0)] == (
        "The low tier (50% of members) has 75% of the logged hours.")
    assert readings[("power_cost_burden", "partnership", 0)] == (
        "Low-tier organisations (50% of members) logged 75% of the hours.")
