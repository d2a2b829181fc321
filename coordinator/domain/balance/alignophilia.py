"""Team alignophilia (docs/coordinators.md): knowledge-cluster homogeneity that costs something.

A team (task team or working group) is homogeneous when its normalised Blau diversity
over knowledge clusters is low. Homogeneity is how self-selecting teams coordinate, so it
is only a finding together with a gap: required knowledge that sits outside the team,
a single sector in a multi-sector partnership, or declined joins from other clusters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import islice

from coordinator.domain.balance.findings import (
    ALIGNOPHILIA_TEAM,
    Finding,
    PartnershipKnowledge,
    Window,
    at_most,
    cluster_counts,
    cluster_name,
    counted,
    format_number,
    window_ending,
)
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.power.sectors import SECTOR_LABELS

MISSING_TAG = "missing_tag"  # required, no team member holds it, someone outside does
TAG_ELSEWHERE = "tag_held_elsewhere"  # required, held mostly by another cluster
SINGLE_SECTOR = "single_sector"
DECLINED_JOIN = "declined_join"  # one per requester from another cluster
OTHER_CLUSTERS_SHOWN = 5  # per required tag: enough to act on, cheap for 50,000 teams

ADVICE = (
    "Similarity is how self-selecting teams coordinate, so this is not a problem by itself; "
    "here it seems to cost the team knowledge or people. Invite members from the clusters "
    "or sectors that hold the missing knowledge, and look again at join requests from "
    "other clusters."
)


@dataclass(frozen=True)
class DeclinedRequest:
    """A join request that was declined, and when."""

    requester_id: int
    at: datetime


@dataclass(frozen=True)
class TeamSnapshot:
    """A task team or working group as it stands at `now`."""

    member_ids: frozenset[int]  # active members
    required_tags: frozenset[str] = frozenset()
    task_ids: tuple[int, ...] = ()
    declined: tuple[DeclinedRequest, ...] = ()
    formed_at: datetime | None = None  # when the task or group was created


def is_forming(team: TeamSnapshot, now: datetime, thresholds: Thresholds) -> bool:
    """In its first days a team is still gathering people: its mix is not judged yet."""
    return (team.formed_at is not None
            and now - team.formed_at < timedelta(days=thresholds.formation_days))


def normalised_blau(counts: Iterable[int], categories: int) -> float:
    """B̂ = (1 − Σ p²) / (1 − 1/min(n, K)); 0 when n ≤ 1 or K ≤ 1."""
    counts = [c for c in counts if c]
    if any(c < 0 for c in counts):
        raise ValueError("counts cannot be negative")
    if len(counts) > max(categories, 1):
        raise ValueError("more categories occupied than exist")
    n = sum(counts)
    if n <= 1 or categories <= 1:
        return 0.0
    blau = 1.0 - sum((c / n) ** 2 for c in counts)
    return min(1.0, max(0.0, blau / (1.0 - 1.0 / min(n, categories))))


def dominant_cluster(counts: Mapping[int, int]) -> int | None:
    """The team's cluster: the one most members sit in (ties: lowest id); None if none."""
    if not counts:
        return None
    return min(counts, key=lambda cluster: (-counts[cluster], cluster))


@dataclass(frozen=True)
class Coverage:
    """Required tags the team holds and lacks; coverage is 1 when nothing is required."""

    covered: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def share(self) -> float:
        total = len(self.covered) + len(self.missing)
        return len(self.covered) / total if total else 1.0


def tag_coverage(required: Iterable[str], member_ids: frozenset[int],
                 knowledge: PartnershipKnowledge) -> Coverage:
    """Which required tags at least one team member holds."""
    covered, missing = [], []
    for tag in sorted(set(required)):
        held = knowledge.tag_holders.get(tag, frozenset())
        (missing if member_ids.isdisjoint(held) else covered).append(tag)
    return Coverage(tuple(covered), tuple(missing))


@dataclass(frozen=True)
class TagHolding:
    """Who holds one required tag: in the team, outside it, and in which other clusters.

    Holders are counted partnership-wide, team members included, so "held mostly
    elsewhere" compares where the knowledge lives, not only who is on the team.
    """

    tag: str
    team_holders: int
    outside_holders: int  # partnership members outside the team who hold it
    home_holders: int  # holders in the team's cluster, team members included
    other_clusters: tuple[tuple[int, int], ...]  # (cluster, holders), most first, top few

    @property
    def mostly_elsewhere(self) -> bool:
        """Another cluster holds the tag more than the team's cluster does."""
        return bool(self.other_clusters) and self.other_clusters[0][1] > self.home_holders


def knowledge_elsewhere(required: Iterable[str], member_ids: frozenset[int],
                        team_cluster: int | None, knowledge: PartnershipKnowledge
                        ) -> tuple[TagHolding, ...]:
    """For each required tag: holders in and outside the team, and the top other clusters."""
    result = []
    for tag in sorted(set(required)):
        held = knowledge.tag_holders.get(tag, frozenset())
        in_team = len(held & member_ids)
        others = tuple(islice((pair for pair in knowledge.tag_ranking.get(tag, ())
                               if pair[0] != team_cluster), OTHER_CLUSTERS_SHOWN))
        home = (knowledge.tag_clusters.get(tag, {}).get(team_cluster, 0)
                if team_cluster is not None else 0)
        result.append(TagHolding(tag, in_team, len(held) - in_team, home, others))
    return tuple(result)


def single_sector(member_ids: Iterable[int], knowledge: PartnershipKnowledge) -> str | None:
    """The team's one sector when the partnership spans several; otherwise None."""
    sectors = {knowledge.member_sectors[m] for m in member_ids if m in knowledge.member_sectors}
    if len(sectors) == 1 and knowledge.sector_count >= 2:
        return next(iter(sectors))
    return None


def declined_from_other_clusters(declined: Iterable[DeclinedRequest], member_ids: frozenset[int],
                                 team_cluster: int | None, knowledge: PartnershipKnowledge,
                                 window: Window) -> tuple[int, ...]:
    """Requesters outside the team's cluster declined in the window (now-members left out)."""
    clusters = knowledge.member_clusters
    return tuple(sorted({
        r.requester_id for r in declined
        if r.at in window and r.requester_id not in member_ids
        and r.requester_id in clusters and clusters[r.requester_id] != team_cluster}))


@dataclass(frozen=True)
class Gap:
    """One cost of homogeneity: kind, and the tag, sector or requester it concerns."""

    kind: str
    subject: str | int


def find_gaps(coverage: Coverage, holdings: Iterable[TagHolding], sector: str | None,
              declined_requesters: Iterable[int]) -> tuple[Gap, ...]:
    """Every gap once: a missing tag held outside the team counts as missing, not twice."""
    missing = set(coverage.missing)
    gaps = []
    for holding in holdings:
        if holding.tag in missing and holding.outside_holders:
            gaps.append(Gap(MISSING_TAG, holding.tag))
        elif holding.mostly_elsewhere:
            gaps.append(Gap(TAG_ELSEWHERE, holding.tag))
    if sector is not None:
        gaps.append(Gap(SINGLE_SECTOR, sector))
    gaps.extend(Gap(DECLINED_JOIN, requester) for requester in declined_requesters)
    return tuple(gaps)


def gap_severity(gap_count: int) -> str:
    """1 gap: low, 2: medium, 3 or more: high."""
    if gap_count < 1:
        raise ValueError("a finding needs at least one gap")
    return ("low", "medium", "high")[min(gap_count, 3) - 1]


@dataclass(frozen=True)
class TeamAlignophilia:
    """The team measures at `now`, and the finding when they cross the thresholds."""

    window: Window
    members: int
    clustered_members: int
    blau: float
    team_cluster: int | None
    team_cluster_members: int  # clustered members in the team's cluster
    coverage: Coverage
    holdings: tuple[TagHolding, ...]
    sector: str | None  # the single sector of a single-sector team, else None
    declined_requesters: tuple[int, ...]
    gaps: tuple[Gap, ...]
    finding: Finding | None = None


PERSISTENCE = timedelta(days=7)  # the reading a week earlier must agree


def assess_team_alignophilia(team: TeamSnapshot, knowledge: PartnershipKnowledge,
                             now: datetime, thresholds: Thresholds,
                             week_before: TeamSnapshot | None = None) -> TeamAlignophilia:
    """Measure one team; a finding when B̂ ≤ max with ≥ min clustered members and a gap,
    now and, when `week_before` (the team as it stood a week earlier) is given, then too:
    a gap of a day while someone is replaced is how teams change, not a pattern."""
    measures = _measure_team(team, knowledge, now, thresholds)
    if measures.finding is None or week_before is None:
        return measures
    earlier = _measure_team(week_before, knowledge, now - PERSISTENCE, thresholds)
    return measures if earlier.finding is not None else replace(measures, finding=None)


def _measure_team(team: TeamSnapshot, knowledge: PartnershipKnowledge, now: datetime,
                  thresholds: Thresholds) -> TeamAlignophilia:
    window = window_ending(now, thresholds.team_window_days)
    counts = cluster_counts(team.member_ids, knowledge)
    clustered = sum(counts.values())
    home = dominant_cluster(counts)
    coverage = tag_coverage(team.required_tags, team.member_ids, knowledge)
    holdings = knowledge_elsewhere(team.required_tags, team.member_ids, home, knowledge)
    sector = single_sector(team.member_ids, knowledge)
    declined = declined_from_other_clusters(team.declined, team.member_ids, home, knowledge,
                                            window)
    measures = TeamAlignophilia(
        window=window, members=len(team.member_ids), clustered_members=clustered,
        blau=normalised_blau(counts.values(), knowledge.cluster_count), team_cluster=home,
        team_cluster_members=counts[home] if home is not None else 0,
        coverage=coverage, holdings=holdings, sector=sector, declined_requesters=declined,
        gaps=find_gaps(coverage, holdings, sector, declined))
    if (clustered >= thresholds.team_min_members and not is_forming(team, now, thresholds)
            and at_most(measures.blau, thresholds.team_max_blau) and measures.gaps):
        return _with_finding(measures, team, knowledge, thresholds)
    return measures


def _with_finding(m: TeamAlignophilia, team: TeamSnapshot, knowledge: PartnershipKnowledge,
                  thresholds: Thresholds) -> TeamAlignophilia:
    values = {
        "blau": m.blau, "members": m.members, "clustered_members": m.clustered_members,
        "clusters_in_partnership": knowledge.cluster_count, "team_cluster": m.team_cluster,
        "team_cluster_members": m.team_cluster_members, "coverage": m.coverage.share,
        "missing_tags": list(m.coverage.missing),
        "knowledge_elsewhere": [
            {"tag": h.tag, "team_holders": h.team_holders, "outside_holders": h.outside_holders,
             "home_holders": h.home_holders, "mostly_elsewhere": h.mostly_elsewhere,
             "other_clusters": [list(pair) for pair in h.other_clusters]}
            for h in m.holdings],
        "single_sector": m.sector, "partnership_sectors": knowledge.sector_count,
        "declined_requester_ids": list(m.declined_requesters),
        "gaps": [{"kind": g.kind, "subject": g.subject} for g in m.gaps],
        "gap_count": len(m.gaps),
    }
    finding = Finding(
        kind=ALIGNOPHILIA_TEAM, severity=gap_severity(len(m.gaps)), window=m.window,
        values=values, thresholds=thresholds.pick("team_max_blau", "team_min_members",
                                                  "team_window_days", "formation_days"),
        member_ids=tuple(sorted(team.member_ids)), task_ids=team.task_ids,
        cluster_ids=() if m.team_cluster is None else (m.team_cluster,),
        pattern=team_pattern(m, knowledge),
        advice="The indicator suggests this team draws on one knowledge cluster while what "
               "it needs sits elsewhere. " + ADVICE)
    return replace(m, finding=finding)


def team_pattern(m: TeamAlignophilia, knowledge: PartnershipKnowledge) -> str:
    """What a coordinator reads: the homogeneity, then each kind of gap."""
    home = cluster_name(m.team_cluster, knowledge)
    share = (f"all {m.clustered_members}" if m.team_cluster_members == m.clustered_members
             else f"{m.team_cluster_members} of the {m.clustered_members}")
    head = (f"{counted(m.members, 'active member')}; {share} with a profile in {home} "
            f"(knowledge mix {m.blau:.2f}, where 0 is one cluster and 1 an even spread)")
    by_tag = {h.tag: h for h in m.holdings}
    parts = []
    for gap in m.gaps:
        holding = by_tag.get(str(gap.subject))
        if gap.kind == MISSING_TAG and holding is not None:
            where = (f", most in {cluster_name(holding.other_clusters[0][0], knowledge)}"
                     if holding.other_clusters else "")
            parts.append(f'no member holds required tag "{gap.subject}", held by '
                         f"{counted(holding.outside_holders, 'member')} outside the team"
                         f"{where}")
        elif gap.kind == TAG_ELSEWHERE and holding is not None:
            top, held = holding.other_clusters[0]
            parts.append(f'required tag "{gap.subject}" is held mostly in '
                         f"{cluster_name(top, knowledge)} ({held} holders, "
                         f"{holding.home_holders} in the team's cluster)")
        elif gap.kind == SINGLE_SECTOR:
            sector = SECTOR_LABELS.get(str(gap.subject), str(gap.subject)).lower()
            parts.append(f"every member with a known sector is from the {sector} sector, "
                         f"in a partnership of {knowledge.sector_count} sectors")
    declined, days = len(m.declined_requesters), format_number(m.window.days)
    if declined == 1:
        parts.append(f"a join request from a member of another cluster declined in {days} days")
    elif declined:
        parts.append(f"join requests from {declined} members of other clusters declined in "
                     f"{days} days")
    return head + "; " + "; ".join(parts) + "."
