"""Knowledge maps of small partnerships: the full graph, the chance test, no tiny noise
clusters, and how clear the structure is, in words."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score

from bench.small_groups import one_group, planted_groups, southern_women
from bench.small_partnerships import current_method, previous_method
from coordinator.domain.knowledge import clarity as map_clarity
from coordinator.domain.knowledge import structure as map_structure
from coordinator.domain.knowledge.structure import merge_small
from coordinator.domain.knowledge.vectors import build_vectors


@pytest.mark.parametrize("n", [12, 35, 120])
def test_a_group_without_inner_structure_stays_one_cluster(n):
    cut = current_method(one_group(n, seed=3))
    assert cut.count == 1
    assert cut.clarity == map_clarity.NONE
    assert len(set(previous_method(one_group(n, seed=3)))) >= 3  # the k-NN map split it


@pytest.mark.parametrize(("n", "seed"), [(35, 2), (60, 3), (120, 4)])
def test_planted_groups_are_found(n, seed):
    """Fixed seeds; bench/small_partnerships.py gives the means over ten seeds a size."""
    profiles, truth = planted_groups(n, seed)
    cut = current_method(profiles)
    found = adjusted_rand_score(truth, cut.labels)
    assert found >= 0.8
    assert found >= adjusted_rand_score(truth, previous_method(profiles))
    assert cut.clarity in (map_clarity.CLEAR, map_clarity.SOME)
    assert min(np.bincount(cut.labels)) >= 3  # no noise cluster of one or two


def test_a_small_group_is_not_split_by_an_unlucky_estimate_of_chance():
    # With five shuffled maps this one came out as two clusters (their mean was low).
    assert current_method(one_group(12, seed=7)).count == 1


@pytest.mark.parametrize(("n", "seed"), [(12, 6), (20, 8), (20, 9)])
def test_small_planted_groups_are_kept_as_planted(n, seed):
    # Five shuffled maps cut the seven-member group of (12, 6) in two and merged two
    # groups of (20, 8) and (20, 9): ARI 0.63, 0.80, 0.80.
    profiles, truth = planted_groups(n, seed)
    assert adjusted_rand_score(truth, current_method(profiles).labels) == 1.0


def test_small_maps_take_more_shuffled_maps_until_chance_is_known():
    small = build_vectors(planted_groups(12, 0)[0]).matrix
    large = build_vectors(planted_groups(300, 0)[0]).matrix
    _, small_maps = map_structure.null_modularity(small, seed=1, resolution=1.0)
    _, large_maps = map_structure.null_modularity(large, seed=1, resolution=1.0)
    assert small_maps > map_structure.NULL_MAPS
    assert small_maps <= map_structure.MAX_NULL_MAPS
    assert large_maps == map_structure.NULL_MAPS  # large maps cost no more than before


def test_southern_women_come_out_as_the_two_published_groups():
    profiles, truth = southern_women()
    cut = current_method(profiles)
    assert adjusted_rand_score(truth, cut.labels) == 1.0
    assert adjusted_rand_score(truth, previous_method(profiles)) < 0.6


def test_a_pair_between_two_groups_joins_the_nearer():
    # Rows 0-2 and 3-5 are two groups; 6 and 7 came out as a cluster of two, and share
    # more with the second group.
    rows = [[1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [0, 1], [0.3, 0.95], [0.4, 0.9]]
    matrix = sp.csr_matrix(np.array(rows, dtype=np.float32))
    labels = merge_small(np.array([0, 0, 0, 1, 1, 1, 2, 2]), matrix).tolist()
    assert len(set(labels)) == 2 and len(set(labels[:3])) == 1
    assert labels[3:] == [labels[3]] * 5 and labels[3] != labels[0]


@pytest.mark.parametrize(("modularity", "null", "band"), [
    (0.30, 0.28, "none"),  # 0.02: no better than shuffled tags
    (0.30, 0.27, "weak"),
    (0.40, 0.30, "some"),  # 0.10
    (0.55, 0.30, "clear"),  # 0.25
])
def test_clarity_bands(modularity, null, band):
    assert map_clarity.clarity_of(modularity, null) == band


def test_the_map_page_sentence_gives_the_numbers_and_skips_old_maps():
    sentence = map_clarity.clarity_sentence({"clarity": "clear", "modularity": 0.61,
                                             "null_modularity": 0.28})
    assert sentence.startswith("The clusters are clearly separated")
    assert "Modularity 0.61 against 0.28" in sentence
    assert map_clarity.clarity_sentence({"modularity": 0.5}) is None
