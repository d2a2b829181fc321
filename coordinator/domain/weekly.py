"""The week's readings: every measure of every scope an evaluation judges, as numbers.

A week runs Monday to Sunday (UTC). Its reading is the measure at the moment the week
ends, or at `now` for the week still running, over the window ending there: the same
arithmetic as the charts always did (domain.balance.series), taken once per week and
kept, so a page reads twelve rows instead of recomputing twelve weeks of history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from coordinator.domain.balance import series
from coordinator.domain.balance.findings import window_ending
from coordinator.domain.balance.insularity import (
    ClusterTies,
    cluster_tie_table,
    ei_index,
    ties_in_window,
)
from coordinator.domain.balance.joint_work import JointWork
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.power import indicators as pi

WEEK = timedelta(days=7)

# Metrics, by scope: task/group: TEAM_BLAU, TEAM_JOINT; partnership: EI, JOINT, OUTPUTS,
# LOWEST_VOICE; cluster: OUTSIDE; sector and tier: VOICE; tier: OVERDUE, DECLINED, HOURS.
TEAM_BLAU = "team_blau"
TEAM_JOINT = "team_joint_share"
EI = "ei"
JOINT = "joint_share"
OUTPUTS = "outputs"
OUTSIDE = "outside_share"
LOWEST_VOICE = "lowest_voice_ratio"
VOICE = "voice_ratio"
OVERDUE = "overdue_rate"
DECLINED = "decline_rate"
HOURS = "hours_ratio"


@dataclass(frozen=True)
class Reading:
    metric: str
    scope_type: str
    scope_key: str
    value: float | None


def week_of(moment: datetime) -> date:
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def week_end(week: date) -> datetime:
    """The last moment of the week (a second before the next Monday)."""
    return datetime.combine(week + WEEK, time(), UTC) - timedelta(seconds=1)


def weeks_until(now: datetime, count: int) -> list[tuple[date, datetime]]:
    """The last `count` weeks, oldest first, each with the moment its reading is taken
    at: its end, or `now` for the week still running."""
    current = week_of(now)
    weeks = [current - WEEK * (count - 1 - i) for i in range(count)]
    return [(week, min(week_end(week), now)) for week in weeks]


def balance_readings(data, thresholds: Thresholds, moments: Sequence[datetime],
                     ties_at: Mapping[datetime, tuple[float | None, Sequence[ClusterTies]]]
                     | None = None,
                     team_work: Mapping[tuple[str, int], JointWork] | None = None
                     ) -> list[list[Reading]]:
    """Per moment, the balance readings of the partnership, its clusters and its teams
    (services.balance.data.PartnershipData, loaded with history back to the first).

    `ties_at` holds, by moment, the E-I value and the cluster tie table over the
    partnership window ending then, where the caller has them already (an evaluation
    measures them for now): counting a window's ties is the dearest step here.
    `team_work` holds, by (scope type, id), a team's joint work as an evaluation measured
    it; it stands for the team's joint share where its window is the one read here (a
    team formed within the window is judged over less of it).
    """
    knowledge, window = data.knowledge, thresholds.partnership_window_days
    ties_at = ties_at or {}
    columns: list[tuple[str, str, str, list[float | None]]] = [
        (JOINT, "partnership", "0", series.joint_share_series(
            data.activities, data.logs, data.completions, moments, window)),
        (OUTPUTS, "partnership", "0", series.outputs_series(data.completions, moments)),
    ]
    # The ties of each window once, for the E-I index and every cluster's outside share
    # (series.ei_series and series.outside_share_series, without recounting per cluster).
    ei: list[float | None] = []
    outside: dict[int, list[float | None]] = {
        c: [] for c in sorted(set(knowledge.member_clusters.values()))}
    for at in moments:
        if at in ties_at:
            value, table = ties_at[at]
        else:
            ties = ties_in_window(data.stints, window_ending(at, window))
            value = ei_index(ties, knowledge.member_clusters).value
            table = cluster_tie_table(ties, knowledge.member_clusters)
        ei.append(value)
        rows = {r.cluster_id: r for r in table}
        for cluster, values in outside.items():
            row = rows.get(cluster)
            values.append(row.outside_share if row is not None else None)
    columns.append((EI, "partnership", "0", ei))
    columns += [(OUTSIDE, "cluster", str(c), values) for c, values in outside.items()]
    for team in data.teams:
        key = str(team.scope_id)
        columns.append((TEAM_BLAU, team.scope_type, key, series.blau_series(
            team.stints, knowledge, moments, thresholds.team_min_members)))
        known = (team_work or {}).get((team.scope_type, team.scope_id))
        columns.append((TEAM_JOINT, team.scope_type, key, [
            _joint_share(known) if known is not None and known.window == window_ending(
                at, thresholds.team_window_days)
            else series.joint_share_series(team.activities, team.logs, team.completions,
                                           [at], thresholds.team_window_days)[0]
            for at in moments]))
    return [[Reading(metric, scope, key, values[i]) for metric, scope, key, values in columns]
            for i in range(len(moments))]


def _joint_share(work: JointWork) -> float | None:
    """What series.joint_share_series reads from the same window."""
    return work.joint_share if work.joint_hours + work.work_hours > 0 else None


def reading_changes(stored: Iterable[tuple[int, str, str, str, float | None]],
                    wanted: Sequence[Reading]) -> tuple[list[int], list[Reading]]:
    """What turns a week's `stored` rows (id, metric, scope type, scope key, value) into
    `wanted`: the ids to delete and the readings to insert. A row that already reads
    what is wanted stays, so a repeat evaluation of an unchanged partnership writes
    nothing; a scope read twice in either list is rewritten whole."""
    kept: dict[tuple[str, str, str], tuple[int, float | None]] = {}
    doubled: set[tuple[str, str, str]] = set()
    drop: list[int] = []
    for row_id, metric, scope_type, scope_key, value in stored:
        key = (metric, scope_type, scope_key)
        if key in kept or key in doubled:
            doubled.add(key)
            drop.append(row_id)
            if key in kept:
                drop.append(kept.pop(key)[0])
        else:
            kept[key] = (row_id, value)
    counts = Counter((r.metric, r.scope_type, r.scope_key) for r in wanted)
    insert: list[Reading] = []
    for reading in wanted:
        key = (reading.metric, reading.scope_type, reading.scope_key)
        row = kept.get(key) if counts[key] == 1 else None
        if row is not None and row[1] == reading.value:
            del kept[key]
        else:
            insert.append(reading)
    drop += [row_id for row_id, _ in kept.values()]
    return sorted(drop), insert


def power_readings(results, thresholds: Thresholds) -> list[Reading]:
    """The power measures of one moment (services.power.data.PowerResults): each
    sector's and tier's voice ratio, each tier's overdue, decline and hours rates."""
    out = [Reading(LOWEST_VOICE, "partnership", "0", lowest_voice_ratio(results, thresholds))]
    for dimension, table in sorted(results.exclusion.tables.items()):
        for row in table:
            out.append(Reading(VOICE, dimension, row.group,
                               row.ratio if row.reportable else None))
    for metric, indicator in ((OVERDUE, results.exemption), (DECLINED, results.restrictive)):
        for rate in indicator.tables.get(pi.TIER, ()):
            out.append(Reading(metric, pi.TIER, rate.group,
                               rate.rate if rate.reportable else None))
    for row in results.cost_burden.tables.get(pi.TIER, ()):
        out.append(Reading(HOURS, pi.TIER, row.group, row.ratio if row.reportable else None))
    return out


def lowest_voice_ratio(results, t: Thresholds) -> float | None:
    """The lowest voice share over member share of a reportable group big enough."""
    ratios = [row.ratio for table in results.exclusion.tables.values() for row in table
              if row.reportable and row.ratio is not None
              and row.member_share >= t.exclusion_min_member_share]
    return min(ratios) if ratios else None
