"""Whom to invite into a homogeneous team: people who bring what it lacks and have time.

For a team alignophilia finding: members outside the team, from another knowledge cluster
or another sector than the team's, who hold a required tag the team lacks (or one held
mostly elsewhere), and who have spare capacity. Fewest active tasks first, then the most
wanted tags, then name. A member whose join request was declined is a natural first call
and says so. A team with only a sector gap gets holders of any required tag from other
sectors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from coordinator.domain.alignophilia import (
    MISSING_TAG,
    SINGLE_SECTOR,
    TAG_ELSEWHERE,
    TeamAlignophilia,
)
from coordinator.domain.balance import PartnershipKnowledge, cluster_name, joined_phrases
from coordinator.domain.power import SECTOR_LABELS

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


def suggest_for_team(measures: TeamAlignophilia, team_ids: frozenset[int],
                     knowledge: PartnershipKnowledge, member_tags: Mapping[int, frozenset[str]],
                     active_tasks: Mapping[int, int], names: Mapping[int, str],
                     required_tags: frozenset[str] = frozenset(),
                     limit: int = MAX_SUGGESTIONS) -> tuple[Suggestion, ...]:
    """Up to `limit` people to invite, each with why they fit."""
    wanted = {str(g.subject) for g in measures.gaps if g.kind in (MISSING_TAG, TAG_ELSEWHERE)}
    single = next((str(g.subject) for g in measures.gaps if g.kind == SINGLE_SECTOR), None)
    if not wanted and single is not None:
        wanted = set(required_tags)
    declined = set(measures.declined_requesters)
    holders: set[int] = set(declined)
    for tag in wanted:
        holders |= knowledge.tag_holders.get(tag, frozenset())
    ranked = []
    for member in holders - team_ids:
        busy = active_tasks.get(member, 0)
        if busy >= BUSY_AT or member not in names:
            continue
        brings = sorted(wanted & member_tags.get(member, frozenset()))
        cluster = knowledge.member_clusters.get(member)
        sector = knowledge.member_sectors.get(member)
        other_cluster = cluster is not None and cluster != measures.team_cluster
        other_sector = single is not None and sector is not None and sector != single
        if not (other_cluster or other_sector) or not (brings or member in declined):
            continue
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
        ranked.append(((member not in declined, busy, -len(brings), names[member], member),
                       Suggestion(member, names[member], tuple(reasons), busy, public)))
    ranked.sort(key=lambda pair: pair[0])
    return tuple(s for _, s in ranked[:limit])
