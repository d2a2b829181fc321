"""Whom to invite to a decision that has not heard a critical stakeholder."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping

from coordinator.domain.power.sectors import SECTOR_LABELS

SHOWN = 5


class DecisionInvites:
    """Members by organisation, sector and tag, indexed once per evaluation: a
    partnership with hundreds of decisions and a hundred thousand members would otherwise
    look at every member for every decision."""

    def __init__(self, member_orgs: Mapping[int, int], member_sectors: Mapping[int, str],
                 org_names: Mapping[int, str], names: Mapping[int, str],
                 live_tasks: Mapping[int, int], member_tags: Mapping[int, frozenset]):
        self.member_orgs, self.member_sectors = member_orgs, member_sectors
        self.org_names, self.names = org_names, names
        self.live_tasks, self.member_tags = live_tasks, member_tags
        by_org, by_sector = defaultdict(list), defaultdict(list)
        # Tag holders by organisation and by sector: a decision looks only at the holders
        # of its tags in its missing organisations and sectors, not at every holder.
        self.by_tag_org: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.by_tag_sector: dict[tuple[str, str], list[int]] = defaultdict(list)
        for member, name in names.items():
            key = (live_tasks.get(member, 0), name, member)
            org, sector = member_orgs.get(member), member_sectors.get(member)
            if org is not None:
                by_org[org].append(key)
            if sector is not None:
                by_sector[sector].append(key)
            for tag in member_tags.get(member, ()):
                if org is not None:
                    self.by_tag_org[(tag, org)].append(member)
                if sector is not None:
                    self.by_tag_sector[(tag, sector)].append(member)
        # Each list in ranking order for members holding none of a decision's tags.
        self.by_org = {org: sorted(keys) for org, keys in by_org.items()}
        self.by_sector = {sector: sorted(keys) for sector, keys in by_sector.items()}

    def invite(self, missing_orgs: Iterable[int], missing_sectors: Iterable[str],
               required: frozenset[str], voices: frozenset[int]) -> list[dict]:
        """Members of the missing organisations and sectors, those holding the decision's
        tags first, then those with the fewest live tasks (then by name); each with why."""
        orgs, sectors = set(missing_orgs), set(missing_sectors)
        holders = {m for tag in required
                   for m in itertools.chain(
                       *(self.by_tag_org.get((tag, org), ()) for org in orgs),
                       *(self.by_tag_sector.get((tag, s), ()) for s in sectors))
                   if m not in voices}
        ranked = sorted((-len(required & self.member_tags[m]), self.live_tasks.get(m, 0),
                         self.names[m], m) for m in holders)[:SHOWN]
        others = heapq.merge(*(self.by_org.get(org, ()) for org in sorted(orgs)),
                             *(self.by_sector.get(s, ()) for s in sorted(sectors)))
        chosen = {m for *_, m in ranked}
        for load, name, member in others:  # stops after SHOWN: the lists are ranked
            if len(ranked) >= SHOWN:
                break
            if member not in chosen and member not in holders and member not in voices:
                chosen.add(member)
                ranked.append((0, load, name, member))
        return [self._entry(member, orgs, sectors, required) for *_, member in ranked]

    def _entry(self, member: int, orgs: set[int], sectors: set[str],
               required: frozenset[str]) -> dict:
        reasons = []
        org, sector = self.member_orgs.get(member), self.member_sectors.get(member)
        if org is not None and org in orgs:
            reasons.append(f"from {self.org_names.get(org, 'an organisation')}, "
                           f"a critical stakeholder")
        if sector is not None and sector in sectors:
            label = SECTOR_LABELS.get(sector, sector).lower()
            reasons.append(f"from the {label} sector, a critical stakeholder")
        held = sorted(required & self.member_tags.get(member, frozenset()))
        if held:
            reasons.append("holds " + " and ".join(f'"{t}"' for t in held))
        load = self.live_tasks.get(member, 0)
        reasons.append("no live tasks" if load == 0 else
                       f"{load} live task{'s' if load != 1 else ''}")
        return {"member_id": member, "name": self.names[member], "reasons": reasons,
                "public_reasons": reasons[:-1], "active_tasks": load}
