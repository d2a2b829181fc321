"""Groups against their fair share: the arithmetic every power indicator shares.

Groups are sectors and power tiers. A group with fewer members than the minimum cell is
never shown on its own, so no small organisation or person is singled out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coordinator.domain.power import SECTOR_LABELS

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
