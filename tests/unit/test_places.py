"""The clock of quiet places: reminder first, release a full week after it."""

from datetime import UTC, datetime, timedelta

from coordinator.domain.places import GRACE, Place, Step, is_abandoned, next_step, release_due

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
DAY = timedelta(days=1)


def test_an_active_place_is_left_alone():
    assert next_step(Place(T0, None), T0 + 20 * DAY, 21, someone_waiting=True) is Step.NONE


def test_a_quiet_place_is_reminded_before_anything_else():
    # However long the sweeps were down, the first step is the reminder, never the release.
    assert next_step(Place(T0, None), T0 + 90 * DAY, 21, someone_waiting=True) is Step.REMIND


def test_release_comes_a_full_week_after_the_reminder_and_only_for_someone_waiting():
    reminded = T0 + 21 * DAY
    place = Place(T0, reminded)
    assert next_step(place, reminded + GRACE - timedelta(minutes=1), 21, True) is Step.NONE
    assert next_step(place, reminded + GRACE, 21, True) is Step.RELEASE
    assert next_step(place, reminded + 30 * DAY, 21, False) is Step.NONE


def test_activity_after_a_reminder_needs_a_new_reminder():
    place = Place(T0 + 25 * DAY, T0 + 21 * DAY)  # active again after the reminder
    assert next_step(place, T0 + 40 * DAY, 21, True) is Step.NONE
    assert next_step(place, T0 + 46 * DAY, 21, True) is Step.REMIND


def test_release_due_is_shown_from_the_reminder_or_from_when_it_will_be_sent():
    assert release_due(Place(T0, None), 21) == T0 + 28 * DAY
    late = T0 + 30 * DAY  # reminded late: the week counts from the reminder
    assert release_due(Place(T0, late), 21) == late + GRACE


def test_a_task_is_abandoned_once_nobody_on_it_would_keep_a_place():
    assert not is_abandoned(T0, T0 + 27 * DAY, 21)
    assert is_abandoned(T0, T0 + 28 * DAY, 21)
