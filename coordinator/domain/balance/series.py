"""The balance measures at a series of moments, for charts of a measure over time.

Each point is the measure as an evaluation at that moment would have computed it, over
the window ending there, with today's knowledge clusters (cluster history is not
replayed: the chart shows how the team or partnership moved, not how clusters did).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from coordinator.domain.balance.alignophilia import normalised_blau
from coordinator.domain.balance.findings import PartnershipKnowledge, cluster_counts, window_ending
from coordinator.domain.balance.insularity import Stint, cluster_tie_table, ei_index, ties_in_window
from coordinator.domain.balance.joint_work import (
    Activity,
    Completion,
    WorkLog,
    joint_person_hours,
    joint_share,
    work_hours,
)

WEEK = timedelta(days=7)


def weekly_moments(now: datetime, weeks: int = 12) -> list[datetime]:
    """`weeks` moments a week apart, oldest first, the last one `now`."""
    if weeks < 1:
        raise ValueError("at least one week")
    return [now - WEEK * (weeks - 1 - i) for i in range(weeks)]


def members_at(stints: Iterable[Stint], at: datetime) -> frozenset[int]:
    """Who was on the team at `at`."""
    return frozenset(s.member_id for s in stints
                     if s.joined_at <= at and (s.left_at is None or s.left_at > at))


def blau_series(stints: Sequence[Stint], knowledge: PartnershipKnowledge,
                moments: Sequence[datetime], min_members: int) -> list[float | None]:
    """Team diversity at each moment; None while fewer than `min_members` are clustered."""
    out: list[float | None] = []
    for at in moments:
        counts = cluster_counts(members_at(stints, at), knowledge)
        out.append(normalised_blau(counts.values(), knowledge.cluster_count)
                   if sum(counts.values()) >= min_members else None)
    return out


def joint_share_series(activities: Sequence[Activity], logs: Sequence[WorkLog],
                       completions: Sequence[Completion], moments: Sequence[datetime],
                       window_days: int) -> list[float | None]:
    """Joint share over the window ending at each moment; None when nothing happened."""
    out: list[float | None] = []
    for at in moments:  # J and W alone: the rest of measure_joint_work is not read here
        window = window_ending(at, window_days)
        joint, work = joint_person_hours(activities, window), work_hours(logs, window)
        out.append(joint_share(joint, work) if joint + work > 0 else None)
    return out


def outputs_series(completions: Sequence[Completion], moments: Sequence[datetime]
                   ) -> list[float | None]:
    """Tasks completed in the week up to each moment."""
    return [float(len({c.task_id for c in completions if at - WEEK < c.at <= at}))
            for at in moments]


def ei_series(stints: Sequence[Stint], knowledge: PartnershipKnowledge,
              moments: Sequence[datetime], window_days: int) -> list[float | None]:
    """The partnership's E-I index over the window ending at each moment."""
    return [ei_index(ties_in_window(stints, window_ending(at, window_days)),
                     knowledge.member_clusters).value for at in moments]


def outside_share_series(stints: Sequence[Stint], knowledge: PartnershipKnowledge,
                         cluster: int, moments: Sequence[datetime], window_days: int
                         ) -> list[float | None]:
    """One cluster's share of ties outside itself at each moment (None: no ties)."""
    out: list[float | None] = []
    for at in moments:
        rows = cluster_tie_table(ties_in_window(stints, window_ending(at, window_days)),
                                 knowledge.member_clusters)
        row = next((r for r in rows if r.cluster_id == cluster), None)
        out.append(row.outside_share if row is not None else None)
    return out
