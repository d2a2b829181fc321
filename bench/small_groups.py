"""Small partnerships with planted groups, and published small networks, as profiles.

Planted: 2-6 groups of unequal size, each with its own vocabulary of tags; members hold
4-7 tags drawn from their group's vocabulary, a few cross-cutting tags are common to
all, and about a fifth are peripheral: they also hold one or two tags of another group
(their own still holds most of what they know).

Published: Zachary's karate club (a member's tags are the people they met) and
Davis's Southern Women (a woman's tags are the events she attended), with the splits
their authors report.
"""

from __future__ import annotations

import numpy as np

from coordinator.domain.knowledge.vectors import Profile

TAGS_PER_GROUP = 8
COMMON_TAGS = 6


def planted_groups(n: int, seed: int) -> tuple[list[Profile], np.ndarray]:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 7)) if n >= 20 else int(rng.integers(2, 4))
    weights = rng.uniform(0.5, 2.0, size=k)
    sizes = np.maximum(3, np.floor(weights / weights.sum() * n)).astype(int)
    while sizes.sum() > n:
        sizes[np.argmax(sizes)] -= 1
    while sizes.sum() < n:
        sizes[rng.integers(k)] += 1
    truth = np.repeat(np.arange(k), sizes)
    rng.shuffle(truth)
    zipf = 1 / np.arange(1, TAGS_PER_GROUP + 1)
    zipf /= zipf.sum()
    profiles = []
    for member, group in enumerate(truth):
        wanted = int(rng.integers(4, 8))
        other = (group + int(rng.integers(1, k))) % k
        # A peripheral member brings one or two tags of another group, never most.
        borrowed = int(rng.integers(1, 3)) if rng.random() < 0.2 else 0
        foreign = {f"g{other}-t{rng.choice(TAGS_PER_GROUP, p=zipf)}" for _ in range(borrowed)}
        common, own = set(), set()
        for _ in range(wanted - borrowed):
            if rng.random() < 0.1:
                common.add(f"common{rng.integers(COMMON_TAGS)}")
            else:
                own.add(f"g{group}-t{rng.choice(TAGS_PER_GROUP, p=zipf)}")
        # Repeated draws collapse, so top up until the member's own group holds most of
        # their group tags, as the truth says it does.
        while len(own) <= len(foreign):
            own.add(f"g{group}-t{rng.choice(TAGS_PER_GROUP, p=zipf)}")
        tags = own | foreign | common
        profiles.append(Profile(member + 1, tuple(sorted(tags))))
    return profiles, truth


def karate() -> tuple[list[Profile], np.ndarray]:
    """Members' tags: themselves and the people they met outside the club's lessons."""
    import networkx as nx

    graph = nx.karate_club_graph()
    profiles = [Profile(v + 1, tuple(sorted({f"m{v}", *(f"m{u}" for u in graph[v])})))
                for v in graph]
    truth = np.array([0 if graph.nodes[v]["club"] == "Mr. Hi" else 1 for v in graph])
    return profiles, truth


def southern_women() -> tuple[list[Profile], np.ndarray]:
    """Davis, Gardner and Gardner (1941): 18 women, the 14 events they attended; women
    1-9 form one group and 10-18 the other (woman 9 is counted with the first)."""
    import networkx as nx

    graph = nx.davis_southern_women_graph()
    women = graph.graph["top"]
    profiles = [Profile(i + 1, tuple(sorted(graph[w]))) for i, w in enumerate(women)]
    truth = np.array([0 if i < 9 else 1 for i in range(len(women))])
    return profiles, truth


def one_group(n: int, seed: int) -> list[Profile]:
    """Members of a single group with no structure inside it: one vocabulary for all."""
    rng = np.random.default_rng(seed)
    zipf = 1 / np.arange(1, 3 * TAGS_PER_GROUP + 1)
    zipf /= zipf.sum()
    return [Profile(m + 1, tuple(sorted({f"t{rng.choice(3 * TAGS_PER_GROUP, p=zipf)}"
                                         for _ in range(int(rng.integers(4, 8)))})))
            for m in range(n)]
