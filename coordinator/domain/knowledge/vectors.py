"""Knowledge vectors (docs/coordinators.md) and their nearest neighbours.

A member's vector is one TF-IDF row over tags and bio terms together: a tag weighs 1 if
declared plus 0.5 per completed task that required it, a bio term 0.8 × (1 + ln count),
each times its IDF. The row is L2-normalised once, so cosine similarity is a dot product
and a profile's tags and bio count by how much each says.

Not two blocks normalised apart with the bio block at 0.3 (the first design): that made a
member's two tags weigh as much as another's twelve and muted the bio, and cost 7 points
of ARI on the benchmark's planted clusters (bench/recompute.py). Bio terms weigh a little
less than tags: at 0.9 and above, the set phrases of the demo's bios split its data
cluster in two.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

from .weights import BIO_WEIGHT, COMPLETED_WEIGHT, DECLARED_WEIGHT, Profile


@dataclass
class Vectors:
    member_ids: np.ndarray
    matrix: sp.csr_matrix
    tag_names: list[str]
    tag_columns: int  # the first tag_columns columns are tags, the rest bio terms
    empty: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # What weighs a profile the map has not seen (domain.knowledge.placement).
    tag_idf: dict[str, float] = field(default_factory=dict)
    bio_terms: list[str] = field(default_factory=list)  # the bio columns, in order
    bio_idf: dict[str, float] = field(default_factory=dict)

    def column_keys(self) -> list[str]:
        """A name per column: "t:<tag>" or "b:<bio term>" (domain.knowledge.placement)."""
        return [f"t:{name}" for name in self.tag_names] + [f"b:{t}" for t in self.bio_terms]


def build_vectors(profiles: list[Profile]) -> Vectors:
    """One L2-normalised sparse row per profile; empty profiles get an all-zero row."""
    ids = np.array([p.member_id for p in profiles], dtype=np.int64)
    tags, tag_names, tag_idf = _tag_block(profiles)
    bio, bio_terms, bio_idf = _bio_block([p.bio for p in profiles])
    matrix = sp.hstack([tags, BIO_WEIGHT * bio], format="csr", dtype=np.float32)
    # One norm for the joined row, none per part (module docstring).
    if matrix.shape[1]:
        matrix = normalize(matrix)
    empty = np.diff(matrix.indptr) == 0
    return Vectors(ids, matrix, tag_names, tags.shape[1], empty,
                   dict(zip(tag_names, tag_idf.tolist(), strict=True)), bio_terms,
                   dict(zip(bio_terms, bio_idf, strict=True)))


def _tag_block(profiles: list[Profile]) -> tuple[sp.csr_matrix, list[str], np.ndarray]:
    # Sorted, so every process builds the same columns (set order varies between runs).
    names = sorted({tag for p in profiles for tag in (*p.tags, *p.completed_tags)})
    vocabulary = {name: column for column, name in enumerate(names)}
    rows, cols, values = [], [], []
    for row, profile in enumerate(profiles):
        declared = [vocabulary[tag] for tag in set(profile.tags)]
        completed = [vocabulary[tag] for tag in profile.completed_tags]
        rows += [row] * (len(declared) + len(completed))
        cols += declared + completed
        values += [DECLARED_WEIGHT] * len(declared) + [COMPLETED_WEIGHT] * len(completed)
    # A tag declared and required by completed tasks: the entries add up (csr sums them).
    counts = sp.csr_matrix((np.array(values, np.float32), (rows, cols)),
                           shape=(len(profiles), len(vocabulary)), dtype=np.float32)
    if not vocabulary:
        return counts, [], np.zeros(0)
    transformer = TfidfTransformer(norm=None, smooth_idf=True)
    weighted = transformer.fit_transform(counts)
    return weighted.astype(np.float32).tocsr(), names, transformer.idf_


def _bio_block(bios: list[str]) -> tuple[sp.csr_matrix, list[str], list[float]]:
    present = sum(1 for bio in bios if bio.strip())
    if present < 2:
        return sp.csr_matrix((len(bios), 0), dtype=np.float32), [], []
    # Words in a single bio cannot make two people similar; near-universal ones say little.
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2,
                                 max_df=0.5 if present >= 20 else 1.0, norm=None,
                                 dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform(bios).tocsr()
    except ValueError:  # nothing left after stop words and min_df
        return sp.csr_matrix((len(bios), 0), dtype=np.float32), [], []
    return matrix, vectorizer.get_feature_names_out().tolist(), vectorizer.idf_.tolist()


def centroids(vectors: Vectors, labels: np.ndarray, label_ids: dict[int, int],
              top: int) -> dict[int, dict[str, float]]:
    """Each cluster's mean vector, normalised, cut to its `top` heaviest terms, by the id
    `label_ids` gives its label; unclustered rows (label -1) count for none."""
    keep = np.flatnonzero(labels >= 0)
    if not len(keep) or not vectors.matrix.shape[1]:
        return {}
    order = sorted(label_ids)
    row_of = {label: i for i, label in enumerate(order)}
    member_of = sp.csr_matrix((np.ones(len(keep), np.float32),
                               ([row_of[int(lab)] for lab in labels[keep]], keep)),
                              shape=(len(order), vectors.matrix.shape[0]))
    means = normalize(member_of @ vectors.matrix).tocsr()
    keys = vectors.column_keys()
    result = {}
    for label, row in zip(order, range(means.shape[0]), strict=True):
        start, end = means.indptr[row], means.indptr[row + 1]
        columns, weights = means.indices[start:end], means.data[start:end]
        heaviest = np.argsort(-weights, kind="stable")[:top]
        result[label_ids[label]] = {keys[columns[i]]: round(float(weights[i]), 5)
                                    for i in heaviest}
    return result
