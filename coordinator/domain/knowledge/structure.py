"""How a knowledge map is cut into clusters, and how clear its structure is.

Small partnerships get the graph of all pairwise similarities: a truncated k-NN list
drops most of the evidence in a group of a few dozen and over-splits it. Large ones keep
the k-NN graph (a full graph of 100,000 members would not fit in memory). Either way:

- the partition must beat chance: the same method on profiles whose tags are shuffled
  between members (each tag keeps how many hold it) gives the modularity of a map with
  no structure; a partition that does not clearly beat it stays one cluster, so a group
  with no internal structure is never split. Small maps take more shuffled maps (up to
  MAX_NULL_MAPS) until the mean is known to NULL_PRECISION (null_modularity);
- clusters of fewer than MIN_CLUSTER members are noise: their members join the cluster
  they are most similar to, so people between two groups join the nearer one;
- how clear the structure is, is told in plain words from how far the modularity stands
  above the shuffled maps'.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from coordinator.domain.knowledge import clusters as cl
from coordinator.domain.knowledge.clarity import NONE, NONE_GAIN, clarity_of

FULL_GRAPH_LIMIT = 1000  # members: 1.4-4 s a map, 6-26 s at 2,000 (bench/small_partnerships.py)
MIN_CLUSTER = 3
NULL_MAPS = 5  # shuffled maps to compare against, at least
MAX_NULL_MAPS = 20  # and at most, when their modularity varies a lot (small maps)
NULL_PRECISION = 0.01  # standard error of the shuffled maps' mean, half of NONE_GAIN
SPLIT_GAIN = 0.05  # and that a cluster's own cut must reach to split it further
MAX_DEPTH = 3
CLARITY_SAMPLE = 500  # members whose full graph tells a large map's clarity


@dataclass(frozen=True)
class MapCut:
    labels: np.ndarray  # raw label per row, UNCLUSTERED for empty profiles
    modularity: float
    null_modularity: float  # the mean of the shuffled maps
    clarity: str
    graph: str  # "all pairs" or "k-NN (k)"
    edges: int

    @property
    def count(self) -> int:
        placed = self.labels[self.labels != cl.UNCLUSTERED]
        return int(placed.max() + 1) if placed.size else 0


def full_edges(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of rows (i < j) with a positive cosine, as edges of the full graph."""
    similarity = (matrix @ matrix.T).toarray()
    upper = np.triu(similarity, k=1)
    i, j = np.nonzero(upper > 1e-9)
    return np.column_stack([i, j]), upper[i, j].astype(np.float64)


def merge_small(labels: np.ndarray, matrix: sp.csr_matrix, minimum: int = MIN_CLUSTER
                ) -> np.ndarray:
    """Members of clusters under `minimum` join the cluster whose members they are most
    similar to on average (smallest clusters first); if none is left, all stay one."""
    labels = labels.copy()
    while True:
        values, counts = np.unique(labels[labels != cl.UNCLUSTERED], return_counts=True)
        big = values[counts >= minimum]
        if big.size == len(values):
            return cl.compact_labels(labels)
        if big.size == 0:
            labels[labels != cl.UNCLUSTERED] = 0
            return labels
        target = values[np.argmin(np.where(counts < minimum, counts, np.iinfo(np.int64).max))]
        rows = np.flatnonzero(labels == target)
        centroids = np.vstack([np.asarray(matrix[labels == b].mean(axis=0)).ravel()
                               for b in big])
        affinity = np.asarray(matrix[rows] @ centroids.T)
        labels[rows] = big[np.argmax(affinity, axis=1)]


def shuffled(matrix: sp.csr_matrix, rng: np.random.Generator) -> sp.csr_matrix:
    """The same profiles with every entry moved to a random member: each tag keeps its
    holders' count and weights, each member their number of tags, but nothing ties a
    member's tags together any more."""
    coo = matrix.tocoo()
    moved = sp.csr_matrix((coo.data, (rng.permutation(coo.row), coo.col)), shape=matrix.shape)
    moved.sum_duplicates()
    return normalize(moved)


def null_modularity(sub: sp.csr_matrix, seed: int, resolution: float) -> tuple[float, int]:
    """(mean modularity of shuffled maps, how many were made).

    The chance test compares a margin of 0.02 (0.05 inside a cluster) with this mean,
    so the mean must be known to about half that margin. In a map of a dozen members,
    or a cluster of that size cut again, one shuffled map's modularity differs from the
    next by 0.03-0.06, and five maps left the mean uncertain by as much as the margin: a
    group with no structure was split when its shuffles came out low, and a real group
    cut in two (bench/small_partnerships.py). Maps of a few dozen members and more vary
    little and stop at NULL_MAPS, so they cost what they did; small ones are cheap to
    shuffle more (20 maps of a dozen members take milliseconds).
    """
    n = sub.shape[0]
    rng = np.random.default_rng(seed)
    values: list[float] = []
    while len(values) < MAX_NULL_MAPS:
        values.append(cl.detect_communities(n, *full_edges(shuffled(sub, rng)), seed=seed,
                                            resolution=resolution).modularity)
        if (len(values) >= NULL_MAPS
                and np.std(values, ddof=1) / np.sqrt(len(values)) <= NULL_PRECISION):
            break
    return float(np.mean(values)), len(values)


def cut_map(matrix: sp.csr_matrix, active: np.ndarray, seed: int, resolution: float = 1.0,
            neighbours=None) -> MapCut:
    """Cluster the active rows: full graph when small, else the given k-NN table."""
    n = matrix.shape[0]
    rows = np.flatnonzero(active)
    labels = np.full(n, cl.UNCLUSTERED, dtype=np.int64)
    if len(rows) < 2 * MIN_CLUSTER:  # too few to split: one cluster, or none under three
        if len(rows) >= MIN_CLUSTER:
            labels[rows] = 0
        return MapCut(labels, 0.0, 0.0, NONE, "all pairs", 0)
    if len(rows) <= FULL_GRAPH_LIMIT:
        part, modularity, null, count = _full_cut(matrix[rows], seed, resolution)
        labels[rows] = part
        return MapCut(cl.compact_labels(labels), modularity, null, clarity_of(modularity, null),
                      "all pairs", count)
    edges, weights = cl.knn_edges(neighbours.indices, neighbours.similarities)
    found = cl.detect_communities(n, edges, weights, seed=seed, resolution=resolution,
                                  active=active)
    labels = found.labels
    labels[rows] = merge_small(labels[rows], matrix[rows])
    # How clear the structure is: the full-graph test on a sample of the members. Only
    # the first cut's modularity against the shuffled maps' counts, so the sample is not
    # cut again inside its clusters.
    sample = np.sort(np.random.default_rng(seed).choice(rows, CLARITY_SAMPLE,
                                                        replace=False))
    _, modularity, null, _ = _split_once(matrix[sample], seed, resolution, NONE_GAIN)
    return MapCut(cl.compact_labels(labels), found.modularity, null,
                  clarity_of(modularity, null), f"k-NN ({neighbours.indices.shape[1]})",
                  len(edges))


def _full_cut(sub: sp.csr_matrix, seed: int, resolution: float
              ) -> tuple[np.ndarray, float, float, int]:
    """(labels, modularity, best shuffled modularity, edges) on the full graph.

    The partition stands only where it beats the shuffled maps; then each cluster is cut
    again the same way, so groups that modularity merges for being small (its resolution
    limit) come apart, while a group with no structure of its own stays whole.
    """
    n = sub.shape[0]
    part, modularity, null, edges = _split_once(sub, seed, resolution, NONE_GAIN)
    if part is None:
        return np.zeros(n, dtype=np.int64), modularity, null, edges
    labels = merge_small(part, sub)
    for depth in range(MAX_DEPTH):
        changed = False
        for label in np.unique(labels):
            rows = np.flatnonzero(labels == label)
            if len(rows) < 2 * MIN_CLUSTER:
                continue
            inner, _, _, _ = _split_once(sub[rows], seed + depth + 1, resolution, SPLIT_GAIN)
            if inner is None:
                continue
            inner = merge_small(inner, sub[rows])
            if inner.max() > 0:
                labels[rows] = np.where(inner == 0, label, labels.max() + inner)
                changed = True
        if not changed:
            break
    return cl.compact_labels(labels), modularity, null, edges


def _split_once(sub: sp.csr_matrix, seed: int, resolution: float, gain: float
                ) -> tuple[np.ndarray | None, float, float, int]:
    n = sub.shape[0]
    edges, weights = full_edges(sub)
    found = cl.detect_communities(n, edges, weights, seed=seed, resolution=resolution)
    null, _ = null_modularity(sub, seed, resolution)
    part = found.labels
    part[part == cl.UNCLUSTERED] = 0  # a profile sharing nothing with anyone
    if found.modularity - null <= gain or part.max() == 0:
        return None, found.modularity, null, len(edges)
    return part, found.modularity, null, len(edges)
