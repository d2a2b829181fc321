"""Groups against their fair share: the arithmetic every power indicator shares.

Groups are sectors and power tiers. A group with fewer members than the minimum cell is
never shown on its own, so no small organisation or person is singled out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coordinator.domain.balance.findings import at_least
from coordinator.domain.power.chance import more_hits_by_chance
from coordinator.domain.power.sectors import SECTOR_LABELS

SECTOR, TIER = "sector", "tier"


def group_label(dimension: str, group: str) -> str:
    if dimension == TIER:
        return f"{group} tier"
    return SECTOR_LABELS.get(group, group).lower() + " sector"


@dataclass(frozen=True)
class GroupShare:
    """One group's part of a quantity against its part of the members."""

    group: str
    members: int
    member_share: float
    amount: float  # the group's count (voice events, hours, ...)
    share: float  # the group's share of the total amount
    reportable: bool  # members ≥ the minimum cell

    @property
    def ratio(self) -> float | None:
        """share / member share (1 = proportional); None for an empty group."""
        return self.share / self.member_share if self.member_share > 0 else None


def reportable_groups(sizes: Mapping[str, int], min_cell: int) -> set[str]:
    """Groups that may be shown on their own.

    A group under the minimum cell is hidden. When exactly one is hidden, the next
    smallest is hidden too: otherwise the hidden group's share is 100 % minus the others.
    """
    shown = {g for g, n in sizes.items() if n >= min_cell}
    hidden = [g for g, n in sizes.items() if 0 < n < min_cell]
    if len(hidden) == 1 and shown:
        shown.discard(min(shown, key=lambda g: (sizes[g], g)))
    return shown


def group_shares(member_groups: Mapping[int, str], amounts: Mapping[int, float],
                 min_cell: int, groups: Iterable[str] = ()) -> tuple[GroupShare, ...]:
    """Per group: members, member share, amount and amount share; members without a group
    are left out of both sides. `groups` lists groups to show even when empty."""
    sizes = Counter(member_groups.values())
    totals: Counter[str] = Counter()
    for member, amount in amounts.items():
        group = member_groups.get(member)
        if group is not None:
            totals[group] += amount
    everyone, total = sum(sizes.values()), sum(totals.values())
    names = sorted(set(sizes) | set(groups))
    shown = reportable_groups(sizes, min_cell)
    return tuple(GroupShare(
        group=g, members=sizes[g], member_share=sizes[g] / everyone if everyone else 0.0,
        amount=totals[g], share=totals[g] / total if total else 0.0,
        reportable=g in shown) for g in names)


@dataclass(frozen=True)
class Rate:
    """A per-group rate (overdue / due-dated, declined / decided)."""

    group: str
    members: int
    hits: int
    total: int
    reportable: bool

    @property
    def rate(self) -> float | None:
        return self.hits / self.total if self.total else None


def group_rates(member_groups: Mapping[int, str], events: Iterable[tuple[int, bool]],
                min_cell: int) -> dict[str, Rate]:
    """Per group: how many of its members' events were hits (e.g. overdue, declined)."""
    sizes = Counter(member_groups.values())
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for member, hit in events:
        group = member_groups.get(member)
        if group is None:
            continue
        totals[group] += 1
        hits[group] += bool(hit)
    shown = reportable_groups(sizes, min_cell)
    return {g: Rate(g, sizes[g], hits[g], totals[g], g in shown)
            for g in sorted(set(sizes) | set(totals))}


def sector_name(group: str) -> str:
    return group_label(SECTOR, group)


def rate_values(rate: Rate) -> dict:
    return {"members": rate.members, "hits": rate.hits, "total": rate.total, "rate": rate.rate}


def per_comparison(max_chance: float, comparisons: int) -> float:
    """The chance level for each of several comparisons made at once (Bonferroni): with
    five sectors compared every day, one of them would otherwise look unusual by luck far
    more often than `max_chance`. The tiers' high-against-low comparison is the one the
    indicator is named for, so it keeps the whole level."""
    return max_chance / max(1, comparisons)


def rate_gap(group: Rate | None, other: Rate | None, ratio: float, min_rate: float,
             min_total: int, max_chance: float) -> bool:
    """`group`'s rate is past `min_rate` and `ratio` × `other`'s, on at least `min_total`
    events of the group judged and half as many of the one it is compared with, and a gap
    that large is unlikely by chance alone (one-sided Fisher exact test).

    The group judged carries the whole minimum: four late tasks of seven in a month are
    common luck, while a reference of a handful on-time tasks is still a reference.
    """
    return bool(
        group and other and group.reportable and other.reportable
        and group.total >= min_total and other.total >= math.ceil(min_total / 2)
        and at_least(group.rate, min_rate) and at_least(group.rate, ratio * other.rate)
        and more_hits_by_chance(group.hits, group.total, other.hits, other.total)
        <= max_chance)


def rest_of(rates: Mapping[str, Rate], group: str) -> Rate:
    """Every other group pooled: what a sector is compared with."""
    others = [r for g, r in rates.items() if g != group]
    return Rate("others", sum(r.members for r in others), sum(r.hits for r in others),
                sum(r.total for r in others), True)


def sector_gaps(rates: Mapping[str, Rate], ratio: float, min_rate: float, min_total: int,
                max_chance: float) -> list[tuple[Rate, Rate]]:
    """(sector, the other sectors) for each sector whose rate stands out from the rest."""
    pairs = [(rates[g], rest_of(rates, g)) for g in sorted(rates)]
    return [(mine, rest) for mine, rest in pairs
            if rate_gap(mine, rest, ratio, min_rate, min_total, max_chance)]
