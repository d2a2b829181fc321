"""A provisional place on the map for a profile the last map has not seen.

The map keeps, with each snapshot, the weights it gave tags and bio terms and each
cluster's centroid (its members' mean vector, normalised, cut to its heaviest terms). A
new or edited profile is weighed exactly as the map would weigh it with those weights
(domain.knowledge.vectors), and goes to the cluster whose centroid it is nearest to. The
next map may decide otherwise, which is why the page says "provisional".

Plain Python on purpose: it runs in the web process, which loads no numpy (a profile
has a handful of terms and a map a few hundred clusters, so dicts are fast enough).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from .weights import BIO_WEIGHT, COMPLETED_WEIGHT, DECLARED_WEIGHT

# scikit-learn's default token pattern, lower-cased, as the map's bio vectoriser reads.
TOKEN = re.compile(r"(?u)\b\w\w+\b")
CENTROID_TERMS = 200
MIN_SIMILARITY = 0.05  # below this a profile shares next to nothing with a cluster


@dataclass(frozen=True)
class Model:
    tag_idf: dict[str, float]
    bio_idf: dict[str, float]
    centroids: dict[int, dict[str, float]]  # stable cluster id -> {"t:tag" | "b:term": w}

    @classmethod
    def from_json(cls, data: dict) -> Model:
        return cls(data.get("tag_idf", {}), data.get("bio_idf", {}),
                   {int(k): v for k, v in data.get("centroids", {}).items()})


def profile_vector(tags: tuple[str, ...], completed_tags: tuple[str, ...], bio: str,
                   model: Model) -> dict[str, float]:
    """The profile's unit vector as the map would build it; terms it never saw count 0."""
    counts: Counter[str] = Counter()
    for tag in set(tags):
        counts[tag] += DECLARED_WEIGHT
    for tag in completed_tags:
        counts[tag] += COMPLETED_WEIGHT
    tag_part = {f"t:{tag}": count * model.tag_idf[tag] for tag, count in counts.items()
                if tag in model.tag_idf}
    terms = Counter(t for t in TOKEN.findall(bio.lower()) if t in model.bio_idf)
    bio_part = {f"b:{term}": BIO_WEIGHT * (1 + math.log(n)) * model.bio_idf[term]
                for term, n in terms.items()}
    return _unit(tag_part | bio_part)  # one norm for both, as vectors.py


def nearest_cluster(vector: dict[str, float], model: Model) -> tuple[int | None, float]:
    """The stable id of the cluster whose centroid is nearest, and the cosine; None when
    the profile is nearer to none than MIN_SIMILARITY."""
    best, score = None, 0.0
    for cluster_id, centroid in sorted(model.centroids.items()):
        similarity = cosine(vector, centroid)
        if similarity > score:
            best, score = cluster_id, similarity
    return (best, score) if score >= MIN_SIMILARITY else (None, score)


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(key, 0.0) for key, w in a.items())


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {key: w / norm for key, w in vector.items()} if norm else {}
