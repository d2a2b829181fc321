"""The people of a synthetic partnership, as the benchmarks seed them: members drawn into
planted knowledge groups (Zipf-weighted sizes), each holding 3-5 tags, mostly from their
own group's vocabulary, some from a neighbouring group's, some cross-cutting.

Tag ids 1..k*TAGS_PER_GROUP are the groups' own vocabularies, then COMMON_TAGS
cross-cutting ones. A seed always gives the same partnership.
"""

from __future__ import annotations

import bisect
import itertools
import random
from datetime import datetime, timedelta

TAGS_PER_GROUP, COMMON_TAGS = 40, 200


def groups_for(n: int) -> int:
    """Planted knowledge groups (clusters), as bench/recompute.py sizes its topics."""
    return 8 if n < 5000 else 20 if n < 50_000 else 30


class PlantedPeople:
    """Members 1..n with their group and tags, kept in memory as far as seeding needs."""

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.rnd = n, random.Random(seed)
        self.k = groups_for(n)
        weights = [(g + 1) ** -0.5 for g in range(self.k)]
        self.group = [-1, *self.rnd.choices(range(self.k), weights=weights, k=n)]
        self.by_group: list[list[int]] = [[] for _ in range(self.k)]
        for member in range(1, n + 1):
            self.by_group[self.group[member]].append(member)
        self.zipf = list(itertools.accumulate(1 / (i + 1) for i in range(TAGS_PER_GROUP)))
        self.before_tags()
        self.tags = [(), *(self._member_tags(m) for m in range(1, n + 1))]

    def before_tags(self) -> None:
        """What a benchmark draws between the groups and the tags (kept in that order, so
        its seed still gives the partnership it always gave)."""

    def tag_name(self, tag_id: int) -> str:
        if tag_id <= self.k * TAGS_PER_GROUP:
            group, index = divmod(tag_id - 1, TAGS_PER_GROUP)
            return f"topic{group}-tag{index}"
        return f"common-tag{tag_id - self.k * TAGS_PER_GROUP - 1}"

    def own_tag(self, group: int) -> int:
        index = bisect.bisect(self.zipf, self.rnd.random() * self.zipf[-1])
        return group * TAGS_PER_GROUP + min(index, TAGS_PER_GROUP - 1) + 1

    def common_tag(self) -> int:
        return self.k * TAGS_PER_GROUP + self.rnd.randrange(COMMON_TAGS) + 1

    def _member_tags(self, member: int) -> tuple[int, ...]:
        group, rnd = self.group[member], self.rnd
        wanted, tags = rnd.randint(3, 5), set()
        for _ in range(30):  # bounded: draws repeat, so stop after a few tries
            if len(tags) == wanted:
                break
            r = rnd.random()
            if r < 0.8:
                tags.add(self.own_tag(group))
            elif r < 0.85:
                tags.add(self.own_tag((group + rnd.choice((-1, 1))) % self.k))
            else:
                tags.add(self.common_tag())
        return tuple(sorted(tags))

    def at(self, start: datetime, end: datetime) -> datetime:
        """A moment uniformly in [start, end], whole seconds."""
        span = max(int((end - start).total_seconds()), 0)
        return start + timedelta(seconds=self.rnd.randint(0, span))

    def people_rows(self, joined: datetime, critical=lambda org: False):
        """(model, rows) for what every benchmark seeds after its partnership (id 1):
        organisations (`critical` picks the critical stakeholders), tags, users,
        memberships (one coordinator per thousand) and members' tags."""
        from coordinator.domain.power.sectors import SECTORS
        from coordinator.models import Membership, Organisation, Tag, User, membership_tags

        rnd, n = self.rnd, self.n
        yield Organisation, ({"id": i, "partnership_id": 1, "name": f"Organisation {i}",
                              "sector": SECTORS[i % len(SECTORS)], "formal_authority": i % 3,
                              "resource_control": i // 3 % 3,
                              "discursive_legitimacy": i // 9 % 3,
                              "critical_stakeholder": critical(i)}
                             for i in range(1, self.n_orgs + 1))
        yield Tag, ({"id": t, "partnership_id": 1, "name": self.tag_name(t)}
                    for t in range(1, self.k * TAGS_PER_GROUP + COMMON_TAGS + 1))
        yield User, ({"id": m, "email": f"m{m}@bench.example", "name": f"Member {m}",
                      "password_hash": None, "created_at": joined, "last_login_at": None}
                     for m in range(1, n + 1))
        yield Membership, ({"id": m, "partnership_id": 1, "user_id": m,
                            "organisation_id": None if rnd.random() < 0.02
                            else rnd.randint(1, self.n_orgs),
                            "role": "coordinator" if m % 1000 == 1 else "member", "bio": "",
                            "sort_name": f"member {m}",
                            "joined_at": joined} for m in range(1, n + 1))
        yield membership_tags, ({"membership_id": m, "tag_id": t}
                                for m in range(1, n + 1) for t in self.tags[m])
