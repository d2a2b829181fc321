"""Joinholism waits for a pattern: young groups, formation, persistence and real churn.

Hand-computed cases at and just past each guard (docs/coordinators.md, "Joinholism").
"""

from datetime import timedelta

import pytest

from coordinator.domain.balance.joinholism import (
    CHURN_ADVICE,
    TEAM_ADVICE,
    assess_partnership_joinholism,
    assess_team_joinholism,
)
from coordinator.domain.balance.joint_work import Activity, Completion, WorkLog
from coordinator.domain.balance.thresholds import Thresholds
from tests.unit.joint_work_builders import FOUR, NOW, SECOND, ago, join, leave, meeting

DEFAULTS = Thresholds()


def team(activities, logs=(), events=FOUR, formed_at=None, thresholds=DEFAULTS):
    return assess_team_joinholism(activities, logs, (), events, NOW, thresholds, (7,),
                                  formed_at=formed_at)


def test_a_new_task_with_its_kickoff_raises_nothing():
    """The issue's case: posted minutes ago, a 90-minute kickoff with 4, 2.5 h of work."""
    posted = NOW - timedelta(minutes=10)
    events = [join(posted, 1), *(join(posted + timedelta(minutes=2 + m), m) for m in (2, 3, 4))]
    kickoff = [meeting(NOW - timedelta(minutes=5), 90, 1, 2, 3, 4)]
    logs = [WorkLog(NOW.date(), 2.5)]
    result = team(kickoff, logs, events, formed_at=posted)
    assert result.work.joint_hours == 6 and result.work.joint_share == pytest.approx(6 / 8.5)
    assert result.judged is False
    assert result.finding is None
    # Its churn is formation: the initiator's start and the first joins are not counted.
    assert (result.churn.joins, result.churn.leaves) == (0, 0)
    whole = assess_partnership_joinholism(kickoff, logs, (), NOW, DEFAULTS,
                                          formed_at=NOW - timedelta(days=30))
    assert whole.finding is None  # one activity, and that one a kickoff


@pytest.mark.parametrize(("age", "judged"), [
    (timedelta(days=14), True),  # at the threshold
    (timedelta(days=14) - SECOND, False),  # just short of it
])
def test_a_team_is_judged_once_it_is_old_enough(age, judged):
    formed = NOW - age
    result = team([meeting(ago(1), 300, 1, 2)], events=[join(formed, m) for m in (1, 2)],
                  formed_at=formed)
    assert result.judged is judged
    assert (result.finding is not None) is judged


def test_a_young_team_is_judged_over_its_own_life_only():
    formed = ago(20)
    result = team([meeting(ago(1), 300, 1, 2)], events=[join(formed, m) for m in (1, 2)],
                  formed_at=formed)
    assert result.work.window.start.date() == formed.date() - timedelta(days=1)
    assert 20 < result.work.window.days < 21  # the whole day it formed, to now
    assert "no completion in 20 days" in result.finding.pattern


def test_joins_in_the_first_week_are_formation_not_churn():
    formed = ago(20)
    events = [join(formed, 1), join(formed + timedelta(days=7), 2),  # formation, inclusive
              join(formed + timedelta(days=7) + SECOND, 3)]  # one second later: a join
    result = team([meeting(ago(1), 300, 1, 2, 3)], events=events, formed_at=formed)
    assert (result.churn.joins, result.churn.leaves) == (1, 0)


def test_joins_alone_never_raise_severity_or_bring_churn_advice():
    """Six people joined after formation (churn 6 / mean size ≫ 1) and nobody left."""
    events = [*FOUR, *(join(ago(10 - d), 10 + d) for d in range(6))]
    result = team([meeting(ago(1), 300, 1, 2)], events=events)
    assert result.churn.rate > DEFAULTS.team_high_churn
    assert result.finding.severity == "medium"
    assert result.finding.advice == TEAM_ADVICE


def test_people_leaving_raise_severity_and_bring_churn_advice():
    events = [*FOUR, leave(ago(10), 1), join(ago(10), 5), leave(ago(5), 2), join(ago(5), 6)]
    result = team([meeting(ago(1), 300, 3, 4, 5, 6)], events=events)
    assert (result.churn.joins, result.churn.leaves) == (2, 2)  # 4 / 4 = 1, at the mark
    assert result.finding.severity == "high"
    assert result.finding.advice == TEAM_ADVICE + CHURN_ADVICE


@pytest.mark.parametrize(("earlier_meeting", "severity", "persisted"), [
    (ago(8), "high", True),  # in the reading a week ago (window ending 7 days ago)
    (ago(7) + SECOND, "medium", False),  # after that reading: only this week's counts
])
def test_high_severity_needs_the_pattern_to_persist(earlier_meeting, severity, persisted):
    activities = [meeting(ago(1), 300, 1, 2), meeting(earlier_meeting, 300, 1, 2)]
    finding = team(activities).finding
    assert (finding.severity, finding.values["persisted"]) == (severity, persisted)


def test_a_team_too_young_a_week_ago_has_not_persisted():
    formed = ago(20)  # 13 days old a week ago: that reading does not count
    activities = [meeting(ago(1), 300, 1, 2), meeting(ago(10), 300, 1, 2)]
    finding = team(activities, events=[join(formed, 1), join(formed, 2)],
                   formed_at=formed).finding
    assert (finding.severity, finding.values["persisted"]) == ("medium", False)


def five(at_days, team_formed_at=None):
    return [Activity(ago(d), 6, frozenset({1}), "meeting", team_formed_at) for d in at_days]


@pytest.mark.parametrize(("age_days", "found"), [(14, True), (13, False)])
def test_a_young_partnership_is_not_judged(age_days, found):
    result = assess_partnership_joinholism(five(range(1, 6)), [WorkLog(ago(1), 100)], (),
                                           NOW, DEFAULTS, formed_at=ago(age_days))
    assert result.judged is found
    assert (result.finding is not None) is found


@pytest.mark.parametrize(("count", "found"), [(5, True), (4, False)])
def test_a_partnership_needs_its_fewest_activities(count, found):
    result = assess_partnership_joinholism(five(range(1, count + 1)), [WorkLog(ago(1), 100)],
                                           (), NOW, DEFAULTS)
    assert (result.finding is not None) is found


def test_kickoffs_count_as_time_but_not_as_activities_per_task():
    """Five activities, two of them in their task's first week: 3 settled ones per task."""
    task_start = ago(10)
    activities = [*five((1, 2, 3)), *five((9, 8), team_formed_at=task_start)]
    result = assess_partnership_joinholism(activities, [WorkLog(ago(1), 100)], (), NOW,
                                           Thresholds(partnership_min_activities=3))
    assert (result.work.activities, result.work.forming_activities) == (3, 2)
    assert result.work.joint_hours == pytest.approx(0.5)
    assert result.finding is None  # 3 per task (none done: per one) < 5
    finding = assess_partnership_joinholism(
        activities, [WorkLog(ago(1), 100)], [], NOW,
        Thresholds(partnership_min_activities=3, partnership_activities_per_completion=3)
    ).finding
    assert "(besides 2 kickoffs in teams' first days)" in finding.pattern


def test_a_completion_in_the_window_clears_the_team():
    result = assess_team_joinholism([meeting(ago(1), 300, 1, 2)], (), [Completion(7, ago(2))],
                                    FOUR, NOW, DEFAULTS, (7,))
    assert result.finding is None
