"""Whom to invite into a homogeneous team: people who bring what it lacks and have time.

For a team alignophilia finding: members outside the team, from another knowledge cluster
or another sector than the team's, who hold a required tag the team lacks (or one held
mostly elsewhere), and who have spare capacity. Fewest active tasks first, then the most
wanted tags, then name. A member whose join request was declined is a natural first call
and says so. A team with only a sector gap gets holders of any required tag from other
sectors.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from coordinator.domain.balance.alignophilia import (
    MISSING_TAG,
    SINGLE_SECTOR,
    TAG_ELSEWHERE,
    TeamAlignophilia,
)
from coordinator.domain.balance.findings import PartnershipKnowledge, cluster_name, joined_phrases
from coordinator.domain.power.sectors import SECTOR_LABELS

MAX_SUGGESTIONS = 5
# Someone on this many live tasks already has no spare capacity to offer.
BUSY_AT = 4


@dataclass(frozen=True)
class Suggestion:
    member_id: int
    name: str
    reasons: tuple[str, ...]
    active_tasks: int
    # What the team's members may read: what the person brings, not their declined request
    # or how busy they are (coordinators see those).
    public_reasons: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, object]:
        return {"member_id": self.member_id, "name": self.name, "reasons": list(self.reasons),
                "public_reasons": list(self.public_reasons),
                "active_tasks": self.active_tasks}


class CandidatePool:
    """Each tag's holders with spare capacity, by number of live tasks, in name order.

    Built once per evaluation and per tag on first use, so a partnership with a thousand
    homogeneous teams does not scan every holder of a popular tag a thousand times.
    """

    def __init__(self, knowledge: PartnershipKnowledge, active_tasks: Mapping[int, int],
                 names: Mapping[int, str]) -> None:
        self.knowledge, self.active_tasks, self.names = knowledge, active_tasks, names
        self._levels: dict[str, list[tuple[list[tuple[str, int]], frozenset[int]]]] = {}

    def level(self, tag: str, busy: int) -> tuple[list[tuple[str, int]], frozenset[int]]:
        """Holders of `tag` with exactly `busy` live tasks: (name, member) sorted, and a set."""
        if tag not in self._levels:
            rows: list[list[tuple[str, int]]] = [[] for _ in range(BUSY_AT)]
            for member in self.knowledge.tag_holders.get(tag, frozenset()):
                busy_now = self.active_tasks.get(member, 0)
                if busy_now < BUSY_AT and member in self.names:
                    rows[busy_now].append((self.names[member], member))
            self._levels[tag] = [(sorted(r), frozenset(m for _, m in r)) for r in rows]
        return self._levels[tag][busy]


# Holders looked at per team and level before giving up: bounds the work when most
# holders of the wanted tags sit in the team's own cluster and sector.
MAX_SCANNED = 5000


def suggest_for_team(measures: TeamAlignophilia, team_ids: frozenset[int],
                     knowledge: PartnershipKnowledge, member_tags: Mapping[int, frozenset[str]],
                     active_tasks: Mapping[int, int], names: Mapping[int, str],
                     required_tags: frozenset[str] = frozenset(),
                     limit: int = MAX_SUGGESTIONS,
                     pool: CandidatePool | None = None) -> tuple[Suggestion, ...]:
    """Up to `limit` people to invite, each with why they fit.

    Declined requesters first, then fewest live tasks, most wanted tags, name.
    """
    wanted = {str(g.subject) for g in measures.gaps if g.kind in (MISSING_TAG, TAG_ELSEWHERE)}
    single = next((str(g.subject) for g in measures.gaps if g.kind == SINGLE_SECTOR), None)
    if not wanted and single is not None:
        wanted = set(required_tags)
    pool = pool or CandidatePool(knowledge, active_tasks, names)
    declined = set(measures.declined_requesters)

    def suggestion(member: int, busy: int) -> Suggestion | None:
        brings = sorted(wanted & member_tags.get(member, frozenset()))
        cluster = knowledge.member_clusters.get(member)
        sector = knowledge.member_sectors.get(member)
        other_cluster = cluster is not None and cluster != measures.team_cluster
        other_sector = single is not None and sector is not None and sector != single
        if not (other_cluster or other_sector) or not (brings or member in declined):
            return None
        reasons = []
        if brings:
            reasons.append("holds " + joined_phrases([f'"{t}"' for t in brings]))
        if other_cluster:
            reasons.append("works in " + cluster_name(cluster, knowledge))
        if other_sector:
            reasons.append(f"from the {SECTOR_LABELS.get(sector, sector).lower()} sector")
        public = tuple(reasons)
        if member in declined:
            reasons.append("asked to join and was declined")
        reasons.append("no live tasks" if busy == 0
                       else f"{busy} live task{'s' if busy != 1 else ''}")
        return Suggestion(member, names[member], tuple(reasons), busy, public)

    chosen: list[Suggestion] = []
    for busy, _name, member in sorted(
            (active_tasks.get(m, 0), names[m], m) for m in declined - team_ids
            if m in names and active_tasks.get(m, 0) < BUSY_AT):
        found = suggestion(member, busy)
        if found is not None:
            chosen.append(found)
    seen = set(declined) | set(team_ids)
    tags = sorted(wanted)
    for busy in range(BUSY_AT):
        if len(chosen) >= limit:
            break
        levels = [pool.level(tag, busy) for tag in tags]
        # Holders of several wanted tags come first: pairwise intersections stay small.
        several: dict[int, int] = {}
        for i, (_, first) in enumerate(levels):
            for _, second in levels[i + 1:]:
                for member in first & second:
                    several[member] = sum(member in held for _, held in levels)
        ordered = sorted(several, key=lambda m: (-several[m], names[m], m))
        singles = (m for _, m in heapq.merge(*(rows for rows, _ in levels)))
        for scanned, member in enumerate(itertools.chain(ordered, singles)):
            if len(chosen) >= limit or scanned >= MAX_SCANNED:
                break
            if member in seen:
                continue
            seen.add(member)
            found = suggestion(member, busy)
            if found is not None:
                chosen.append(found)
    return tuple(chosen[:limit])
