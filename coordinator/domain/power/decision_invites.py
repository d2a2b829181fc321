"""Whom to invite to a decision that has not heard a critical stakeholder."""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from coordinator.domain.power.sectors import SECTOR_LABELS

SHOWN = 5


class DecisionInvites:
    """Members by organisation, sector and tag, indexed once per evaluation: a
    partnership with hundreds of decisions and a hundred thousand members would otherwise
    look at every member for every decision."""

    def __init__(self, member_orgs: Mapping[int, int], member_sectors: Mapping[int, str],
                 org_names: Mapping[int, str], names: Mapping[int, str],
                 live_tasks: Mapping[int, int], member_tags: Mapping[int, frozenset],
                 tag_holders: Mapping[str, Iterable[int]] | None = None):
        """`tag_holders` (tag → members) is derived from `member_tags` when not given."""
        if tag_holders is None:
            held: dict[str, list[int]] = defaultdict(list)
            for member, tags in member_tags.items():
                for tag in tags:
                    held[tag].append(member)
            tag_holders = held
        self.member_orgs, self.member_sectors = member_orgs, member_sectors
        self.org_names, self.names = org_names, names
        self.live_tasks, self.member_tags = live_tasks, member_tags
        by_org, by_sector = defaultdict(list), defaultdict(list)
        for member, name in names.items():
            key = (live_tasks.get(member, 0), name, member)
            if member in member_orgs:
                by_org[member_orgs[member]].append(key)
            if member in member_sectors:
                by_sector[member_sectors[member]].append(key)
        # Tag holders by organisation and sector, per tag on first use: decisions ask for
        # a few tags, and each looks only at their holders in its missing organisations
        # and sectors.
        self._holders = tag_holders
        self._split: dict[str, tuple[dict[int, list[int]], dict[str, list[int]]]] = {}
        # Each list in ranking order for members holding none of a decision's tags.
        self.by_org = {org: sorted(keys) for org, keys in by_org.items()}
        self.by_sector = {sector: sorted(keys) for sector, keys in by_sector.items()}

    def invite(self, missing_orgs: Iterable[int], missing_sectors: Iterable[str],
               required: frozenset[str], voices: frozenset[int]) -> list[dict]:
        """Members of the missing organisations and sectors, those holding the decision's
        tags first, then those with the fewest live tasks (then by name); each with why."""
        orgs, sectors = set(missing_orgs), set(missing_sectors)
        # How many of the decision's tags each holder outside the discussion holds,
        # counted per tag: a popular tag has thousands of holders at 100,000 members.
        held_count: Counter[int] = Counter()
        for tag in required:
            in_org, in_sector = self._holders_of(tag)
            holders_of_tag = set()
            for held in itertools.chain((in_org.get(o, ()) for o in orgs),
                                        (in_sector.get(s, ()) for s in sectors)):
                holders_of_tag.update(held)
            held_count.update(holders_of_tag - voices)
        holders = held_count.keys()
        ranked = heapq.nsmallest(SHOWN, ((-count, self.live_tasks.get(m, 0), self.names[m], m)
                                         for m, count in held_count.items()))
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

    def _holders_of(self, tag: str) -> tuple[dict[int, list[int]], dict[str, list[int]]]:
        """The tag's holders (members with a name) by organisation and by sector."""
        if tag not in self._split:
            in_org, in_sector = defaultdict(list), defaultdict(list)
            for member in self._holders.get(tag, ()):
                if member not in self.names:
                    continue
                org, sector = self.member_orgs.get(member), self.member_sectors.get(member)
                if org is not None:
                    in_org[org].append(member)
                if sector is not None:
                    in_sector[sector].append(member)
            self._split[tag] = (in_org, in_sector)
        return self._split[tag]

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
