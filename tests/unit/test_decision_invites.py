"""Whom to invite to a decision that missed a critical stakeholder: the indexed ranking
gives what looking at every member gives, in the same order and with the same reasons."""

import random

from coordinator.domain.power.decision_invites import SHOWN, DecisionInvites
from coordinator.domain.power.sectors import SECTOR_LABELS

SECTORS = ("business", "government", "academia", "civil_society")
TAGS = ("gis", "law", "water", "health", "energy")


def every_member(missing_orgs, missing_sectors, member_orgs, member_sectors, org_names,
                 names, live_tasks, member_tags, required, voices):
    """The plain definition: every member considered, ranked by tags held (most first),
    live tasks (fewest first), name, id."""
    people = []
    for member in names:
        if member in voices:
            continue
        reasons = []
        if member_orgs.get(member) in missing_orgs:
            reasons.append(f"from {org_names.get(member_orgs[member], 'an organisation')}, "
                           f"a critical stakeholder")
        if member_sectors.get(member) in missing_sectors:
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


def test_the_index_ranks_as_looking_at_everyone_does():
    rnd = random.Random(3)
    for _ in range(200):
        n = rnd.randint(0, 60)
        names = {m: rnd.choice(("Ann", "Bo", "Cy", "Di")) for m in range(1, n + 1)}
        member_orgs = {m: rnd.randint(1, 6) for m in names if rnd.random() < 0.9}
        member_sectors = {m: rnd.choice(SECTORS) for m in names if rnd.random() < 0.9}
        org_names = {o: f"Org {o}" for o in range(1, 6)}  # org 6 has no name
        live = {m: rnd.randint(0, 3) for m in names if rnd.random() < 0.7}
        tags = {m: frozenset(rnd.sample(TAGS, rnd.randint(0, 3))) for m in names}
        index = DecisionInvites(member_orgs, member_sectors, org_names, names, live, tags)
        for _ in range(5):
            orgs = set(rnd.sample(range(1, 7), rnd.randint(0, 2)))
            sectors = set(rnd.sample(SECTORS, rnd.randint(0, 2)))
            required = frozenset(rnd.sample(TAGS, rnd.randint(0, 2)))
            voices = frozenset(m for m in names if rnd.random() < 0.2)
            assert index.invite(orgs, sectors, required, voices) == every_member(
                orgs, sectors, member_orgs, member_sectors, org_names, names, live, tags,
                required, voices)


def test_holders_of_the_decisions_tags_come_first_then_the_least_busy():
    names = {1: "Ann", 2: "Bo", 3: "Cy", 4: "Di"}
    index = DecisionInvites({1: 7, 2: 7, 3: 7, 4: 8}, {1: "government", 2: "government",
                                                      3: "government", 4: "business"},
                            {7: "City"}, names, {1: 2, 2: 0}, {1: frozenset({"law"})})
    found = index.invite({7}, set(), frozenset({"law"}), frozenset({3}))
    assert [f["name"] for f in found] == ["Ann", "Bo"]  # Cy spoke; Di is not from City
    assert found[0]["reasons"] == ["from City, a critical stakeholder", 'holds "law"',
                                   "2 live tasks"]
    assert found[1]["public_reasons"] == ["from City, a critical stakeholder"]
