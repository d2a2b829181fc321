"""Knowledge vectors (docs/coordinators.md) and their nearest neighbours.

A member's vector joins two L2-normalised blocks: tags (declared tags weigh 1, each
completed task adds 0.5 per tag it required), IDF-weighted; and bio terms (TF-IDF) at
0.3. The joined row is L2-normalised again, so cosine similarity is a dot product.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

DECLARED_WEIGHT = 1.0
COMPLETED_WEIGHT = 0.5
BIO_WEIGHT = 0.3


@dataclass(frozen=True)
class Profile:
    member_id: int
    tags: tuple[str, ...] = ()
    completed_tags: tuple[str, ...] = ()  # one entry per completed task and tag
    bio: str = ""


@dataclass
class Vectors:
    member_ids: np.ndarray
    matrix: sp.csr_matrix
    tag_names: list[str]
    tag_columns: int  # the first tag_columns columns are tags, the rest bio terms
    empty: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))


def build_vectors(profiles: list[Profile]) -> Vectors:
    """One L2-normalised sparse row per profile; empty profiles get an all-zero row."""
    ids = np.array([p.member_id for p in profiles], dtype=np.int64)
    tags = _tag_block(profiles)
    tag_names = tags[1]
    bio = _bio_block([p.bio for p in profiles])
    matrix = sp.hstack([tags[0], BIO_WEIGHT * bio], format="csr", dtype=np.float32)
    if matrix.shape[1]:
        matrix = normalize(matrix)
    empty = np.diff(matrix.indptr) == 0
    return Vectors(ids, matrix, tag_names, tags[0].shape[1], empty)


def _tag_block(profiles: list[Profile]) -> tuple[sp.csr_matrix, list[str]]:
    # Sorted, so every process builds the same columns (set order varies between runs).
    names = sorted({tag for p in profiles for tag in (*p.tags, *p.completed_tags)})
    vocabulary = {name: column for column, name in enumerate(names)}
    rows, cols, values = [], [], []
    for row, profile in enumerate(profiles):
        weights: Counter[str] = Counter()
        for tag in set(profile.tags):
            weights[tag] += DECLARED_WEIGHT
        for tag in profile.completed_tags:
            weights[tag] += COMPLETED_WEIGHT
        for tag, weight in sorted(weights.items()):
            rows.append(row)
            cols.append(vocabulary[tag])
            values.append(weight)
    counts = sp.csr_matrix((values, (rows, cols)), shape=(len(profiles), len(vocabulary)),
                           dtype=np.float32)
    if not vocabulary:
        return counts, []
    weighted = TfidfTransformer(norm="l2", smooth_idf=True).fit_transform(counts)
    return weighted.astype(np.float32).tocsr(), names


def _bio_block(bios: list[str]) -> sp.csr_matrix:
    present = sum(1 for bio in bios if bio.strip())
    if present < 2:
        return sp.csr_matrix((len(bios), 0), dtype=np.float32)
    # Words in a single bio cannot make two people similar; near-universal ones say little.
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2,
                                 max_df=0.5 if present >= 20 else 1.0, dtype=np.float32)
    try:
        return vectorizer.fit_transform(bios).tocsr()
    except ValueError:  # nothing left after stop words and min_df
        return sp.csr_matrix((len(bios), 0), dtype=np.float32)
