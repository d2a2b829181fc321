"""The joint-work measures behind joinholism (docs/coordinators.md).

J = joint person-hours (duration × attendees), W = logged work hours, joint share
js = J / (J + W), outputs = tasks completed, churn = (joins + leaves) / mean active size,
each over a window that ends at an injected `now`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from coordinator.domain.balance.findings import Window

JOIN, LEAVE = "join", "leave"

# Activities, work logs and completions are named tuples, not frozen dataclasses: an
# evaluation builds hundreds of thousands of each, and a tuple is built several times
# faster. They are still immutable and compared by value.


class Activity(NamedTuple):
    """A joint activity (meeting, workshop): when, how long, who attended."""

    at: datetime
    minutes: float
    attendee_ids: frozenset[int]
    kind: str = "meeting"
    team_formed_at: datetime | None = None  # when its task or group began, if it has one


class WorkLog(NamedTuple):
    """Hours of work logged for a day (a date) or at a moment (a datetime)."""

    on: date | datetime
    hours: float


@dataclass(frozen=True)
class MembershipEvent:
    """A member joined or left the team or group."""

    kind: str
    at: datetime
    member_id: int

    def __post_init__(self) -> None:
        if self.kind not in (JOIN, LEAVE):
            raise ValueError(f"a membership event is {JOIN!r} or {LEAVE!r}, not {self.kind!r}")


class Completion(NamedTuple):
    """A task completed, and when."""

    task_id: int
    at: datetime


def judged_window(window: Window, formed_at: datetime | None) -> Window:
    """The part of the window in which the team, group or partnership existed.

    It starts just before the day of formation, so work logged for that day (a date,
    not a moment) still counts.
    """
    if formed_at is None or formed_at <= window.start:
        return window
    day_start = datetime.combine(formed_at.date(), time.min, formed_at.tzinfo)
    return Window(max(window.start, min(day_start - timedelta(microseconds=1), window.end)),
                  window.end)


# The filters below compare with the window's ends inline (Window.__contains__ spelled
# out): an evaluation runs them over every team's activities and logs, millions of calls.


def activities_in(activities: Iterable[Activity], window: Window) -> list[Activity]:
    """The activities in the window, in their order."""
    start, end = window.start, window.end
    return [a for a in activities if start < a.at <= end]


def joint_person_hours(activities: Iterable[Activity], window: Window) -> float:
    """J: duration × attendees, summed over activities in the window."""
    return _person_hours(activities_in(activities, window))


def _person_hours(activities: Iterable[Activity]) -> float:
    return sum(a.minutes / 60 * len(a.attendee_ids) for a in activities)


def work_hours(logs: Iterable[WorkLog], window: Window) -> float:
    """W: hours of the work logs in the window."""
    start, end = window.start, window.end
    first, last = start.date(), end.date()
    return sum(log.hours for log in logs
               if (start < log.on <= end if isinstance(log.on, datetime)
                   else first < log.on <= last))


def joint_share(joint: float, work: float) -> float:
    """js = J / (J + W); 0 when both are 0."""
    total = joint + work
    return joint / total if total > 0 else 0.0


def completed_tasks(completions: Iterable[Completion], window: Window) -> tuple[int, ...]:
    """Ids of the distinct tasks completed in the window."""
    start, end = window.start, window.end
    return tuple(sorted({c.task_id for c in completions if start < c.at <= end}))


def _apply(active: set[int], event: MembershipEvent) -> None:
    if event.kind == JOIN:
        active.add(event.member_id)
    else:
        active.discard(event.member_id)


def active_members(events: Iterable[MembershipEvent], at: datetime) -> frozenset[int]:
    """Who is on the team at `at`, replaying every event up to and including it."""
    active: set[int] = set()
    for event in sorted(events, key=lambda e: e.at):
        if event.at > at:
            break
        _apply(active, event)
    return frozenset(active)


def mean_active_size(events: Iterable[MembershipEvent], window: Window) -> float:
    """Time-weighted mean head count over the window, from the team's first join on."""
    ordered = sorted(events, key=lambda e: e.at)
    first_join = next((e.at for e in ordered if e.kind == JOIN), None)
    if first_join is None or first_join > window.end:
        return 0.0
    begin = max(window.start, first_join)
    active: set[int] = set()
    area, cursor = 0.0, begin
    for event in ordered:
        if event.at > window.end:
            break
        if event.at > cursor:
            area += len(active) * (event.at - cursor).total_seconds()
            cursor = event.at
        _apply(active, event)
    area += len(active) * (window.end - cursor).total_seconds()
    span = (window.end - begin).total_seconds()
    return area / span if span > 0 else float(len(active))


@dataclass(frozen=True)
class Churn:
    """Joins and leaves in the window against the mean head count."""

    joins: int
    leaves: int
    mean_size: float

    @property
    def rate(self) -> float:
        """(joins + leaves) / mean active size; 0 when nobody was ever on the team."""
        return (self.joins + self.leaves) / self.mean_size if self.mean_size > 0 else 0.0


def churn(events: Iterable[MembershipEvent], window: Window,
          formed_until: datetime | None = None) -> Churn:
    """Churn over the window; `events` is the team's whole history, so size is known.

    Joins up to `formed_until` (the end of the team's formation) are how the team came
    together, not people coming and going, so they are not counted; leaves always are.
    """
    events = list(events)
    start, end = window.start, window.end
    inside = [e for e in events if start < e.at <= end]
    return Churn(joins=sum(e.kind == JOIN and (formed_until is None or e.at > formed_until)
                           for e in inside),
                 leaves=sum(e.kind == LEAVE for e in inside),
                 mean_size=mean_active_size(events, window))


@dataclass(frozen=True)
class JointWork:
    """Joint time, work time and output of a team, group or partnership in a window."""

    window: Window
    activity_kinds: tuple[tuple[str, int], ...]  # (kind, count), most frequent first
    joint_hours: float
    work_hours: float
    completed_task_ids: tuple[int, ...]
    attendee_ids: frozenset[int]
    forming_activities: int = 0  # kickoffs in a team's formation, left out of the counts

    @property
    def activities(self) -> int:
        return sum(count for _, count in self.activity_kinds)

    @property
    def joint_share(self) -> float:
        return joint_share(self.joint_hours, self.work_hours)

    @property
    def outputs(self) -> int:
        return len(self.completed_task_ids)

    @property
    def activities_per_completion(self) -> float:
        """Joint activities per completed task; with none completed, per one task."""
        return self.activities / max(1, self.outputs)


def measure_joint_work(activities: Iterable[Activity], logs: Iterable[WorkLog],
                       completions: Iterable[Completion], window: Window) -> JointWork:
    """J, W, activity counts by kind and completed tasks over the window."""
    inside = activities_in(activities, window)
    kinds = Counter(a.kind for a in inside)
    return JointWork(
        window=window,
        activity_kinds=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        joint_hours=_person_hours(inside), work_hours=work_hours(logs, window),
        completed_task_ids=completed_tasks(completions, window),
        attendee_ids=frozenset().union(*(a.attendee_ids for a in inside)))
