"""Knowledge vectors, neighbour search, graph, communities, stable ids: hand-made cases."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from bench.synthetic import planted_profiles
from coordinator.domain.knowledge import clusters as cl
from coordinator.domain.knowledge.neighbours import (
    cell_search,
    exact_neighbours,
    nearest_neighbours,
    probed_cells,
)
from coordinator.domain.knowledge.vectors import Profile, build_vectors


def test_declared_and_completed_tags_weigh_one_and_a_half():
    vectors = build_vectors([Profile(1, ("gis",)), Profile(2, ("law",), ("gis", "gis")),
                             Profile(3, ("law",))])
    dense = vectors.matrix.toarray()
    gis, law = vectors.tag_names.index("gis"), vectors.tag_names.index("law")
    # Member 2 declared law (1) and completed two gis tasks (2 × 0.5): equal raw weights,
    # and both tags are held by two of three members, so equal IDF too.
    assert dense[1, gis] == pytest.approx(dense[1, law])
    assert np.linalg.norm(dense, axis=1) == pytest.approx([1, 1, 1])


def test_tags_and_bio_terms_share_one_norm():
    vectors = build_vectors([Profile(1, ("gis",), ("gis",), "flood maps"),
                             Profile(2, ("law",), (), "flood"),
                             Profile(3, ("gis",), (), "maps maps")])
    keys = vectors.column_keys()
    rows = [{keys[c]: float(v) for c, v in zip(vectors.matrix[r].indices,
                                                vectors.matrix[r].data, strict=True)}
            for r in range(3)]
    # gis, flood and maps are each held by two of three members: one IDF, ln(4/3) + 1.
    # Member 1's gis weighs 1 + 0.5 (declared, one completed task), each bio term 0.8,
    # and the row has one norm: (1.5, 0.8, 0.8) / √3.53.
    norm = (1.5 ** 2 + 2 * 0.8 ** 2) ** 0.5
    assert rows[0] == pytest.approx({"t:gis": 1.5 / norm, "b:flood": 0.8 / norm,
                                     "b:maps": 0.8 / norm})
    # law is held by one: IDF ln(4/2) + 1 against flood's ln(4/3) + 1.
    law, flood = np.log(2) + 1, 0.8 * (np.log(4 / 3) + 1)
    norm = (law ** 2 + flood ** 2) ** 0.5
    assert rows[1] == pytest.approx({"t:law": law / norm, "b:flood": flood / norm})
    # A bio term said twice weighs 0.8 × (1 + ln 2).
    maps = 0.8 * (1 + np.log(2))
    norm = (1 + maps ** 2) ** 0.5
    assert rows[2] == pytest.approx({"t:gis": 1 / norm, "b:maps": maps / norm})


def test_a_shared_tag_counts_a_little_more_than_a_shared_bio_term():
    vectors = build_vectors([Profile(1, ("gis",), (), "flood"),
                             Profile(2, ("gis",), (), "budgets"),
                             Profile(3, ("law",), (), "flood"),
                             Profile(4, ("law",), (), "budgets")])
    similarity = (vectors.matrix @ vectors.matrix.T).toarray()
    # Every term is held by two of four: the rows are (1, 0.8) / √1.64.
    assert similarity[0, 1] == pytest.approx(1 / 1.64)
    assert similarity[0, 2] == pytest.approx(0.64 / 1.64)
    assert similarity[0, 3] == 0


def test_a_member_with_few_tags_is_placed_by_their_bio_too():
    """Members with one or two tags: a norm per part made those tags weigh as much as
    another member's twelve, and a stray tag decided their cluster (ARI 0.46 here with
    the bio at 0.3 in a part of its own; 0.92 with one norm)."""
    profiles, truth = planted_profiles(3000, topics=8, seed=3)
    few = np.random.default_rng(0).random(len(profiles)) < 0.4
    profiles = [Profile(p.member_id, p.tags[:2] if cut else p.tags, (), p.bio)
                for p, cut in zip(profiles, few, strict=True)]
    vectors = build_vectors(profiles)
    neighbours = nearest_neighbours(vectors.matrix, cl.neighbour_count(3000))
    edges, weights = cl.knn_edges(neighbours.indices, neighbours.similarities)
    found = cl.detect_communities(3000, edges, weights, seed=1)
    assert adjusted_rand_score(truth, found.labels) >= 0.9


def test_empty_profiles_are_zero_rows():
    vectors = build_vectors([Profile(1), Profile(2, ("gis",)), Profile(3, (), (), "   ")])
    assert vectors.empty.tolist() == [True, False, True]
    assert vectors.matrix[0].nnz == 0


@pytest.mark.parametrize("profiles", [[], [Profile(1)], [Profile(1), Profile(2)]])
def test_no_profiles_or_only_empty_ones(profiles):
    vectors = build_vectors(profiles)
    neighbours = nearest_neighbours(vectors.matrix, 3)
    edges, weights = cl.knn_edges(neighbours.indices, neighbours.similarities)
    found = cl.detect_communities(len(profiles), edges, weights, seed=1, active=~vectors.empty)
    assert found.count == 0
    assert found.labels.tolist() == [cl.UNCLUSTERED] * len(profiles)


def test_exact_neighbours_by_hand():
    vectors = build_vectors([Profile(1, ("a", "b")), Profile(2, ("a",)), Profile(3, ("c",)),
                             Profile(4, ("a", "b", "c"))])
    found = exact_neighbours(vectors.matrix, 2)
    assert found.indices[0].tolist() == [3, 1]
    assert found.indices[2].tolist() == [3, -1]  # only one other row shares anything
    assert found.similarities[2, 1] == 0


def test_edges_are_symmetric_and_unique():
    indices = np.array([[1, 2], [0, -1], [0, 1]])
    sims = np.array([[0.9, 0.5], [0.9, 0.0], [0.5, 0.4]], dtype=np.float32)
    edges, weights = cl.knn_edges(indices, sims)
    assert sorted(map(tuple, edges.tolist())) == [(0, 1), (0, 2), (1, 2)]
    assert dict(zip(map(tuple, edges.tolist()), weights.round(2).tolist(), strict=True)) == {
        (0, 1): 0.9, (0, 2): 0.5, (1, 2): 0.4}


def test_identical_profiles_form_one_cluster():
    profiles = [Profile(i, ("hydrology", "gis"), (), "same words") for i in range(1, 7)]
    vectors = build_vectors(profiles)
    neighbours = nearest_neighbours(vectors.matrix, cl.neighbour_count(6))
    edges, weights = cl.knn_edges(neighbours.indices, neighbours.similarities)
    found = cl.detect_communities(6, edges, weights, seed=1, active=~vectors.empty)
    assert found.count == 1 and set(found.labels.tolist()) == {0}


def test_huge_tag_lists():
    profiles = [Profile(i, tuple(f"tag{j}" for j in range(i, i + 2000))) for i in range(1, 6)]
    vectors = build_vectors(profiles)
    neighbours = nearest_neighbours(vectors.matrix, 2)
    assert neighbours.indices[0].tolist() == [1, 2]


def test_planted_clusters_are_found():
    profiles, truth = planted_profiles(3000, topics=8, seed=3)
    vectors = build_vectors(profiles)
    neighbours = nearest_neighbours(vectors.matrix, cl.neighbour_count(3000))
    edges, weights = cl.knn_edges(neighbours.indices, neighbours.similarities)
    found = cl.detect_communities(3000, edges, weights, seed=1)
    assert adjusted_rand_score(truth, found.labels) >= 0.95  # 0.93 with the bio at 0.3


def test_cell_search_finds_the_exact_neighbours_of_clustered_data():
    profiles, _ = planted_profiles(2000, topics=6, seed=4)
    matrix = build_vectors(profiles).matrix
    exact = exact_neighbours(matrix, 10)
    approx = cell_search(matrix, 10, seed=0, sample_size=800)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in
                      zip(approx.indices.tolist(), exact.indices.tolist(), strict=True)])
    assert recall >= 0.9
    assert approx.method.startswith("cell search")


@pytest.mark.parametrize(("scores", "probed"), [
    ([0.9, 0.5, 0.1], [0, 1]),  # the second cell is more than half as near: searched too
    ([0.9, 0.4, 0.1], [0, 0]),  # less than half: the member's own cell only
    ([0.2, 0.6, 0.3], [1, 2]),
    ([0.0, 0.0, 0.0], [0, 1]),  # near no cell at all: the first two, in order
])
def test_a_member_searches_a_second_cell_only_when_it_is_nearly_as_near(scores, probed):
    assert probed_cells(np.array([scores]), probes=2).tolist() == [probed]


def test_same_seed_same_communities():
    profiles, _ = planted_profiles(600, topics=5, seed=5)
    vectors = build_vectors(profiles)
    neighbours = nearest_neighbours(vectors.matrix, 10)
    edges, weights = cl.knn_edges(neighbours.indices, neighbours.similarities)
    first = cl.detect_communities(600, edges, weights, seed=7).labels
    second = cl.detect_communities(600, edges, weights, seed=7).labels
    assert first.tolist() == second.tolist()


@pytest.mark.parametrize("previous, current, expected", [
    # renamed: same people, new raw label → same id
    ({1: {1, 2, 3}}, {0: {1, 2, 3}}, {0: 1}),
    # split: the bigger part keeps the id, the other is new
    ({4: {1, 2, 3, 4, 5, 6}}, {0: {1, 2}, 1: {3, 4, 5, 6}}, {1: 4, 0: 10}),
    # merge: the id of the bigger contributor survives
    ({1: {1, 2}, 2: {3, 4, 5, 6}}, {0: {1, 2, 3, 4, 5, 6}}, {0: 2}),
    # too little overlap (Jaccard 1/4 < 0.3): a new id
    ({1: {1, 2, 3, 4}}, {0: {4, 5, 6, 7}}, {0: 10}),
    # exactly at the threshold (3/10 = 0.3): inherits
    ({1: set(range(1, 7))}, {0: {4, 5, 6, 7, 8, 9, 10}}, {0: 1}),
    # first snapshot: ids by size
    ({}, {0: {1}, 1: {2, 3}}, {1: 10, 0: 11}),
])
def test_stable_ids(previous, current, expected):
    assert cl.match_cluster_ids(previous, current, next_id=10) == expected


def test_labels_are_the_top_tags_of_the_centroid():
    vectors = build_vectors([Profile(1, ("gis", "maps")), Profile(2, ("gis", "law")),
                             Profile(3, ("law",))])
    labels = np.array([0, 0, 1])
    names = cl.cluster_labels(vectors.matrix, vectors.tag_columns, vectors.tag_names, labels)
    assert names[0][0] == "gis" and names[1] == ["law"]


def test_ties_count_member_pairs_across_clusters():
    ties = cl.cluster_ties({1: 1, 2: 1, 3: 2, 4: 3}, [[1, 2, 3], [3, 4], [1, 9]])
    assert ties == {(1, 2): 2, (2, 3): 1}


@pytest.mark.parametrize("profiled, k", [(0, 0), (1, 0), (2, 1), (10, 3), (45, 15), (900, 15)])
def test_neighbour_count(profiled, k):
    assert cl.neighbour_count(profiled) == k
