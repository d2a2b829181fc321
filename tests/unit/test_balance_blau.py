"""Normalised Blau diversity over knowledge clusters, and a team's own cluster."""

import pytest

from coordinator.domain.balance.alignophilia import dominant_cluster, normalised_blau


@pytest.mark.parametrize(
    ("counts", "k", "expected"),
    [
        ([], 5, 0.0),
        ([1], 5, 0.0),  # n = 1
        ([3], 1, 0.0),  # K = 1
        ([3], 5, 0.0),
        ([1, 1], 5, 1.0),  # (1 - 1/2) / (1 - 1/2)
        ([2, 1], 3, 2 / 3),  # (4/9) / (2/3)
        ([1, 1, 1], 3, 1.0),
        ([2, 2], 4, 2 / 3),  # 0.5 / 0.75
        ([2, 1], 2, 8 / 9),  # n = 3 > K = 2: (4/9) / (1/2)
        ([4, 1], 10, 0.4),  # 0.32 / 0.8
        ([9, 1], 5, 0.225),  # 0.18 / 0.8
        ([9, 1], 10, 0.2),  # 0.18 / 0.9
        ([10, 1], 10, 20 / 121 / 0.9),
        ([8, 1], 10, 0.2 + 1 / 45),  # (16/81) / (8/9) = 2/9
        ([5, 0, 1], 3, 10 / 24),  # empty categories do not count
    ],
)
def test_normalised_blau(counts, k, expected):
    assert normalised_blau(counts, k) == pytest.approx(expected)


@pytest.mark.parametrize(("counts", "k"), [([2, 1], 1), ([1, 1, 1], 2), ([2, -1], 3)])
def test_normalised_blau_refuses_impossible_counts(counts, k):
    with pytest.raises(ValueError):
        normalised_blau(counts, k)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [({}, None), ({7: 3}, 7), ({7: 3, 2: 1}, 7), ({7: 2, 2: 2}, 2), ({1: 1, 9: 4, 3: 4}, 3)],
)
def test_dominant_cluster_is_the_biggest_lowest_id_first(counts, expected):
    assert dominant_cluster(counts) == expected
