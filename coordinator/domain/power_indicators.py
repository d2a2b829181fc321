"""The four indicators of disruptive power dynamics (design.md §1 and §4), as shares.

Groups are sectors and power tiers. Every indicator compares a group's share of
something (voice, overdue tasks, declined requests, hours) with what its size would give
it. A group with fewer members than the minimum cell is never reported on its own
("too small to report"), so no small organisation or person is singled out.

1. Exclusion: voice (comments + meeting attendances) share over member share; a group with
   ≥ 10 % of members below 0.33 (≥ 30 voice events). Also: a decision task whose
   discussion has no voice from a critical stakeholder (an organisation or a sector).
2. Exemption: overdue rate of due-dated tasks by the initiator's tier; the high tier's
   ≥ 2× the low tier's and ≥ 0.25 (≥ 5 tasks each).
3. Restrictive practice: decline rate of join requests by the requester's tier; the low
   tier's ≥ 2× the high tier's and ≥ 0.3 (≥ 5 requests each). Reported alongside: the
   share of approval-only tasks by initiator tier.
4. Cost burden: share of logged hours over member share; the low tier's ≥ 1.5 while its
   share of task initiations is below its member share.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from coordinator.domain.balance import Window, at_least, below, format_number, window_ending
from coordinator.domain.chance import binomial_at_most, more_hits_by_chance
from coordinator.domain.power import SECTOR_LABELS, TIERS
from coordinator.domain.power_shares import (  # noqa: F401  (re-exported for callers)
    SECTOR,
    TIER,
    GroupShare,
    Rate,
    group_label,
    group_rates,
    group_shares,
    reportable_groups,
)
from coordinator.domain.thresholds import Thresholds

EXCLUSION = "power_exclusion"
DECISION_VOICE = "power_decision_voice"
EXEMPTION = "power_exemption"
RESTRICTIVE = "power_restrictive"
COST_BURDEN = "power_cost_burden"
POWER_KINDS = (EXCLUSION, DECISION_VOICE, EXEMPTION, RESTRICTIVE, COST_BURDEN)

@dataclass(frozen=True)
class PowerFinding:
    """What a power alert needs; `groups` holds the evidence table as plain values."""

    kind: str
    severity: str
    window: Window
    values: dict
    thresholds: dict
    pattern: str
    advice: str
    scope: tuple[str, int] = ("partnership", 0)
    member_ids: tuple[int, ...] = ()
    task_ids: tuple[int, ...] = ()
    cluster_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Indicator:
    """One indicator's measures over the window, and the findings it gives."""

    kind: str
    window: Window
    tables: dict[str, tuple] = field(default_factory=dict)  # dimension → shares or rates
    findings: tuple[PowerFinding, ...] = ()


# 1. Exclusion from deliberation ------------------------------------------------------

@dataclass(frozen=True)
class Voice:
    """A comment or a meeting attendance: someone's voice in deliberation."""

    member_id: int
    at: datetime


def assess_exclusion(member_groups: Mapping[str, Mapping[int, str]], voices: Iterable[Voice],
                     now: datetime, thresholds: Thresholds) -> Indicator:
    window = window_ending(now, thresholds.power_window_days)
    counts = Counter(v.member_id for v in voices if v.at in window)
    tables = {dimension: group_shares(groups, counts, thresholds.power_min_cell)
              for dimension, groups in member_groups.items()}
    # Voices of members without a sector or tier count on neither side.
    totals = {dimension: sum(row.amount for row in table) for dimension, table in tables.items()}
    candidates = [(dimension, row) for dimension, table in tables.items()
                  if totals[dimension] >= thresholds.exclusion_min_events for row in table
                  if row.reportable and row.ratio is not None
                  and at_least(row.member_share, thresholds.exclusion_min_member_share)]
    chance = per_comparison(thresholds.max_chance, len(candidates))
    findings = [
        _exclusion_finding(dimension, row, totals[dimension], window, thresholds)
        for dimension, row in candidates
        if below(row.ratio, thresholds.exclusion_max_ratio)
        and binomial_at_most(int(row.amount), int(totals[dimension]), row.member_share)
        <= chance]
    return Indicator(EXCLUSION, window, tables, tuple(findings))


def _exclusion_finding(dimension: str, row: GroupShare, total: int, window: Window,
                       thresholds: Thresholds) -> PowerFinding:
    name = group_label(dimension, row.group)
    pattern = (f"The {name} ({row.member_share:.0%} of members) had {row.share:.0%} of the "
               f"voice in deliberation ({format_number(row.amount)} of {format_number(total)} "
               f"comments and meeting attendances in {format_number(window.days)} days): "
               f"{row.ratio:.2f} of a fair share.")
    return PowerFinding(
        kind=EXCLUSION, severity="high" if row.ratio < thresholds.exclusion_max_ratio / 2
        else "medium", window=window,
        values={"dimension": dimension, "group": row.group, "members": row.members,
                "member_share": row.member_share, "voice": row.amount, "voice_share": row.share,
                "ratio": row.ratio, "voice_total": total},
        thresholds=thresholds.pick(
            "exclusion_min_member_share", "exclusion_max_ratio", "exclusion_min_events",
            "power_min_cell", "max_chance", "power_window_days"),
        pattern=pattern,
        advice=f"The indicator suggests the views of the {name} are missing from "
               f"deliberation. Ask its members before decisions close: invite them to the "
               f"meetings where choices are made, and ask for their comments in writing.",
        scope=(f"{dimension}:{row.group}", 0))


@dataclass(frozen=True)
class DecisionTask:
    """A task marked as a decision, with the members who spoke in its discussion."""

    task_id: int
    title: str
    voices: frozenset[int]
    created_at: datetime | None = None


def is_deliberated(task: DecisionTask, now: datetime, thresholds: Thresholds) -> bool:
    """Judged once a week of discussion with a few voices has passed: a decision nobody
    has discussed yet, or one opened this morning, has excluded nobody so far."""
    old_enough = (task.created_at is None
                  or now - task.created_at >= timedelta(days=thresholds.formation_days))
    return old_enough and len(task.voices) >= thresholds.decision_min_voices


def assess_decision_voice(tasks: Iterable[DecisionTask], member_orgs: Mapping[int, int],
                          member_sectors: Mapping[int, str], critical_orgs: Mapping[int, str],
                          critical_sectors: Iterable[str], now: datetime,
                          thresholds: Thresholds) -> tuple[PowerFinding, ...]:
    """A finding per decision task that has heard no voice from a critical stakeholder.

    `critical_orgs` maps organisation id → name.
    """
    window = window_ending(now, thresholds.power_window_days)
    critical_sectors = sorted(set(critical_sectors))
    findings = []
    # An organisation nobody belongs to cannot be heard: flagging it would never clear.
    present = set(member_orgs.values())
    critical_orgs = {org: name for org, name in critical_orgs.items() if org in present}
    for task in tasks:
        if not is_deliberated(task, now, thresholds):
            continue
        heard_orgs = {member_orgs[m] for m in task.voices if m in member_orgs}
        heard_sectors = {member_sectors[m] for m in task.voices if m in member_sectors}
        missing = ([name for org, name in sorted(critical_orgs.items(), key=lambda kv: kv[1])
                    if org not in heard_orgs]
                   + [SECTOR_LABELS.get(s, s).lower() + " sector" for s in critical_sectors
                      if s not in heard_sectors])
        if not missing:
            continue
        who = ", ".join(missing)
        findings.append(PowerFinding(
            kind=DECISION_VOICE, severity="high" if len(missing) > 1 else "medium",
            window=window,
            values={"title": task.title, "missing": missing, "voices": len(task.voices),
                    "missing_orgs": [org for org in sorted(critical_orgs)
                                     if org not in heard_orgs],
                    "missing_sectors": [s for s in critical_sectors if s not in heard_sectors]},
            thresholds=thresholds.pick("decision_min_voices", "formation_days"),
            pattern=f'The decision "{task.title}" has heard {len(task.voices)} '
                    f"{'voice' if len(task.voices) == 1 else 'voices'}, none from: {who}.",
            advice=f'Invite {who} to the decision on "{task.title}" before it closes.',
            scope=("task", task.task_id), task_ids=(task.task_id,),
            member_ids=tuple(sorted(task.voices))))
    return tuple(findings)


# 2. Exemption from compliance --------------------------------------------------------

@dataclass(frozen=True)
class DueTask:
    """A due-dated task, its initiator, and when (if ever) it was completed."""

    task_id: int
    initiator_id: int
    due_on: date
    completed_on: date | None
    live: bool  # open or active now
    created_at: datetime | None = None


def as_of(task: DueTask, now: datetime) -> DueTask | None:
    """The task as it stood at `now` (for trends): None before it existed, live until its
    completion. A task cancelled later is left as it is now: cancelling is not dated."""
    if task.created_at is not None and task.created_at > now:
        return None
    if task.completed_on is not None and task.completed_on > now.date():
        return DueTask(task.task_id, task.initiator_id, task.due_on, None, True,
                       task.created_at)
    return task


def is_overdue(task: DueTask, today: date) -> bool:
    if task.completed_on is not None:
        return task.completed_on > task.due_on
    return task.live and task.due_on < today


def per_comparison(max_chance: float, comparisons: int) -> float:
    """The chance level for each of several comparisons made at once (Bonferroni): with
    five sectors compared every day, one of them would otherwise look unusual by luck far
    more often than `max_chance`. The tiers' high-against-low comparison is the one the
    indicator is named for, so it keeps the whole level."""
    return max_chance / max(1, comparisons)


def rate_gap(group: Rate | None, other: Rate | None, ratio: float, min_rate: float,
             min_total: int, max_chance: float) -> bool:
    """`group`'s rate is past `min_rate` and `ratio` × `other`'s, on at least `min_total`
    events of the group judged and half as many of the one it is compared with, and a gap
    that large is unlikely by chance alone (one-sided Fisher exact test).

    The group judged carries the whole minimum: four late tasks of seven in a month are
    common luck, while a reference of a handful on-time tasks is still a reference.
    """
    return bool(
        group and other and group.reportable and other.reportable
        and group.total >= min_total and other.total >= math.ceil(min_total / 2)
        and at_least(group.rate, min_rate) and at_least(group.rate, ratio * other.rate)
        and more_hits_by_chance(group.hits, group.total, other.hits, other.total)
        <= max_chance)


def rest_of(rates: Mapping[str, Rate], group: str) -> Rate:
    """Every other group pooled: what a sector is compared with."""
    others = [r for g, r in rates.items() if g != group]
    return Rate("others", sum(r.members for r in others), sum(r.hits for r in others),
                sum(r.total for r in others), True)


def sector_gaps(rates: Mapping[str, Rate], ratio: float, min_rate: float, min_total: int,
                max_chance: float) -> list[tuple[Rate, Rate]]:
    """(sector, the other sectors) for each sector whose rate stands out from the rest."""
    pairs = [(rates[g], rest_of(rates, g)) for g in sorted(rates)]
    return [(mine, rest) for mine, rest in pairs
            if rate_gap(mine, rest, ratio, min_rate, min_total, max_chance)]


def _sector_name(group: str) -> str:
    return group_label(SECTOR, group)


def assess_exemption(member_tiers: Mapping[int, str], tasks: Iterable[DueTask], now: datetime,
                     thresholds: Thresholds,
                     member_sectors: Mapping[int, str] | None = None) -> Indicator:
    """Overdue rate of due-dated tasks by the initiator's tier (high against low) and
    sector (each against the others).

    The tasks are those live now or completed in the window; cancelled ones are left out.
    """
    window = window_ending(now, thresholds.power_window_days)
    today = now.date()
    tasks = [t for t in (as_of(t, now) for t in tasks) if t is not None
             and (t.live or (t.completed_on is not None
                             and t.completed_on > window.start.date()))]
    late = [(t, is_overdue(t, today)) for t in tasks]
    rates = group_rates(member_tiers, ((t.initiator_id, hit) for t, hit in late),
                        thresholds.power_min_cell)
    by_sector = (group_rates(member_sectors, ((t.initiator_id, hit) for t, hit in late),
                             thresholds.power_min_cell) if member_sectors is not None else {})
    gap = (thresholds.exemption_rate_ratio, thresholds.exemption_min_rate,
           thresholds.exemption_min_tasks)
    sector_chance = per_comparison(thresholds.max_chance, len(by_sector))
    high, low = rates.get("high"), rates.get("low")
    findings = []
    tables = {TIER: tuple(rates.values())}
    if rate_gap(high, low, *gap, thresholds.max_chance):
        overdue = tuple(sorted(t.task_id for t, hit in late
                               if hit and member_tiers.get(t.initiator_id) == "high"))
        pattern = (f"High-tier organisations let {high.hits} of their {high.total} due-dated "
                   f"tasks run late ({high.rate:.0%}); low-tier organisations {low.hits} of "
                   f"{low.total} ({low.rate:.0%}).")
        findings.append(_exemption_finding(high, low, pattern, overdue, window, thresholds))
    if member_sectors is not None:
        tables[SECTOR] = tuple(by_sector.values())
        for mine, rest in sector_gaps(by_sector, *gap, sector_chance):
            overdue = tuple(sorted(t.task_id for t, hit in late
                                   if hit and member_sectors.get(t.initiator_id) == mine.group))
            pattern = (f"Tasks started in the {_sector_name(mine.group)} ran late {mine.hits} "
                       f"of {mine.total} times ({mine.rate:.0%}); in the other sectors "
                       f"{rest.hits} of {rest.total} ({rest.rate:.0%}).")
            findings.append(_exemption_finding(mine, rest, pattern, overdue, window,
                                               thresholds, (f"{SECTOR}:{mine.group}", 0)))
    return Indicator(EXEMPTION, window, tables, tuple(findings))


def _exemption_finding(mine: Rate, other: Rate, pattern: str, overdue: tuple[int, ...],
                       window: Window, thresholds: Thresholds,
                       scope: tuple[str, int] = ("partnership", 0)) -> PowerFinding:
    side = "high" if scope[0] == "partnership" else mine.group
    rest = "low" if scope[0] == "partnership" else "others"
    return PowerFinding(
        kind=EXEMPTION,
        severity="high" if at_least(mine.rate, 2 * thresholds.exemption_rate_ratio
                                    * other.rate) and mine.rate >= 0.5 else "medium",
        window=window, values={side: _rate_values(mine), rest: _rate_values(other)},
        thresholds=thresholds.pick(
            "exemption_rate_ratio", "exemption_min_rate", "exemption_min_tasks",
            "power_min_cell", "max_chance", "power_window_days"),
        pattern=pattern,
        advice="The indicator suggests some partners are held to their commitments less "
               "than others. Review the overdue tasks with their initiators in the open: "
               "agree a new date or hand the task over.",
        scope=scope, task_ids=overdue)


def _rate_values(rate: Rate) -> dict:
    return {"members": rate.members, "hits": rate.hits, "total": rate.total, "rate": rate.rate}


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
            {"high": _rate_values(high), "low": _rate_values(low),
             "approval_only": {g: _rate_values(r) for g, r in approval.items()}},
            pattern, window, thresholds))
    if member_sectors is not None:
        tables[SECTOR] = tuple(by_sector.values())
        for mine, rest in sector_gaps(by_sector, *gap, sector_chance):
            pattern = (f"Join requests from the {_sector_name(mine.group)} were declined "
                       f"{mine.hits} of {mine.total} times ({mine.rate:.0%}); from the other "
                       f"sectors {rest.hits} of {rest.total} ({rest.rate:.0%}).")
            findings.append(_restrictive_finding(
                {mine.group: _rate_values(mine), "others": _rate_values(rest)}, pattern,
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

@dataclass(frozen=True)
class Hours:
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
    for h in hours:
        if h.on in window:
            logged[h.member_id] += h.hours
    started = Counter(member for member, at in initiations if at in window)
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
                        f"The {_sector_name(row.group)}", (f"{SECTOR}:{row.group}", 0)))
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


# Two windows ----------------------------------------------------------------------------

def recent_thresholds(thresholds: Thresholds) -> Thresholds:
    """The same indicators over the last team window, so a change shows within weeks
    rather than once it fills the whole power window. Each window gets half the chance
    level, so judging both is no likelier to raise a false alarm than judging one."""
    return replace(thresholds, power_window_days=thresholds.team_window_days,
                   max_chance=thresholds.max_chance / 2)


def full_thresholds(thresholds: Thresholds) -> Thresholds:
    return replace(thresholds, max_chance=thresholds.max_chance / 2)


def merge_windows(full: Iterable[PowerFinding], recent: Iterable[PowerFinding]
                  ) -> list[PowerFinding]:
    """One finding per (kind, scope): the full window's where both found it."""
    merged = {(f.kind, f.scope): f for f in recent}
    merged.update({(f.kind, f.scope): f for f in full})
    return list(merged.values())
