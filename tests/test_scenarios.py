"""The alert rules on simulated partnerships with a known truth, at a small size.

bench/scenarios.py runs the same cases at full size (150 members, 16 weeks, three seeds)
beside the rules they replaced. Here: 80 members observed for 8 weeks, onset in week 3,
one seed; the healthy control must stay silent and each planted case must be caught
within 14 days of its onset.
"""

import pytest

from bench.simulation.plants import PLANTS
from bench.simulation.suite import run

SMALL = {"seed": 5, "members": 80, "weeks": 8, "onset_day": 14}


def test_a_healthy_partnership_raises_no_alert_in_eight_weeks():
    outcome = run("control", **SMALL)
    assert outcome.raised == {}
    assert outcome.life.load() == 0.0


@pytest.mark.parametrize("case", list(PLANTS))
def test_each_planted_pattern_is_caught_within_two_weeks(case):
    outcome = run(case, **SMALL)
    assert outcome.delay_days is not None, f"{outcome.kind} never raised: {outcome.raised}"
    assert 0 <= outcome.delay_days <= 14
