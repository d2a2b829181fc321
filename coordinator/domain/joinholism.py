"""Joinholism (design.md §4): joint time that does not turn into output.

Bergkvist's papers spell it "jointholism"; Polder's users know "joinholism". A team or
working group is flagged when J ≥ min person-hours, js ≥ min share and nothing was
completed in the window (severity up when churn is high); the partnership when its joint
share is high or it holds many joint activities per completed task.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from coordinator.domain.balance import (
    JOINHOLISM_PARTNERSHIP,
    JOINHOLISM_TEAM,
    Finding,
    at_least,
    counted,
    format_number,
    joined_phrases,
    raise_severity,
    window_ending,
)
from coordinator.domain.joint_work import (
    Activity,
    Churn,
    Completion,
    JointWork,
    MembershipEvent,
    WorkLog,
    active_members,
    churn,
    measure_joint_work,
)
from coordinator.domain.thresholds import Thresholds

TEAM_ADVICE = (
    "The indicator suggests joint time is not turning into output. What tends to help "
    "self-selecting work: fewer joint sessions; smaller sub-tasks that people pick for "
    "themselves; and, when people join or leave, a short written hand-over note instead of "
    "another round of introductions."
)
CHURN_ADVICE = " People come and go here, so introductions never end: hand-over notes matter most."
PARTNERSHIP_ADVICE = (
    "The indicator suggests the partnership spends more time coordinating together than "
    "working. The research Polder builds on advises less agreeing on targets and more "
    "conditions for individuals to contribute time, knowledge and effort: fewer joint "
    "sessions, smaller self-selected sub-tasks, and written hand-over notes instead of "
    "re-introductions."
)



@dataclass(frozen=True)
class TeamJoinholism:
    """A team's or working group's joint work and churn, and the finding if any."""

    work: JointWork
    churn: Churn
    finding: Finding | None = None


def assess_team_joinholism(activities: Iterable[Activity], logs: Iterable[WorkLog],
                           completions: Iterable[Completion],
                           events: Iterable[MembershipEvent], now: datetime,
                           thresholds: Thresholds, task_ids: tuple[int, ...] = ()
                           ) -> TeamJoinholism:
    """Flag J ≥ min hours, js ≥ min share and no completion; high when churn ≥ its mark.

    `events` is the team's whole join/leave history (for its head count over time);
    `task_ids` are the team's tasks, recorded on the finding.
    """
    window = window_ending(now, thresholds.team_window_days)
    events = list(events)
    measures = TeamJoinholism(measure_joint_work(activities, logs, completions, window),
                              churn(events, window))
    work = measures.work
    if not (at_least(work.joint_hours, thresholds.team_min_joint_hours)
            and at_least(work.joint_share, thresholds.team_min_joint_share)
            and work.outputs == 0):
        return measures
    high_churn = at_least(measures.churn.rate, thresholds.team_high_churn)
    involved = (work.attendee_ids | active_members(events, now)
                | {e.member_id for e in events if e.at in window})
    finding = Finding(
        kind=JOINHOLISM_TEAM, severity=raise_severity("medium") if high_churn else "medium",
        window=window, values={**_work_values(work), **_churn_values(measures.churn)},
        thresholds=thresholds.pick("team_min_joint_hours", "team_min_joint_share",
                                   "team_high_churn", "team_window_days"),
        member_ids=tuple(sorted(involved)), task_ids=task_ids,
        pattern=team_pattern(work, measures.churn),
        advice=TEAM_ADVICE + (CHURN_ADVICE if high_churn else ""))
    return replace(measures, finding=finding)


@dataclass(frozen=True)
class PartnershipJoinholism:
    """The partnership's joint work, and the finding if any."""

    work: JointWork
    finding: Finding | None = None


def partnership_conditions(work: JointWork, thresholds: Thresholds) -> tuple[str, ...]:
    """"joint_share": js ≥ min; "activities_per_completion": ≥ min per completed task."""
    conditions = []
    if at_least(work.joint_share, thresholds.partnership_min_joint_share):
        conditions.append("joint_share")
    if at_least(work.activities_per_completion,
                thresholds.partnership_activities_per_completion):
        conditions.append("activities_per_completion")
    return tuple(conditions)


def assess_partnership_joinholism(activities: Iterable[Activity], logs: Iterable[WorkLog],
                                  completions: Iterable[Completion], now: datetime,
                                  thresholds: Thresholds) -> PartnershipJoinholism:
    """Flag js ≥ min share, or ≥ min joint activities per completed task (0 done: per 1)."""
    window = window_ending(now, thresholds.partnership_window_days)
    measures = PartnershipJoinholism(measure_joint_work(activities, logs, completions, window))
    conditions = partnership_conditions(measures.work, thresholds)
    if not conditions:
        return measures
    finding = Finding(
        kind=JOINHOLISM_PARTNERSHIP, severity="high" if len(conditions) > 1 else "medium",
        window=window, values={**_work_values(measures.work), "conditions": list(conditions)},
        thresholds=thresholds.pick("partnership_min_joint_share",
                                   "partnership_activities_per_completion",
                                   "partnership_window_days"),
        task_ids=measures.work.completed_task_ids,
        pattern=partnership_pattern(measures.work), advice=PARTNERSHIP_ADVICE)
    return replace(measures, finding=finding)


def _work_values(work: JointWork) -> dict[str, object]:
    return {"activities": work.activities,
            "activity_kinds": {kind: n for kind, n in work.activity_kinds},
            "joint_hours": work.joint_hours, "work_hours": work.work_hours,
            "joint_share": work.joint_share, "outputs": work.outputs,
            "activities_per_completion": work.activities_per_completion}


def _churn_values(value: Churn) -> dict[str, object]:
    return {"joins": value.joins, "leaves": value.leaves, "mean_size": value.mean_size,
            "churn": value.rate}


def activities_phrase(work: JointWork) -> str:
    """"9 meetings", "7 meetings and 2 workshops", "no joint activity"."""
    if not work.activity_kinds:
        return "no joint activity"
    return joined_phrases([counted(n, kind) for kind, n in work.activity_kinds])


def person_hours(hours: float) -> str:
    """"1 person-hour", "31 person-hours", "2.5 person-hours"."""
    text = format_number(hours)
    return f"{text} person-hour" + ("" if text == "1" else "s")


def team_pattern(work: JointWork, team_churn: Churn) -> str:
    """"9 meetings, 31 person-hours, no completion in 28 days; 6 joins and 5 leaves. …"."""
    days = format_number(work.window.days)
    if team_churn.joins or team_churn.leaves:
        moves = f"{counted(team_churn.joins, 'join')} and {counted(team_churn.leaves, 'leave')}"
    else:
        moves = "no one joined or left"
    return (f"{activities_phrase(work)}, {person_hours(work.joint_hours)}, no completion in "
            f"{days} days; {moves}. Joint activity was {work.joint_share:.0%} of the recorded "
            f"time.")


def partnership_pattern(work: JointWork) -> str:
    """Joint and work time, then completions and activities per completed task."""
    days = format_number(work.window.days)
    if work.outputs:
        done = (f"{counted(work.outputs, 'task')} completed in {days} days, "
                f"{format_number(work.activities_per_completion)} joint activities per "
                f"completed task")
    else:
        done = f"no task completed in {days} days"
    return (f"{activities_phrase(work)}, {person_hours(work.joint_hours)} against "
            f"{format_number(work.work_hours)} work hours (joint share "
            f"{work.joint_share:.0%}); {done}.")
