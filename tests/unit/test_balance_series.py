"""Balance measures week by week: hand-computed points."""

from datetime import UTC, datetime, timedelta

import pytest

from coordinator.domain.balance import series
from coordinator.domain.balance.findings import index_knowledge
from coordinator.domain.balance.insularity import Stint
from coordinator.domain.balance.joint_work import Activity, Completion, WorkLog

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
DAY = timedelta(days=1)
KNOWLEDGE = index_knowledge({1: 10, 2: 10, 3: 20, 4: 20}, {}, {})


def test_weekly_moments_end_now_oldest_first():
    moments = series.weekly_moments(NOW, 3)
    assert moments == [NOW - 14 * DAY, NOW - 7 * DAY, NOW]
    with pytest.raises(ValueError):
        series.weekly_moments(NOW, 0)


def test_members_at_counts_joins_up_to_and_leaves_after_the_moment():
    stints = [Stint("t", 1, NOW - 10 * DAY), Stint("t", 2, NOW - 10 * DAY, NOW - 3 * DAY),
              Stint("t", 3, NOW)]
    assert series.members_at(stints, NOW - 5 * DAY) == {1, 2}
    assert series.members_at(stints, NOW - 3 * DAY) == {1}
    assert series.members_at(stints, NOW) == {1, 3}


def test_blau_series_is_none_until_enough_members_are_clustered():
    # Week 1: members 1, 2 (one cluster, too few); week 2: 1, 2, 3 → counts (2, 1):
    # 1 − (4/9 + 1/9) = 4/9, normalised by 1 − 1/2 → 8/9.
    stints = [Stint("t", 1, NOW - 20 * DAY), Stint("t", 2, NOW - 20 * DAY),
              Stint("t", 3, NOW - 3 * DAY)]
    values = series.blau_series(stints, KNOWLEDGE, [NOW - 7 * DAY, NOW], min_members=3)
    assert values[0] is None
    assert values[1] == pytest.approx(8 / 9)


def test_joint_share_series_uses_the_window_ending_at_each_moment():
    # Two hours for three people on day −20 (J = 6), 2 h of work on day −2 (W = 2).
    meeting = Activity(NOW - 20 * DAY, 120, frozenset({1, 2, 3}))
    logs = [WorkLog((NOW - 2 * DAY).date(), 2.0)]
    values = series.joint_share_series([meeting], logs, [], [NOW - 30 * DAY, NOW - 7 * DAY,
                                                              NOW], window_days=28)
    assert values == [None, 1.0, pytest.approx(6 / 8)]


def test_outputs_series_counts_completions_in_each_week():
    done = [Completion(1, NOW - 1 * DAY), Completion(2, NOW - 7 * DAY),
            Completion(3, NOW - 8 * DAY)]
    assert series.outputs_series(done, [NOW - 7 * DAY, NOW]) == [2.0, 1.0]


def test_ei_and_outside_share_series():
    # Team a: 1, 2 (internal, cluster 10); team b: 2, 3 (external) from day −5 on.
    stints = [Stint("a", 1, NOW - 40 * DAY), Stint("a", 2, NOW - 40 * DAY),
              Stint("b", 2, NOW - 5 * DAY), Stint("b", 3, NOW - 5 * DAY)]
    moments = [NOW - 10 * DAY, NOW]
    assert series.ei_series(stints, KNOWLEDGE, moments, 90) == [-1.0, 0.0]
    assert series.outside_share_series(stints, KNOWLEDGE, 10, moments, 90) == [0.0, 0.5]
    assert series.outside_share_series(stints, KNOWLEDGE, 20, moments, 90) == [None, 1.0]
