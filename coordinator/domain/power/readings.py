"""What the power indicators read now, per alert scope, in a sentence: shown beside the
reading that raised a power alert once it has resolved."""

from __future__ import annotations

from collections.abc import Iterable

from coordinator.domain.power.indicators import (
    DECISION_VOICE,
    EXCLUSION,
    EXEMPTION,
    DecisionTask,
    Indicator,
)
from coordinator.domain.power.practice import COST_BURDEN, RESTRICTIVE
from coordinator.domain.power.sectors import SECTORS, TIERS
from coordinator.domain.power.shares import SECTOR, TIER, GroupShare, Rate, group_label, rest_of

ScopeKey = tuple[str, str, int]


def _rate(rate: Rate | None, what: str) -> str:
    if rate is None or rate.rate is None:
        return f"no {what}"
    return f"{rate.hits} of {rate.total} ({rate.rate:.0%})"


def _scope(dimension: str, group: str) -> tuple[str, int]:
    return dimension, (SECTORS if dimension == SECTOR else TIERS).index(group)


def _shares(kind: str, indicator: Indicator, what: str) -> dict[ScopeKey, str]:
    found = {}
    for dimension in (SECTOR, TIER):
        for row in indicator.tables.get(dimension, ()):
            if isinstance(row, GroupShare) and row.group in (SECTORS + TIERS) and row.members:
                found[(kind, *_scope(dimension, row.group))] = (
                    f"The {group_label(dimension, row.group)} ({row.member_share:.0%} of "
                    f"members) has {row.share:.0%} of the {what}.")
    return found


def _rates(kind: str, indicator: Indicator, what: str, judged: str, other: str
           ) -> dict[ScopeKey, str]:
    tiers = {r.group: r for r in indicator.tables.get(TIER, ())}
    found = {(kind, "partnership", 0): (
        f"{judged.capitalize()} tier: {_rate(tiers.get(judged), what)}; {other} tier: "
        f"{_rate(tiers.get(other), what)}.")}
    sectors = {r.group: r for r in indicator.tables.get(SECTOR, ())}
    for group, row in sectors.items():
        if group in SECTORS:
            found[(kind, *_scope(SECTOR, group))] = (
                f"The {group_label(SECTOR, group)}: {_rate(row, what)}; the other sectors: "
                f"{_rate(rest_of(sectors, group), what)}.")
    return found


def power_readings(exclusion: Indicator, exemption: Indicator, restrictive: Indicator,
                   cost_burden: Indicator, decisions: Iterable[DecisionTask]
                   ) -> dict[ScopeKey, str]:
    readings = {
        **_shares(EXCLUSION, exclusion, "voice in deliberation"),
        **_rates(EXEMPTION, exemption, "due-dated tasks late", "high", "low"),
        **_rates(RESTRICTIVE, restrictive, "requests declined", "low", "high"),
        **_shares(COST_BURDEN, cost_burden, "logged hours"),
    }
    low = next((r for r in cost_burden.tables.get(TIER, ()) if r.group == "low"), None)
    if low is not None:
        readings[(COST_BURDEN, "partnership", 0)] = (
            f"Low-tier organisations ({low.member_share:.0%} of members) logged "
            f"{low.share:.0%} of the hours.")
    for task in decisions:
        readings[(DECISION_VOICE, "task", task.task_id)] = (
            f'The decision "{task.title}" has heard {len(task.voices)} '
            f"{'voice' if len(task.voices) == 1 else 'voices'}.")
    return readings
