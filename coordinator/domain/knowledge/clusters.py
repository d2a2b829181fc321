"""Knowledge clusters: a k-NN graph, Leiden communities, stable ids and labels."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

MIN_JACCARD = 0.3
UNCLUSTERED = -1


def neighbour_count(n_profiled: int) -> int:
    """k for the k-NN graph: 15, fewer in small partnerships (about a third of them)."""
    return max(1, min(15, n_profiled // 3)) if n_profiled > 1 else 0


def knn_edges(indices: np.ndarray, similarities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Union-symmetrised edges (i < j) of a k-NN table, weighted by cosine similarity."""
    n, k = indices.shape
    rows = np.repeat(np.arange(n), k)
    cols = indices.ravel()
    weights = similarities.ravel()
    keep = cols >= 0
    adjacency = sp.csr_matrix((weights[keep], (rows[keep], cols[keep])), shape=(n, n))
    adjacency = adjacency.maximum(adjacency.T)
    upper = sp.triu(adjacency, k=1).tocoo()
    return np.column_stack([upper.row, upper.col]), upper.data.astype(np.float64)


@dataclass
class Communities:
    labels: np.ndarray  # one raw label per vertex, UNCLUSTERED for isolated/empty ones
    modularity: float
    count: int


def detect_communities(n: int, edges: np.ndarray, weights: np.ndarray, seed: int,
                       resolution: float = 1.0, active: np.ndarray | None = None
                       ) -> Communities:
    """Leiden modularity communities (igraph, fixed seed); inactive vertices stay unclustered."""
    import igraph

    labels = np.full(n, UNCLUSTERED, dtype=np.int64)
    if n == 0 or len(edges) == 0:
        return Communities(labels, 0.0, 0)
    graph = igraph.Graph(n=n, edges=edges, edge_attrs={"weight": weights})
    previous = random.getstate()
    random.seed(seed)  # python-igraph draws from Python's `random`
    try:
        partition = graph.community_leiden(objective_function="modularity", weights="weight",
                                           resolution=resolution, n_iterations=2)
    finally:
        random.setstate(previous)
    labels[:] = partition.membership
    isolated = np.asarray(graph.degree()) == 0
    if active is not None:
        isolated |= ~active
    labels[isolated] = UNCLUSTERED
    labels = compact_labels(labels)
    return Communities(labels, float(partition.modularity), int(labels.max() + 1))


def compact_labels(labels: np.ndarray) -> np.ndarray:
    """Renumber clustered labels 0..m-1, biggest first (ties by first member)."""
    clustered = labels[labels != UNCLUSTERED]
    if clustered.size == 0:
        return labels
    values, first, counts = np.unique(clustered, return_index=True, return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], first[i]))
    mapping = {int(values[i]): rank for rank, i in enumerate(order)}
    return np.array([mapping.get(int(v), UNCLUSTERED) for v in labels], dtype=np.int64)


def match_cluster_ids(previous: dict[int, set[int]], current: dict[int, set[int]],
                      next_id: int, min_jaccard: float = MIN_JACCARD) -> dict[int, int]:
    """Give each current cluster (label → member ids) a stable id.

    Pairs of old and new clusters are taken best Jaccard first; a new cluster inherits
    an old id when their overlap reaches `min_jaccard` and neither is taken yet, so a
    renamed cluster keeps its id, a split keeps it on the bigger part and a merge keeps
    the id of the bigger contributor. Others get fresh ids from `next_id` on.
    """
    pairs = []
    for old_id, old_members in previous.items():
        for label, members in current.items():
            shared = len(old_members & members)
            if shared:
                jaccard = shared / len(old_members | members)
                pairs.append((-jaccard, -shared, old_id, label))
    pairs.sort()
    assigned: dict[int, int] = {}
    used: set[int] = set()
    for negative_jaccard, _, old_id, label in pairs:
        if -negative_jaccard < min_jaccard:
            break
        if label not in assigned and old_id not in used:
            assigned[label] = old_id
            used.add(old_id)
    for label in sorted(current, key=lambda lab: (-len(current[lab]), lab)):
        if label not in assigned:
            assigned[label] = next_id
            next_id += 1
    return assigned


def cluster_labels(matrix: sp.csr_matrix, tag_columns: int, tag_names: list[str],
                   labels: np.ndarray, top: int = 3) -> dict[int, list[str]]:
    """The top tags of each cluster's centroid, as its label."""
    result: dict[int, list[str]] = {}
    tags = matrix[:, :tag_columns]
    for label in np.unique(labels[labels != UNCLUSTERED]):
        centroid = np.round(np.asarray(tags[labels == label].mean(axis=0)).ravel(), 6)
        # Equal weights are ordered by tag name, so a label never flips between runs.
        best = [i for i in np.lexsort((np.array(tag_names, dtype=object), -centroid))[:top]
                if centroid[i] > 0]
        result[int(label)] = [tag_names[i] for i in best]
    return result


def cluster_ties(labels_by_member: dict[int, int], teams: list[list[int]]
                 ) -> dict[tuple[int, int], int]:
    """Pairs of clusters (a < b) and how many member pairs shared a team across them."""
    ties: dict[tuple[int, int], int] = {}
    for team in teams:
        clusters = [labels_by_member.get(m) for m in team]
        clusters = [c for c in clusters if c is not None and c != UNCLUSTERED]
        for i, a in enumerate(clusters):
            for b in clusters[i + 1:]:
                if a != b:
                    key = (min(a, b), max(a, b))
                    ties[key] = ties.get(key, 0) + 1
    return ties


def circle_layout(sizes: list[int], width: float = 640, height: float = 420
                  ) -> list[tuple[float, float, float]]:
    """Centre and radius for each cluster bubble, biggest first around a circle."""
    if not sizes:
        return []
    biggest = max(sizes)
    radii = [12 + 38 * (size / biggest) ** 0.5 for size in sizes]
    if len(sizes) == 1:
        return [(width / 2, height / 2, radii[0])]
    ring = min(width, height) / 2 - max(radii) - 8
    angles = np.linspace(-np.pi / 2, 1.5 * np.pi, len(sizes), endpoint=False)
    return [(width / 2 + ring * np.cos(a), height / 2 + ring * np.sin(a), r)
            for a, r in zip(angles, radii, strict=True)]
