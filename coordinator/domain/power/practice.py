"""Indicators 3 and 4 of disruptive power dynamics (docs/coordinators.md): practices that
restrict less powerful partners, and costs that fall on them. Indicators 1 and 2 are in
power_indicators.py, whose findings and arithmetic these share.

3. Restrictive practice: decline rate of join requests by the requester's tier (the low
   tier's ≥ 2× the high tier's and ≥ 0.3) and sector (each against the others), on at
   least 10 requests of the group judged and 5 of the other, unlikely by chance.
   Reported alongside: the share of approval-only tasks by initiator tier.
4. Cost burden: share of logged hours over member share, for the low tier and each
   sector, ≥ 1.5 while the group starts fewer tasks than its size would give it, once
   enough hours were logged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from coordinator.domain.balance.findings import (
    Window,
    at_least,
    below,
    format_number,
    window_ending,
)
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.power.indicators import COST_BURDEN, RESTRICTIVE, Indicator, PowerFinding
from coordinator.domain.power.sectors import TIERS
from coordinator.domain.power.shares import (
    SECTOR,
    TIER,
    GroupShare,
    group_rates,
    group_shares,
    per_comparison,
    rate_gap,
    rate_values,
    sector_gaps,
    sector_name,
)

# 3. Restrictive practice -------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    """A join request decided: who asked, when, declined or not."""

    requester_id: int
    at: datetime
    declined: bool


def assess_restrictive(member_tiers: Mapping[int, str], decisions: Iterable[Decision],
                       approval_tasks: Iterable[tuple[int, bool]], now: datetime,
                       thresholds: Thresholds,
                       member_sectors: Mapping[int, str] | None = None) -> Indicator:
    """Decline rate by requester tier (low against high) and sector (each against the
    others); `approval_tasks` is (initiator, approval-only) per task started in the
    window, reported as the share of approval-only tasks by tier."""
    window = window_ending(now, thresholds.power_window_days)
    decided = [(d.requester_id, d.declined) for d in decisions if d.at in window]
    rates = group_rates(member_tiers, decided, thresholds.power_min_cell)
    approval = group_rates(member_tiers, approval_tasks, thresholds.power_min_cell)
    by_sector = (group_rates(member_sectors, decided, thresholds.power_min_cell)
                 if member_sectors is not None else {})
    gap = (thresholds.restrictive_rate_ratio, thresholds.restrictive_min_rate,
           thresholds.restrictive_min_requests)
    sector_chance = per_comparison(thresholds.max_chance, len(by_sector))
    high, low = rates.get("high"), rates.get("low")
    findings = []
    tables = {TIER: tuple(rates.values()), "approval_only": tuple(approval.values())}
    if rate_gap(low, high, *gap, thresholds.max_chance):
        pattern = (f"Join requests from low-tier organisations were declined {low.hits} of "
                   f"{low.total} times ({low.rate:.0%}); from high-tier ones {high.hits} of "
                   f"{high.total} ({high.rate:.0%}).")
        findings.append(_restrictive_finding(
            {"high": rate_values(high), "low": rate_values(low),
             "approval_only": {g: rate_values(r) for g, r in approval.items()}},
            pattern, window, thresholds))
    if member_sectors is not None:
        tables[SECTOR] = tuple(by_sector.values())
        for mine, rest in sector_gaps(by_sector, *gap, sector_chance):
            pattern = (f"Join requests from the {sector_name(mine.group)} were declined "
                       f"{mine.hits} of {mine.total} times ({mine.rate:.0%}); from the other "
                       f"sectors {rest.hits} of {rest.total} ({rest.rate:.0%}).")
            findings.append(_restrictive_finding(
                {mine.group: rate_values(mine), "others": rate_values(rest)}, pattern,
                window, thresholds, (f"{SECTOR}:{mine.group}", 0)))
    return Indicator(RESTRICTIVE, window, tables, tuple(findings))


def _restrictive_finding(values: dict, pattern: str, window: Window, thresholds: Thresholds,
                         scope: tuple[str, int] = ("partnership", 0)) -> PowerFinding:
    return PowerFinding(
        kind=RESTRICTIVE, severity="medium", window=window, values=values,
        thresholds=thresholds.pick(
            "restrictive_rate_ratio", "restrictive_min_rate", "restrictive_min_requests",
            "power_min_cell", "max_chance", "power_window_days"),
        pattern=pattern,
        advice="The indicator suggests the ways of joining work hold back some partners. "
               "Open more tasks to anyone with the knowledge, and give a reason with every "
               "declined request.",
        scope=scope)


# 4. Cost burden ----------------------------------------------------------------------

class Hours(NamedTuple):
    """Hours a member logged for a day; a named tuple, built by the hundred thousand (a
    plain (member, day, hours) tuple is read the same)."""

    member_id: int
    on: date
    hours: float


def assess_cost_burden(member_tiers: Mapping[int, str], hours: Iterable[Hours],
                       initiations: Iterable[tuple[int, datetime]], now: datetime,
                       thresholds: Thresholds,
                       member_sectors: Mapping[int, str] | None = None) -> Indicator:
    """Share of logged hours over member share, for the low tier and for each sector,
    while that group starts fewer tasks than its size; `initiations` is (initiator,
    created_at). Judged only once enough hours were logged in the window."""
    window = window_ending(now, thresholds.power_window_days)
    logged: Counter[int] = Counter()
    # Window.__contains__ inline, for a bare date: hundreds of thousands of work logs.
    start, end = window.start, window.end
    first, last = start.date(), end.date()
    # Unpacked, so plain (member, day, hours) tuples serve as well as Hours.
    for member, on, amount in hours:
        if start < on <= end if isinstance(on, datetime) else first < on <= last:
            logged[member] += amount
    started = Counter(member for member, at in initiations if start < at <= end)
    hour_table = group_shares(member_tiers, logged, thresholds.power_min_cell, TIERS)
    start_table = group_shares(member_tiers, started, thresholds.power_min_cell, TIERS)
    tables = {TIER: hour_table, "initiations": start_table}
    judged = at_least(sum(r.amount for r in hour_table), thresholds.cost_min_hours)
    findings = []
    low = next((r for r in hour_table if r.group == "low"), None)
    low_start = next((r for r in start_table if r.group == "low"), None)
    if judged and _burdened(low, low_start, thresholds):
        findings.append(_cost_finding(low, low_start, hour_table, window, thresholds,
                                      "Low-tier organisations"))
    if member_sectors is not None:
        sector_hours = group_shares(member_sectors, logged, thresholds.power_min_cell)
        sector_starts = {r.group: r for r in group_shares(member_sectors, started,
                                                          thresholds.power_min_cell)}
        tables[SECTOR] = sector_hours
        tables["sector_initiations"] = tuple(sector_starts.values())
        if at_least(sum(r.amount for r in sector_hours), thresholds.cost_min_hours):
            for row in sector_hours:
                if _burdened(row, sector_starts.get(row.group), thresholds):
                    findings.append(_cost_finding(
                        row, sector_starts[row.group], sector_hours, window, thresholds,
                        f"The {sector_name(row.group)}", (f"{SECTOR}:{row.group}", 0)))
    return Indicator(COST_BURDEN, window, tables, tuple(findings))


def _burdened(hours: GroupShare | None, starts: GroupShare | None,
              thresholds: Thresholds) -> bool:
    return (hours is not None and starts is not None and hours.reportable
            and hours.ratio is not None and at_least(hours.ratio, thresholds.cost_min_ratio)
            and below(starts.share, hours.member_share))


def _cost_finding(row: GroupShare, starts: GroupShare, table: tuple[GroupShare, ...],
                  window: Window, thresholds: Thresholds, who: str,
                  scope: tuple[str, int] = ("partnership", 0)) -> PowerFinding:
    pattern = (f"{who} ({row.members} members, {row.member_share:.0%}) logged "
               f"{row.share:.0%} of the hours ({format_number(row.amount, 0)} of "
               f"{format_number(sum(r.amount for r in table), 0)}) but started "
               f"{starts.share:.0%} of the tasks in {format_number(window.days)} days.")
    return PowerFinding(
        kind=COST_BURDEN, severity="high" if at_least(row.ratio, 2 * thresholds.cost_min_ratio)
        else "medium", window=window,
        values={"hours_ratio": row.ratio, "hours_share": row.share,
                "member_share": row.member_share, "hours": row.amount,
                "initiation_share": starts.share, "members": row.members},
        thresholds=thresholds.pick("cost_min_ratio", "cost_min_hours", "power_min_cell",
                                   "power_window_days"),
        pattern=pattern,
        advice=f"Rebalance: {who[0].lower() + who[1:]} logged {row.share:.0%} of hours with "
               f"{row.member_share:.0%} of members while starting few tasks. Ask the "
               f"better-resourced partners to take on a fair part of the work they start, "
               f"and fund the time of those who carry it.",
        scope=scope)
