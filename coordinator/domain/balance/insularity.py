"""Partnership alignophilia (docs/coordinators.md): E-I index over knowledge clusters, and silos.

Two members are tied when they were on the same team (task team or working group) at the
same time within the window. Ties are unordered member pairs, each counted once however
many teams the pair shared. A tie is internal when both ends sit in one knowledge
cluster, external when they sit in two; ties with an unclustered end are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple

from coordinator.domain.balance.findings import (
    ALIGNOPHILIA_PARTNERSHIP,
    ALIGNOPHILIA_SILO,
    Finding,
    PartnershipKnowledge,
    Window,
    at_least,
    at_most,
    below,
    cluster_name,
    counted,
    format_number,
    window_ending,
)
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.power.chance import binomial_at_most

Tie = tuple[int, int]  # (a, b) with a < b

ADVICE = (
    "The indicator suggests the knowledge clusters are working apart: members mostly share "
    "teams with people of their own cluster, so the different knowledge the partnership "
    "exists to combine rarely meets. Bridge tasks that need tags from several clusters, and "
    "invitations to members of other clusters to join open tasks, help it meet."
)


class Stint(NamedTuple):
    """A member's time on one team: active from joined_at until left_at (None: still on).

    A named tuple: an evaluation builds one per place and past place, by the hundred
    thousand."""

    team: Hashable
    member_id: int
    joined_at: datetime
    left_at: datetime | None = None


def members_at(stints: Iterable[Stint], at: datetime) -> frozenset[int]:
    """Who was on the team at `at`, from its stints."""
    return frozenset(s.member_id for s in stints
                     if s.joined_at <= at and (s.left_at is None or s.left_at > at))


def _active_in(stint: Stint, window: Window) -> bool:
    left = stint.left_at
    return stint.joined_at <= window.end and (
        left is None or (left > window.start and left > stint.joined_at))


def ties_in_window(stints: Iterable[Stint], window: Window) -> set[Tie]:
    """Member pairs (a < b) who were on one team at the same time within the window."""
    return _ties(stints, window)


def ties_formed_in(stints: Iterable[Stint], window: Window) -> set[Tie]:
    """Member pairs who came together on a team within the window: the later of the two
    joined then, while the other was on it. What people do now, not what they did."""
    return _ties(stints, window, formed=True)


def _ties(stints: Iterable[Stint], window: Window, formed: bool = False) -> set[Tie]:
    return ties_by_window(stints, [(window, formed)])[0]


def ties_by_window(stints: Iterable[Stint], windows: Sequence[tuple[Window, bool]]
                   ) -> list[set[Tie]]:
    """The ties of each (window, formed) at once: `ties_formed_in` where formed, else
    `ties_in_window`. One pass over the stint pairs serves every window."""
    # Plain tuples, a bit per window and inline comparisons (Window.__contains__ spelled
    # out): a partnership's teams hold millions of stint pairs.
    by_team: dict[Hashable, list[tuple[int, datetime, datetime | None, int]]] = defaultdict(list)
    for stint in stints:
        mask = 0
        for bit, (window, _) in enumerate(windows):
            if _active_in(stint, window):
                mask |= 1 << bit
        if mask:
            by_team[stint.team].append((stint.member_id, stint.joined_at, stint.left_at, mask))
    found: list[set[Tie]] = [set() for _ in windows]
    bounds = [(1 << bit, window.start, window.end, formed, found[bit])
              for bit, (window, formed) in enumerate(windows)]
    for team in by_team.values():
        for i, (a, joined_a, left_a, mask_a) in enumerate(team):
            for b, joined_b, left_b, mask_b in team[i + 1:]:
                both = mask_a & mask_b
                if not both or a == b:
                    continue
                # Both stints meet these windows; they meet each other when the later
                # start comes before either end.
                met = joined_a if joined_a >= joined_b else joined_b
                if (left_a is not None and met >= left_a) or (
                        left_b is not None and met >= left_b):
                    continue
                tie = (a, b) if a < b else (b, a)
                for bit, start, end, formed, ties in bounds:
                    if both & bit and (not formed or start < met <= end):
                        ties.add(tie)
    return found


def krackhardt_stern(external: int, internal: int) -> float | None:
    """EI = (E − I) / (E + I), from −1 (all ties inside) to +1; None without ties."""
    if external < 0 or internal < 0:
        raise ValueError("tie counts cannot be negative")
    total = external + internal
    return (external - internal) / total if total else None


@dataclass(frozen=True)
class EIIndex:
    """Ties across clusters (E) and within them (I); ties to unclustered members aside."""

    external: int
    internal: int
    unclustered: int = 0

    @property
    def ties(self) -> int:
        return self.external + self.internal

    @property
    def value(self) -> float | None:
        return krackhardt_stern(self.external, self.internal)


def ei_index(ties: Iterable[Tie], member_clusters: Mapping[int, int]) -> EIIndex:
    """The partnership's E-I index over knowledge clusters."""
    external = internal = unclustered = 0
    cluster_of = member_clusters.get  # clusters are ids, never None
    for a, b in ties:
        ca, cb = cluster_of(a), cluster_of(b)
        if ca is None or cb is None:
            unclustered += 1
        elif ca == cb:
            internal += 1
        else:
            external += 1
    return EIIndex(external, internal, unclustered)


@dataclass(frozen=True)
class ClusterTies:
    """One row of the health table: a cluster's size and where its ties go."""

    cluster_id: int
    members: int
    internal: int
    external: int

    @property
    def ties(self) -> int:
        return self.internal + self.external

    @property
    def outside_share(self) -> float | None:
        """Share of the cluster's ties that reach another cluster; None without ties."""
        return self.external / self.ties if self.ties else None


def cluster_tie_table(ties: Iterable[Tie], member_clusters: Mapping[int, int]
                      ) -> tuple[ClusterTies, ...]:
    """Every cluster (by id) with its internal and external ties."""
    members: dict[int, int] = defaultdict(int)
    for cluster in member_clusters.values():
        members[cluster] += 1
    internal: dict[int, int] = defaultdict(int)
    external: dict[int, int] = defaultdict(int)
    for a, b in ties:
        ca, cb = member_clusters.get(a), member_clusters.get(b)
        if ca is None or cb is None:
            continue
        if ca == cb:
            internal[ca] += 1
        else:
            external[ca] += 1
            external[cb] += 1
    return tuple(ClusterTies(c, members[c], internal[c], external[c]) for c in sorted(members))


def is_silo(row: ClusterTies, thresholds: Thresholds) -> bool:
    """≥ min members and ≥ min ties, of which < max share reach outside.

    A cluster whose members have shared only a team or two has shown no pattern yet:
    one pair of team-mates from one cluster is not a silo.
    """
    share = row.outside_share
    return (row.members >= thresholds.silo_min_members
            and row.ties >= thresholds.silo_min_ties and share is not None
            and below(share, thresholds.silo_max_outside_share))


@dataclass(frozen=True)
class PartnershipAlignophilia:
    """E-I now and in the previous window, the health table, and any findings."""

    window: Window
    current: EIIndex
    previous: EIIndex
    clusters: tuple[ClusterTies, ...]
    finding: Finding | None = None
    silos: tuple[Finding, ...] = ()
    # Ties formed in the last team window against those formed in the partnership window
    # before it: a turn shows here weeks before the long windows notice it.
    recent: EIIndex = EIIndex(0, 0)
    baseline: EIIndex = EIIndex(0, 0)

    @property
    def recent_drop(self) -> float | None:
        now, before = self.recent.value, self.baseline.value
        return None if now is None or before is None else before - now

    @property
    def drop(self) -> float | None:
        """How far EI fell against the previous window (negative: it rose)."""
        now, before = self.current.value, self.previous.value
        return None if now is None or before is None else before - now


def assess_partnership_alignophilia(stints: Iterable[Stint], knowledge: PartnershipKnowledge,
                                    now: datetime, thresholds: Thresholds
                                    ) -> PartnershipAlignophilia:
    """E-I over the partnership window and the one before it, and its findings."""
    stints = list(stints)
    window = window_ending(now, thresholds.partnership_window_days)
    recent = window_ending(now, thresholds.team_window_days)
    baseline = Window(recent.start - (window.end - window.start), recent.start)
    clusters = knowledge.member_clusters
    ties, previous, recent_ties, baseline_ties = ties_by_window(
        stints, [(window, False), (window.previous(), False), (recent, True),
                 (baseline, True)])
    result = PartnershipAlignophilia(
        window=window, current=ei_index(ties, clusters),
        previous=ei_index(previous, clusters),
        clusters=cluster_tie_table(ties, clusters),
        recent=ei_index(recent_ties, clusters),
        baseline=ei_index(baseline_ties, clusters))
    conditions = insularity_conditions(result, thresholds)
    silos = tuple(_silo_finding(row, window, knowledge, thresholds)
                  for row in result.clusters if is_silo(row, thresholds))
    finding = _ei_finding(result, conditions, thresholds) if conditions else None
    return replace(result, finding=finding, silos=silos)


def insularity_conditions(result: PartnershipAlignophilia, thresholds: Thresholds
                          ) -> tuple[str, ...]:
    """"low": EI ≤ max with ≥ min ties; "falling": EI fell ≥ drop, ≥ min ties both times,
    either against the previous window or, in the last team window, against the
    partnership window before it, if chance alone would rarely give so many ties inside."""
    minimum = thresholds.partnership_min_ties
    conditions = []
    current, drop = result.current, result.drop
    if (current.value is not None and current.ties >= minimum
            and at_most(current.value, thresholds.partnership_max_ei)):
        conditions.append("low")
    if (drop is not None and current.ties >= minimum and result.previous.ties >= minimum
            and at_least(drop, thresholds.partnership_ei_drop)) or turned(result, thresholds):
        conditions.append("falling")
    return tuple(conditions)


def turned(result: PartnershipAlignophilia, thresholds: Thresholds) -> bool:
    """The E-I of ties formed in the last team window fell ≥ drop below that of ties
    formed in the window before it, on ≥ min ties each, and that many ties inside
    clusters would be rare by chance."""
    recent, baseline, drop = result.recent, result.baseline, result.recent_drop
    minimum = thresholds.partnership_min_ties
    if drop is None or recent.ties < minimum or baseline.ties < minimum:
        return False
    inside = baseline.internal / baseline.ties
    chance = (1.0 if recent.internal == 0
              else 1.0 - binomial_at_most(recent.internal - 1, recent.ties, inside))
    return at_least(drop, thresholds.partnership_ei_drop) and chance <= thresholds.max_chance


def _ei_finding(result: PartnershipAlignophilia, conditions: tuple[str, ...],
                thresholds: Thresholds) -> Finding:
    current, previous = result.current, result.previous
    days = format_number(result.window.days)
    pattern = (f"E-I index {current.value:+.2f} over {counted(current.ties, 'tie')} in {days} "
               f"days ({current.external} across clusters, {current.internal} within)")
    if previous.value is not None:
        pattern += f"; {previous.value:+.2f} over {counted(previous.ties, 'tie')} before"
    if turned(result, thresholds):
        pattern += (f"; new ties in the last {thresholds.team_window_days} days "
                    f"{result.recent.value:+.2f} over {counted(result.recent.ties, 'tie')}, "
                    f"against {result.baseline.value:+.2f} in the {days} days before")
    values = {"ei": current.value, "ties": current.ties, "external": current.external,
              "internal": current.internal, "unclustered_ties": current.unclustered,
              "previous_ei": previous.value, "previous_ties": previous.ties,
              "drop": result.drop, "conditions": list(conditions),
              "recent_ei": result.recent.value, "recent_ties": result.recent.ties,
              "baseline_ei": result.baseline.value, "baseline_ties": result.baseline.ties}
    return Finding(
        kind=ALIGNOPHILIA_PARTNERSHIP, severity="high" if len(conditions) > 1 else "medium",
        window=result.window, values=values,
        thresholds=thresholds.pick("partnership_max_ei", "partnership_min_ties",
                                   "partnership_ei_drop", "partnership_window_days",
                                   "team_window_days", "max_chance"),
        pattern=pattern + ".", advice=ADVICE)


def _silo_finding(row: ClusterTies, window: Window, knowledge: PartnershipKnowledge,
                  thresholds: Thresholds) -> Finding:
    members = tuple(sorted(m for m, c in knowledge.member_clusters.items()
                           if c == row.cluster_id))
    share = row.outside_share or 0.0
    pattern = (f"{cluster_name(row.cluster_id, knowledge)} "
               f"({counted(row.members, 'member')}): {counted(row.ties, 'tie')} in "
               f"{format_number(window.days)} days, {row.external} ({share:.0%}) to other "
               f"clusters.")
    return Finding(
        kind=ALIGNOPHILIA_SILO, severity="high" if row.external == 0 else "medium",
        window=window,
        values={"cluster_id": row.cluster_id, "members": row.members, "ties": row.ties,
                "internal": row.internal, "external": row.external, "outside_share": share},
        thresholds=thresholds.pick("silo_min_members", "silo_min_ties",
                                   "silo_max_outside_share", "partnership_window_days"),
        member_ids=members, cluster_ids=(row.cluster_id,), pattern=pattern, advice=ADVICE)
