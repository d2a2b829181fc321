"""The joint-work measures behind joinholism: J, W, joint share, outputs and churn."""

from datetime import date

import pytest

from coordinator.domain.balance.joint_work import (
    Churn,
    Completion,
    MembershipEvent,
    WorkLog,
    active_members,
    churn,
    completed_tasks,
    joint_person_hours,
    joint_share,
    mean_active_size,
    measure_joint_work,
    work_hours,
)
from tests.unit.joint_work_builders import FOUR, NOW, SECOND, WINDOW, ago, join, leave, meeting


@pytest.mark.parametrize(
    ("activities", "hours"),
    [
        ([], 0.0),
        ([meeting(ago(1), 90, 1, 2, 3, 4)], 6.0),
        ([meeting(ago(1), 45, 1, 2)], 1.5),
        ([meeting(ago(1), 90, 1, 2, 3, 4), meeting(ago(2), 45, 1, 2)], 7.5),
        ([meeting(ago(1), 60)], 0.0),  # nobody attended
        ([meeting(WINDOW.start, 60, 1)], 0.0),  # on the window's start: outside
        ([meeting(WINDOW.start + SECOND, 60, 1)], 1.0),
        ([meeting(NOW, 60, 1, 2)], 2.0),
        ([meeting(NOW + SECOND, 60, 1, 2)], 0.0),
    ],
)
def test_joint_person_hours(activities, hours):
    assert joint_person_hours(activities, WINDOW) == pytest.approx(hours)


@pytest.mark.parametrize(
    ("logs", "hours"),
    [
        ([], 0.0),
        ([WorkLog(date(2026, 2, 1), 5)], 0.0),  # the start's day is outside
        ([WorkLog(date(2026, 2, 2), 5)], 5.0),
        ([WorkLog(date(2026, 3, 1), 2.5)], 2.5),  # today
        ([WorkLog(date(2026, 3, 2), 2.5)], 0.0),
        ([WorkLog(WINDOW.start, 3), WorkLog(WINDOW.start + SECOND, 4)], 4.0),
        ([WorkLog(date(2026, 2, 10), 1.5), WorkLog(ago(1), 2)], 3.5),
    ],
)
def test_work_hours(logs, hours):
    assert work_hours(logs, WINDOW) == pytest.approx(hours)


@pytest.mark.parametrize(
    ("joint", "work", "share"),
    [(0, 0, 0.0), (6, 4, 0.6), (4, 0, 1.0), (0, 5, 0.0), (1, 3, 0.25), (31, 3, 31 / 34)],
)
def test_joint_share(joint, work, share):
    assert joint_share(joint, work) == pytest.approx(share)


def test_completed_tasks_are_distinct_and_in_the_window():
    completions = [Completion(3, ago(1)), Completion(3, ago(2)), Completion(1, NOW),
                   Completion(9, WINDOW.start), Completion(7, WINDOW.start + SECOND)]
    assert completed_tasks(completions, WINDOW) == (1, 3, 7)


@pytest.mark.parametrize(
    ("events", "size"),
    [
        ([], 0.0),
        (FOUR, 4.0),
        ([*FOUR, join(ago(14), 5), join(ago(14), 6)], 5.0),  # (4·14 + 6·14) / 28
        ([*FOUR, leave(ago(21), 4)], 3.25),  # (4·7 + 3·21) / 28
        ([join(ago(7), m) for m in (1, 2, 3)], 3.0),  # the team began in the window
        ([join(ago(8), 1), join(ago(8), 2), join(ago(4), 3)], 2.5),  # (2·4 + 3·4) / 8
        ([join(NOW + SECOND, 1)], 0.0),
        ([join(NOW, 1), join(NOW, 2)], 2.0),  # born at now: its size now
        ([join(WINDOW.start, 1), join(WINDOW.start, 2)], 2.0),
        ([join(ago(40), 1), leave(ago(30), 1), join(ago(14), 2)], 0.5),  # empty, then one
        ([join(ago(40), 1), join(ago(10), 1)], 1.0),  # a repeated join changes nothing
        ([*FOUR, leave(ago(14), 1), join(ago(14), 5)], 4.0),  # a swap at one instant
    ],
)
def test_mean_active_size(events, size):
    assert mean_active_size(events, WINDOW) == pytest.approx(size)


@pytest.mark.parametrize(
    ("events", "joins", "leaves", "size", "rate"),
    [
        ([], 0, 0, 0.0, 0.0),
        (FOUR, 0, 0, 4.0, 0.0),
        ([*FOUR, join(ago(14), 5), join(ago(14), 6)], 2, 0, 5.0, 0.4),
        ([*FOUR, leave(ago(21), 4)], 0, 1, 3.25, 1 / 3.25),
        ([join(ago(7), m) for m in (1, 2, 3)], 3, 0, 3.0, 1.0),
        ([*FOUR, leave(ago(14), 1), join(ago(14), 5), leave(ago(7), 2), join(ago(7), 6)],
         2, 2, 4.0, 1.0),
        ([join(WINDOW.start, 1), join(WINDOW.start, 2)], 0, 0, 2.0, 0.0),
    ],
)
def test_churn(events, joins, leaves, size, rate):
    result = churn(events, WINDOW)
    assert (result.joins, result.leaves) == (joins, leaves)
    assert result.mean_size == pytest.approx(size)
    assert result.rate == pytest.approx(rate)


def test_churn_without_a_head_count_is_zero():
    assert Churn(joins=0, leaves=2, mean_size=0.0).rate == 0.0


def test_membership_event_kind_is_checked():
    with pytest.raises(ValueError, match="'join' or 'leave'"):
        MembershipEvent("left", NOW, 1)


def test_active_members_replays_history():
    events = [*FOUR, leave(ago(3), 2), join(ago(2), 7), join(NOW + SECOND, 8)]
    assert active_members(events, NOW) == frozenset({1, 3, 4, 7})
    assert active_members(events, ago(5)) == frozenset({1, 2, 3, 4})


def test_measure_joint_work_sums_up_the_window():
    activities = [meeting(ago(1), 90, 1, 2, kind="workshop"), meeting(ago(2), 30, 2, 3),
                  meeting(ago(3), 30, 4), meeting(ago(30), 600, 9)]
    work = measure_joint_work(activities, [WorkLog(ago(1), 2)], [Completion(4, ago(1))], WINDOW)
    assert work.activity_kinds == (("meeting", 2), ("workshop", 1))
    assert (work.activities, work.outputs, work.completed_task_ids) == (3, 1, (4,))
    assert (work.joint_hours, work.work_hours) == (pytest.approx(4.5), 2)
    assert work.joint_share == pytest.approx(4.5 / 6.5)
    assert work.activities_per_completion == 3.0
    assert work.attendee_ids == frozenset({1, 2, 3, 4})
    assert measure_joint_work(activities[:2], [], [], WINDOW).activities_per_completion == 2.0
