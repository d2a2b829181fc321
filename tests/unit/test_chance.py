"""Exact tails behind the power indicators' "unlikely by chance" guard, against hand values."""

import math

import pytest

from coordinator.domain.power.chance import binomial_at_most, more_hits_by_chance


@pytest.mark.parametrize(("k", "n", "p", "expected"), [
    (0, 30, 0.1, 0.9 ** 30),  # no voice at all from a tenth of the members: 4.2 %
    (1, 30, 0.1, 0.9 ** 30 + 30 * 0.1 * 0.9 ** 29),
    (30, 30, 0.1, 1.0),
    (0, 10, 0.0, 1.0),
    (3, 10, 1.0, 0.0),
])
def test_binomial_lower_tail_by_hand(k, n, p, expected):
    assert binomial_at_most(k, n, p) == pytest.approx(expected)


def test_binomial_normal_approximation_meets_the_exact_sum():
    exact = binomial_at_most(1900, 20_000, 0.1)  # the last size summed term by term
    approximate = binomial_at_most(1900, 20_001, 0.1)  # the first one approximated
    assert 0.005 < exact < 0.015
    assert approximate == pytest.approx(exact, rel=0.1)
    assert binomial_at_most(20_000, 200_000, 0.1) == pytest.approx(0.5, abs=0.01)


@pytest.mark.parametrize(("a", "b", "expected"), [
    # 2 of 5 late against 0 of 5: C(5,2)·C(5,0)/C(10,2) = 10/45.
    ((2, 5), (0, 5), 10 / 45),
    # 5 of 5 against 0 of 5: 1/C(10,5).
    ((5, 5), (0, 5), 1 / math.comb(10, 5)),
    ((0, 5), (5, 5), 1.0),
    ((0, 0), (0, 0), 1.0),
])
def test_fisher_one_sided_by_hand(a, b, expected):
    assert more_hits_by_chance(*a, *b) == pytest.approx(expected)


def test_fisher_bad_counts_are_refused():
    with pytest.raises(ValueError):
        more_hits_by_chance(6, 5, 0, 5)
