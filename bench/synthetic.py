"""Synthetic members with planted knowledge clusters, for tests and benchmarks.

Each member belongs to one of `topics` planted clusters (sizes ∝ rank^-0.5). Tags: about
70 % from the member's own cluster vocabulary (Zipf within it), 10 % from a neighbouring
cluster (clusters sit on a ring, so they overlap), the rest from 200 cross-cutting tags.
Bios mix a few cluster words into generic ones. Deterministic for a given seed.
"""

from __future__ import annotations

import numpy as np

from coordinator.domain.knowledge.vectors import Profile


def planted_profiles(n: int, topics: int = 20, seed: int = 0, own: float = 0.7,
                     neighbour: float = 0.1) -> tuple[list[Profile], np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = np.arange(1, topics + 1) ** -0.5
    truth = rng.choice(topics, size=n, p=sizes / sizes.sum())
    vocab = np.array([[f"topic{t}-tag{i}" for i in range(40)] for t in range(topics)])
    common = np.array([f"common-tag{i}" for i in range(200)])
    words = np.array([[f"topic{t}word{i}" for i in range(30)] for t in range(topics)])
    generic = np.array([f"word{i}" for i in range(600)])
    zipf = _zipf(40, 1.0)
    common_p, generic_p = _zipf(200, 1.1), _zipf(600, 1.1)
    profiles = []
    for member, topic in enumerate(truth):
        draws = rng.random(rng.integers(4, 13))
        n_own = int((draws < own).sum())
        n_near = int(((draws >= own) & (draws < own + neighbour)).sum())
        near = (topic + rng.choice([-1, 1])) % topics
        tags = {*vocab[topic][rng.choice(40, n_own, p=zipf)],
                *vocab[near][rng.choice(40, n_near, p=zipf)],
                *common[rng.choice(200, len(draws) - n_own - n_near, p=common_p)]}
        length = int(rng.integers(8, 20))
        topical = int((rng.random(length) < 0.25).sum())
        bio = " ".join([*words[topic][rng.integers(0, 30, topical)],
                        *generic[rng.choice(600, length - topical, p=generic_p)]])
        profiles.append(Profile(member + 1, tuple(sorted(tags)), (), bio))
    return profiles, truth


def _zipf(size: int, exponent: float) -> np.ndarray:
    weights = 1 / np.arange(1, size + 1) ** exponent
    return weights / weights.sum()
