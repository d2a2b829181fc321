"""Each member's k most similar colleagues (cosine on knowledge vectors).

Up to EXACT_SEARCH_LIMIT members the search is exact: a sparse product that keeps the
top k per row (sparse_dot_topn), never an N×N matrix. Beyond it, a cell search: cluster
a sample exactly, give every member its nearest sample cluster ("cell") and the next one
when that is nearly as near, and search exactly within them. Neighbours mostly share a
cell, so recall stays high (measured by bench/recompute.py) while the work drops from all
pairs to pairs within cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from coordinator.domain.knowledge import clusters

EXACT_SEARCH_LIMIT = 30_000
SAMPLE_SIZE = 10_000
PROBES = 2
NEXT_CELL = 0.5  # a farther cell is probed when its centroid is this near, or nearer


@dataclass
class Neighbours:
    indices: np.ndarray  # (n, k) row numbers, -1 where there is none
    similarities: np.ndarray  # (n, k) cosine, 0 where there is none
    method: str


def nearest_neighbours(matrix: sp.csr_matrix, k: int, seed: int = 0,
                       exact_limit: int = EXACT_SEARCH_LIMIT) -> Neighbours:
    """The k most similar other rows of each row (similarity > 0 only)."""
    n = matrix.shape[0]
    k = max(0, min(k, n - 1))
    if k == 0 or matrix.nnz == 0:
        return Neighbours(np.full((n, k), -1), np.zeros((n, k), np.float32), "none")
    if n <= exact_limit:
        return exact_neighbours(matrix, k)
    return cell_search(matrix, k, seed)


def exact_neighbours(matrix: sp.csr_matrix, k: int) -> Neighbours:
    return _top_k(_product_top(matrix, matrix, k + 1), k, "exact")


def cell_search(matrix: sp.csr_matrix, k: int, seed: int, sample_size: int = SAMPLE_SIZE,
                probes: int = PROBES) -> Neighbours:
    n = matrix.shape[0]
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, size=min(sample_size, n), replace=False))
    sample_rows = matrix[sample]
    found = exact_neighbours(sample_rows, k)
    edges, weights = clusters.knn_edges(found.indices, found.similarities)
    cells = clusters.detect_communities(len(sample), edges, weights, seed=seed).labels
    placed = cells != clusters.UNCLUSTERED
    if not placed.any():
        return exact_neighbours(matrix, k)
    count = int(cells.max() + 1)
    members = sp.csr_matrix((np.ones(int(placed.sum()), np.float32),
                             (cells[placed], np.flatnonzero(placed))),
                            shape=(count, len(sample)))
    centroids = normalize(members @ sample_rows)
    scores = (matrix @ centroids.T).toarray()
    nearest = probed_cells(scores, probes)
    home = nearest[:, 0]
    parts = []
    for cell in range(count):
        residents = np.flatnonzero(home == cell)
        visitors = np.flatnonzero((nearest == cell).any(axis=1))
        if len(residents) and len(visitors):
            block = _product_top(matrix[visitors], matrix[residents], k + 1).tocoo()
            parts.append((visitors[block.row], residents[block.col], block.data))
    rows, cols, data = (np.concatenate(column) for column in zip(*parts, strict=True))
    return _top_k(sp.csr_matrix((data, (rows, cols)), shape=(n, n)), k,
                  f"cell search ({count} cells, up to {nearest.shape[1]} probed)")


def probed_cells(scores: np.ndarray, probes: int = PROBES) -> np.ndarray:
    """Each row's cells to search, nearest first: its nearest, and up to probes - 1 more
    that are at least NEXT_CELL as near (else the nearest again, which adds nothing).

    Only a member between cells searches beyond their own: probing the second cell for
    every member doubled the work for 0.4 % of recall at 100,000 (bench/recompute.py).
    """
    nearest = np.argsort(-scores, axis=1, kind="stable")[:, :min(probes, scores.shape[1])]
    near = np.take_along_axis(scores, nearest, axis=1)
    return np.where(near >= NEXT_CELL * near[:, :1], nearest, nearest[:, :1])


def _product_top(left: sp.csr_matrix, right: sp.csr_matrix, top: int) -> sp.csr_matrix:
    from sparse_dot_topn import sp_matmul_topn

    return sp_matmul_topn(left, right.T.tocsr(), top_n=top, threshold=1e-6,
                          n_threads=2).tocsr()


def _top_k(product: sp.csr_matrix, k: int, method: str) -> Neighbours:
    """Each row's k best other columns, best first; ties by column: deterministic."""
    n = product.shape[0]
    entries = product.tocoo()
    off_diagonal = entries.row != entries.col
    rows, cols, vals = (entries.row[off_diagonal], entries.col[off_diagonal],
                        entries.data[off_diagonal])
    order = np.lexsort((cols, -vals, rows))  # one sort for all rows, not one per row
    rows, cols, vals = rows[order], cols[order], vals[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, np.arange(n))[rows]
    top = rank < k
    indices = np.full((n, k), -1, dtype=np.int64)
    similarities = np.zeros((n, k), dtype=np.float32)
    indices[rows[top], rank[top]] = cols[top]
    similarities[rows[top], rank[top]] = vals[top]
    return Neighbours(indices, similarities, method)
