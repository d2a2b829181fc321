"""Power tier from three sources scored 0-2, and sector names as users type them."""

import itertools

import pytest

from coordinator.domain.power.sectors import SECTORS, normalise_sector, power_tier

TIER_BY_SUM = {0: "low", 1: "low", 2: "low", 3: "medium", 4: "medium", 5: "high", 6: "high"}
ALL_SCORES = list(itertools.product(range(3), repeat=3))


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ((0, 0, 0), "low"),
        ((1, 0, 0), "low"),
        ((1, 1, 0), "low"),
        ((0, 0, 2), "low"),
        ((1, 1, 1), "medium"),
        ((2, 1, 0), "medium"),
        ((2, 2, 0), "medium"),
        ((0, 2, 2), "medium"),
        ((2, 2, 1), "high"),
        ((1, 2, 2), "high"),
        ((2, 2, 2), "high"),
    ],
)
def test_power_tier_boundaries(scores, expected):
    assert power_tier(*scores) == expected


@pytest.mark.parametrize("scores", ALL_SCORES, ids=lambda s: "-".join(map(str, s)))
def test_power_tier_depends_only_on_the_sum(scores):
    assert power_tier(*scores) == TIER_BY_SUM[sum(scores)]


@pytest.mark.parametrize(
    "scores", [(-1, 0, 0), (0, 3, 0), (0, 0, -1), (3, 3, 3), (0, 0, 99)]
)
def test_power_tier_refuses_scores_outside_0_to_2(scores):
    with pytest.raises(ValueError) as excinfo:
        power_tier(*scores)
    assert str(excinfo.value) == "each power source is scored 0, 1 or 2"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("business", "business"),
        ("Business", "business"),
        ("  GOVERNMENT ", "government"),
        ("Academia", "academia"),
        ("other", "other"),
        ("civil_society", "civil_society"),
        ("Civil society", "civil_society"),
        ("civil-society", "civil_society"),
        ("Civil-Society", "civil_society"),
        ("", None),
        ("   ", None),
        ("ngo", None),
        ("civilsociety", None),
        ("civil  society", None),
        ("civil\tsociety", None),
        ("businesses", None),
    ],
)
def test_normalise_sector(value, expected):
    assert normalise_sector(value) == expected


@pytest.mark.parametrize("sector", SECTORS)
def test_every_sector_key_normalises_to_itself(sector):
    assert normalise_sector(sector) == sector
