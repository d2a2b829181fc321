"""The four indicators of disruptive power dynamics (docs/coordinators.md), as shares:
exclusion and exemption here, restrictive practice and cost burden in power_practice.py.

Groups are sectors and power tiers. Every indicator compares a group's share of
something (voice, overdue tasks, declined requests, hours) with what its size would give
it. A group with fewer members than the minimum cell is never reported on its own
("too small to report"), so no small organisation or person is singled out.

1. Exclusion: voice (comments + meeting attendances) share over member share; a group with
   ≥ 10 % of members below 0.33 (≥ 30 voice events). Also: a decision task whose
   discussion has no voice from a critical stakeholder (an organisation or a sector).
2. Exemption: overdue rate of due-dated tasks by the initiator's tier and sector; the
   high tier's ≥ 2× the low tier's and ≥ 0.25 (≥ 10 tasks judged, 5 compared with),
   unlikely by chance.
3. Restrictive practice: decline rate of join requests by the requester's tier; the low
   tier's ≥ 2× the high tier's and ≥ 0.3. Reported alongside: the share of approval-only
   tasks by initiator tier.
4. Cost burden: share of logged hours over member share; the low tier's ≥ 1.5 while its
   share of task initiations is below its member share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import chain
from typing import NamedTuple

from coordinator.domain.balance.findings import (
    Window,
    at_least,
    below,
    format_number,
    window_ending,
)
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.power.chance import binomial_at_most
from coordinator.domain.power.sectors import SECTOR_LABELS
from coordinator.domain.power.shares import (  # noqa: F401  (re-exported for callers)
    SECTOR,
    TIER,
    GroupShare,
    Rate,
    group_label,
    group_rates,
    group_shares,
    per_comparison,
    rate_gap,
    rate_values,
    reportable_groups,
    sector_gaps,
    sector_name,
)

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

class Voice(NamedTuple):
    """A comment or a meeting: when, and who was heard in it (a comment's author, a
    meeting's attendees); each member heard counts as one voice.

    One tuple per occasion rather than per person: at 100,000 members an evaluation reads
    300,000 occasions holding a million attendances, and building a tuple per attendance
    was the largest part of the power indicators' load."""

    at: datetime
    member_ids: Collection[int]


def assess_exclusion(member_groups: Mapping[str, Mapping[int, str]], voices: Iterable[Voice],
                     now: datetime, thresholds: Thresholds) -> Indicator:
    window = window_ending(now, thresholds.power_window_days)
    start, end = window.start, window.end  # inline: a million voices at 100,000 members
    counts = Counter(chain.from_iterable(v.member_ids for v in voices
                                         if start < v.at <= end))
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
            pattern = (f"Tasks started in the {sector_name(mine.group)} ran late {mine.hits} "
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
        window=window, values={side: rate_values(mine), rest: rate_values(other)},
        thresholds=thresholds.pick(
            "exemption_rate_ratio", "exemption_min_rate", "exemption_min_tasks",
            "power_min_cell", "max_chance", "power_window_days"),
        pattern=pattern,
        advice="The indicator suggests some partners are held to their commitments less "
               "than others. Review the overdue tasks with their initiators in the open: "
               "agree a new date or hand the task over.",
        scope=scope, task_ids=overdue)


