"""Joinholism findings: team and working group, and partnership; patterns and advice."""


import pytest

from coordinator.domain.balance.findings import window_ending
from coordinator.domain.balance.joinholism import (
    CHURN_ADVICE,
    PARTNERSHIP_ADVICE,
    TEAM_ADVICE,
    activities_phrase,
    assess_partnership_joinholism,
    assess_team_joinholism,
    person_hours,
)
from coordinator.domain.balance.joint_work import Activity, Completion, WorkLog, measure_joint_work
from coordinator.domain.balance.thresholds import Thresholds
from tests.unit.joint_work_builders import (
    FOUR,
    HOUR,
    NOW,
    SECOND,
    WINDOW,
    ago,
    join,
    leave,
    meeting,
)


@pytest.mark.parametrize(
    ("activities", "phrase"),
    [
        ([], "no joint activity"),
        ([meeting(ago(1), 30, 1)], "1 meeting"),
        ([meeting(ago(1), 30, 1), meeting(ago(2), 30, 1)], "2 meetings"),
        ([meeting(ago(1), 30, 1, kind="workshop"), meeting(ago(2), 30, 1),
          meeting(ago(3), 30, 1)], "2 meetings and 1 workshop"),
    ],
)
def test_activities_phrase(activities, phrase):
    assert activities_phrase(measure_joint_work(activities, [], [], WINDOW)) == phrase


@pytest.mark.parametrize(
    ("hours", "text"),
    [(0.0, "0 person-hours"), (1.0, "1 person-hour"), (1.04, "1 person-hour"),
     (2.5, "2.5 person-hours"), (31.0, "31 person-hours")],
)
def test_person_hours(hours, text):
    assert person_hours(hours) == text


def team(activities, logs=(), completions=(), events=FOUR, thresholds=None):
    return assess_team_joinholism(activities, logs, completions, events, NOW,
                                  thresholds or Thresholds(), task_ids=(12,))


@pytest.mark.parametrize(
    ("activities", "logs", "severity"),
    [
        ([meeting(ago(1), 240, 1)], [], "medium"),  # J = 4 exactly
        ([meeting(ago(1), 237, 1)], [], None),  # J = 3.95
        ([meeting(ago(1), 60, 1, 2, 3, 4)], [], "medium"),  # 4 person-hours
        ([meeting(ago(1), 90, 1, 2, 3, 4)], [WorkLog(ago(1), 4)], "medium"),  # js = 0.6
        ([meeting(ago(1), 90, 1, 2, 3, 4)], [WorkLog(ago(1), 4.01)], None),  # js = 0.5993
        ([meeting(ago(1), 252, 1)], [WorkLog(ago(1), 2.8)], "medium"),  # 4.2 / 7 in floats
        ([meeting(ago(29), 600, 1)], [], None),  # before the window
    ],
)
def test_team_joint_time_thresholds(activities, logs, severity):
    finding = team(activities, logs).finding
    assert (finding.severity if finding else None) == severity


@pytest.mark.parametrize(
    ("completions", "found"),
    [
        ([], True),
        ([Completion(12, ago(1))], False),
        ([Completion(12, WINDOW.start)], True),  # completed on the window's start: outside
        ([Completion(12, WINDOW.start + SECOND)], False),
        ([Completion(12, NOW)], False),
    ],
)
def test_team_finding_needs_no_completion_in_the_window(completions, found):
    result = team([meeting(ago(1), 300, 1, 2)], completions=completions)
    assert (result.finding is not None) is found


SWAP = [leave(ago(14), 1), join(ago(14), 5)]


@pytest.mark.parametrize(
    ("events", "high_churn", "severity"),
    [
        ([*FOUR, *SWAP, leave(ago(7), 2), join(ago(7), 6)], 1.0, "high"),  # 4 / 4 = 1
        ([*FOUR, *SWAP, join(ago(7) - HOUR, 6), leave(ago(7), 2)], 1.0, "medium"),  # 0.9985
        ([*FOUR, *SWAP], 0.5, "high"),  # 2 / 4 = 0.5
        ([*FOUR, *SWAP], 0.51, "medium"),
        (FOUR, 1.0, "medium"),
    ],
)
def test_team_severity_rises_with_churn(events, high_churn, severity):
    result = team([meeting(ago(1), 300, 1, 2)], events=events,
                  thresholds=Thresholds(team_high_churn=high_churn))
    assert result.finding is not None
    assert result.finding.severity == severity
    assert result.finding.advice == TEAM_ADVICE + (CHURN_ADVICE if severity == "high" else "")


@pytest.mark.parametrize(("days", "found"), [(28, True), (19, False), (20, True)])
def test_team_window_is_configurable(days, found):
    result = team([meeting(ago(19.5), 300, 1)], thresholds=Thresholds(team_window_days=days))
    assert (result.finding is not None) is found
    assert result.work.window == window_ending(NOW, days)


def test_team_finding_reads_like_the_issue_example():
    activities = [meeting(ago(day), 60, 1, 2, 3) for day in range(1, 9)]
    activities.append(meeting(ago(9), 60, 1, 2, 3, 4, 5, 6, 7))
    joins = [join(ago(day), member) for day, member in
             [(20, 5), (18, 6), (16, 7), (14, 8), (12, 9), (10, 10)]]
    leaves = [leave(ago(day), member) for day, member in
              [(19, 1), (17, 2), (15, 3), (13, 4), (11, 5)]]
    result = team(activities, [WorkLog(ago(2), 3)], events=[*FOUR, *joins, *leaves])
    finding = result.finding
    assert finding is not None
    assert finding.pattern == ("9 meetings, 31 person-hours, no completion in 28 days; "
                               "6 joins and 5 leaves. Joint activity was 91% of the recorded "
                               "time. It was past its thresholds a week earlier too.")
    # Head count by hand: 4 for 8 days, then 5 and 4 by turns for 10 days, then 5 for 10.
    assert finding.values == {
        "activities": 9, "activity_kinds": {"meeting": 9}, "joint_hours": pytest.approx(31),
        "work_hours": 3, "joint_share": pytest.approx(31 / 34), "outputs": 0,
        "activities_per_completion": 9.0, "joins": 6, "leaves": 5,
        "mean_size": pytest.approx(127 / 28), "churn": pytest.approx(11 * 28 / 127),
        "persisted": True}
    assert (finding.kind, finding.severity, finding.window) == ("joinholism_team", "high",
                                                                WINDOW)
    assert finding.thresholds == {"team_min_joint_hours": 4.0, "team_min_joint_share": 0.6,
                                  "team_high_churn": 1.0, "team_window_days": 28,
                                  "min_age_days": 14, "formation_days": 7}
    assert finding.member_ids == tuple(range(1, 11))
    assert finding.task_ids == (12,)
    for words in ("fewer joint sessions", "smaller sub-tasks", "written hand-over note"):
        assert words in finding.advice


def test_team_pattern_without_comings_and_goings():
    finding = team([meeting(ago(1), 150, 1, 2), meeting(ago(2), 60, 1, kind="workshop")]).finding
    assert finding is not None
    assert finding.pattern == ("1 meeting and 1 workshop, 6 person-hours, no completion in 28 "
                               "days; no one joined or left. Joint activity was 100% of the "
                               "recorded time.")
    assert finding.member_ids == (1, 2, 3, 4)


def partnership(activities, logs=(), completions=()):
    return assess_partnership_joinholism(activities, logs, completions, NOW, Thresholds())


def tiny(count: int) -> list[Activity]:
    return [meeting(ago(1 + i), 6, 1) for i in range(count)]  # 0.1 person-hours each


def hourly(count: int) -> list[Activity]:
    return [meeting(ago(1 + i), 60, 1) for i in range(count)]  # 1 person-hour each


BUSY = [WorkLog(ago(1), 100)]  # keeps the joint share low


@pytest.mark.parametrize(
    ("activities", "logs", "completions", "conditions"),
    [
        (hourly(5), [WorkLog(ago(1), 5)], [Completion(1, ago(1)), Completion(2, ago(2))],
         ["joint_share"]),  # 5 / 10 = 0.5 exactly
        (hourly(5), [WorkLog(ago(1), 5.1)], [Completion(1, ago(1)), Completion(2, ago(2))],
         None),
        (tiny(10), BUSY, [Completion(1, ago(1)), Completion(2, ago(2))],
         ["activities_per_completion"]),  # 10 / 2 = 5 exactly
        (tiny(9), BUSY, [Completion(1, ago(1)), Completion(2, ago(2))], None),  # 4.5
        (tiny(5), BUSY, [], ["activities_per_completion"]),  # none completed: 5 per 1
        (tiny(4), BUSY, [], None),
        (tiny(5), BUSY, [Completion(1, ago(90))], ["activities_per_completion"]),  # outside
        (tiny(5), [], [], ["joint_share", "activities_per_completion"]),
    ],
)
def test_partnership_thresholds(activities, logs, completions, conditions):
    finding = partnership(activities, logs, completions).finding
    if conditions is None:
        assert finding is None
    else:
        assert finding is not None
        assert finding.values["conditions"] == conditions
        assert finding.severity == ("high" if len(conditions) == 2 else "medium")


def test_partnership_finding_by_hand():
    completions = [Completion(8, ago(3)), Completion(5, ago(40))]
    finding = partnership(tiny(10), BUSY, completions).finding
    assert finding is not None
    assert (finding.kind, finding.window) == ("joinholism_partnership", window_ending(NOW, 90))
    assert finding.values == {
        "activities": 10, "activity_kinds": {"meeting": 10}, "joint_hours": pytest.approx(1),
        "work_hours": 100, "joint_share": pytest.approx(1 / 101), "outputs": 2,
        "activities_per_completion": 5.0, "conditions": ["activities_per_completion"],
        "forming_activities": 0}
    assert finding.thresholds == {"partnership_min_joint_share": 0.5,
                                  "partnership_activities_per_completion": 5.0,
                                  "partnership_min_activities": 5,
                                  "partnership_window_days": 90, "min_age_days": 14,
                                  "formation_days": 7}
    assert (finding.member_ids, finding.task_ids) == ((), (5, 8))
    assert finding.pattern == ("10 meetings, 1 person-hour against 100 work hours (joint share "
                               "1%); 2 tasks completed in 90 days, 5 joint activities per "
                               "completed task.")
    assert finding.advice == PARTNERSHIP_ADVICE


def test_partnership_pattern_without_completions():
    finding = partnership(tiny(5), BUSY).finding
    assert finding is not None
    assert finding.pattern == ("5 meetings, 0.5 person-hours against 100 work hours (joint "
                               "share 0%); no task completed in 90 days.")


@pytest.mark.parametrize("advice", [TEAM_ADVICE, PARTNERSHIP_ADVICE])
def test_advice_speaks_of_indicators_not_proof(advice):
    assert advice.startswith("The indicator suggests")
    assert "prove" not in advice
