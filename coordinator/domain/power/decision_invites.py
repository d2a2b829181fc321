"""Whom to invite to a decision that has not heard a critical stakeholder."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from coordinator.domain.power.sectors import SECTOR_LABELS

SHOWN = 5


def invite_for_decision(missing_orgs: Iterable[int], missing_sectors: Iterable[str],
                        member_orgs: Mapping[int, int], member_sectors: Mapping[int, str],
                        org_names: Mapping[int, str], names: Mapping[int, str],
                        live_tasks: Mapping[int, int], member_tags: Mapping[int, frozenset],
                        required: frozenset[str], voices: frozenset[int]) -> list[dict]:
    """Members of the missing organisations and sectors, those holding the decision's
    tags first, then those with the fewest live tasks; each with why."""
    orgs, sectors = set(missing_orgs), set(missing_sectors)
    people = []
    for member in names:
        if member in voices:
            continue
        reasons = []
        if member_orgs.get(member) in orgs:
            reasons.append(f"from {org_names.get(member_orgs[member], 'an organisation')}, "
                           f"a critical stakeholder")
        if member_sectors.get(member) in sectors:
            sector = SECTOR_LABELS.get(member_sectors[member], member_sectors[member]).lower()
            reasons.append(f"from the {sector} sector, a critical stakeholder")
        if not reasons:
            continue
        held = sorted(required & member_tags.get(member, frozenset()))
        if held:
            reasons.append("holds " + " and ".join(f'"{t}"' for t in held))
        load = live_tasks.get(member, 0)
        reasons.append("no live tasks" if load == 0 else
                       f"{load} live task{'s' if load != 1 else ''}")
        people.append((-len(held), load, names[member], member, reasons))
    people.sort()
    return [{"member_id": member, "name": name, "reasons": reasons,
             "public_reasons": reasons[:-1], "active_tasks": load}
            for _, load, name, member, reasons in people[:SHOWN]]
