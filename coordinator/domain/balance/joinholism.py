"""Joinholism (docs/coordinators.md): joint time that does not turn into output.

Bergkvist's papers spell it "jointholism"; Polder's users know "joinholism". A team or
working group is flagged when J ≥ min person-hours, js ≥ min share and nothing was
completed in the window; the partnership when its joint share is high or it holds many
joint activities per completed task.

A false alarm costs more than an alarm a week late, so: a group is judged only over the
part of the window in which it existed, and only once it is old enough for "no output" to
mean something; joins of its formation are not churn; severity rises only when the
pattern persists a week or people actually left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from coordinator.domain.balance.findings import (
    JOINHOLISM_PARTNERSHIP,
    JOINHOLISM_TEAM,
    Finding,
    at_least,
    counted,
    format_number,
    joined_phrases,
    window_ending,
)
from coordinator.domain.balance.joint_work import (
    JOIN,
    Activity,
    Churn,
    Completion,
    JointWork,
    MembershipEvent,
    WorkLog,
    active_members,
    churn,
    judged_window,
    measure_joint_work,
)
from coordinator.domain.balance.thresholds import Thresholds

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



PERSISTENCE = timedelta(days=7)  # two weekly readings in a row


@dataclass(frozen=True)
class TeamJoinholism:
    """A team's or working group's joint work and churn, and the finding if any."""

    work: JointWork
    churn: Churn
    judged: bool = True  # old enough for "no output" to mean something
    finding: Finding | None = None


def team_formed_at(events: Iterable[MembershipEvent]) -> datetime | None:
    """When a team began, if nothing better is known: its first join."""
    return min((e.at for e in events if e.kind == JOIN), default=None)


def is_old_enough(formed_at: datetime | None, now: datetime, thresholds: Thresholds) -> bool:
    """A team (or partnership) of unknown age is judged; a young one is not."""
    return formed_at is None or now - formed_at >= timedelta(days=thresholds.min_age_days)


def measure_team(activities: list[Activity], logs: list[WorkLog],
                 completions: list[Completion], events: list[MembershipEvent], now: datetime,
                 thresholds: Thresholds, formed_at: datetime | None) -> TeamJoinholism:
    """The team's measures at `now`, over the part of the window in which it existed."""
    window = judged_window(window_ending(now, thresholds.team_window_days), formed_at)
    formed_until = (None if formed_at is None
                    else formed_at + timedelta(days=thresholds.formation_days))
    return TeamJoinholism(measure_joint_work(activities, logs, completions, window),
                          churn(events, window, formed_until),
                          judged=is_old_enough(formed_at, now, thresholds))


def team_past_thresholds(measures: TeamJoinholism, thresholds: Thresholds) -> bool:
    """J ≥ min hours, js ≥ min share and nothing completed, in a team old enough."""
    work = measures.work
    return (measures.judged and at_least(work.joint_hours, thresholds.team_min_joint_hours)
            and at_least(work.joint_share, thresholds.team_min_joint_share)
            and work.outputs == 0)


def has_real_churn(value: Churn, thresholds: Thresholds) -> bool:
    """Churn at its mark, with someone having left: joins alone are growth, not churn."""
    return value.leaves > 0 and at_least(value.rate, thresholds.team_high_churn)


def assess_team_joinholism(activities: Iterable[Activity], logs: Iterable[WorkLog],
                           completions: Iterable[Completion],
                           events: Iterable[MembershipEvent], now: datetime,
                           thresholds: Thresholds, task_ids: tuple[int, ...] = (),
                           formed_at: datetime | None = None) -> TeamJoinholism:
    """Flag a team old enough with J ≥ min hours, js ≥ min share and no completion.

    Medium at first; high when the pattern held a week earlier too, or people left at a
    churn rate past its mark. `events` is the team's whole join/leave history (for its
    head count over time); `formed_at` is when the task or group was created (its first
    join when not given); `task_ids` are the team's tasks, recorded on the finding.
    """
    activities, logs, completions = list(activities), list(logs), list(completions)
    events = list(events)
    formed_at = formed_at or team_formed_at(events)
    measures = measure_team(activities, logs, completions, events, now, thresholds, formed_at)
    if not team_past_thresholds(measures, thresholds):
        return measures
    earlier = measure_team(activities, logs, completions, events, now - PERSISTENCE,
                           thresholds, formed_at)
    persisted = team_past_thresholds(earlier, thresholds)
    real_churn = has_real_churn(measures.churn, thresholds)
    work = measures.work
    involved = (work.attendee_ids | active_members(events, now)
                | {e.member_id for e in events if e.at in work.window})
    finding = Finding(
        kind=JOINHOLISM_TEAM, severity="high" if persisted or real_churn else "medium",
        window=work.window, values={**_work_values(work), **_churn_values(measures.churn),
                                    "persisted": persisted},
        thresholds=thresholds.pick("team_min_joint_hours", "team_min_joint_share",
                                   "team_high_churn", "team_window_days", "min_age_days",
                                   "formation_days"),
        member_ids=tuple(sorted(involved)), task_ids=task_ids,
        pattern=team_pattern(work, measures.churn, persisted),
        advice=TEAM_ADVICE + (CHURN_ADVICE if real_churn else ""))
    return replace(measures, finding=finding)


@dataclass(frozen=True)
class PartnershipJoinholism:
    """The partnership's joint work, and the finding if any."""

    work: JointWork
    judged: bool = True
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


def settled_activities(activities: Iterable[Activity], thresholds: Thresholds
                       ) -> list[Activity]:
    """Joint activities outside their team's formation: kickoffs are not joinholism."""
    formation = timedelta(days=thresholds.formation_days)
    return [a for a in activities
            if a.team_formed_at is None or a.at > a.team_formed_at + formation]


def assess_partnership_joinholism(activities: Iterable[Activity], logs: Iterable[WorkLog],
                                  completions: Iterable[Completion], now: datetime,
                                  thresholds: Thresholds, formed_at: datetime | None = None
                                  ) -> PartnershipJoinholism:
    """Flag js ≥ min share, or ≥ min joint activities per completed task (0 done: per 1).

    Judged over the part of the window since the partnership began, once it is old
    enough and holds at least the minimum number of joint activities. Activities in a
    team's formation count towards joint time but not towards activities per task.
    """
    activities = list(activities)
    window = judged_window(window_ending(now, thresholds.partnership_window_days), formed_at)
    work = measure_joint_work(activities, logs, completions, window)
    settled = measure_joint_work(settled_activities(activities, thresholds), (), completions,
                                 window)
    work = replace(work, activity_kinds=settled.activity_kinds,
                   forming_activities=work.activities - settled.activities)
    judged = (is_old_enough(formed_at, now, thresholds)
              and work.activities >= thresholds.partnership_min_activities)
    measures = PartnershipJoinholism(work, judged)
    conditions = partnership_conditions(work, thresholds) if judged else ()
    if not conditions:
        return measures
    finding = Finding(
        kind=JOINHOLISM_PARTNERSHIP, severity="high" if len(conditions) > 1 else "medium",
        window=window, values={**_work_values(work), "conditions": list(conditions),
                               "forming_activities": work.forming_activities},
        thresholds=thresholds.pick("partnership_min_joint_share",
                                   "partnership_activities_per_completion",
                                   "partnership_min_activities", "partnership_window_days",
                                   "min_age_days", "formation_days"),
        task_ids=work.completed_task_ids,
        pattern=partnership_pattern(work), advice=PARTNERSHIP_ADVICE)
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


def team_pattern(work: JointWork, team_churn: Churn, persisted: bool = False) -> str:
    """"9 meetings, 31 person-hours, no completion in 28 days; 6 joins and 5 leaves. …"."""
    days = str(int(work.window.days + 1e-9))  # whole days: a young team's window starts at dawn
    if team_churn.joins or team_churn.leaves:
        moves = f"{counted(team_churn.joins, 'join')} and {counted(team_churn.leaves, 'leave')}"
    else:
        moves = "no one joined or left"
    return (f"{activities_phrase(work)}, {person_hours(work.joint_hours)}, no completion in "
            f"{days} days; {moves}. Joint activity was {work.joint_share:.0%} of the recorded "
            f"time." + (" It was past its thresholds a week earlier too." if persisted else ""))


def partnership_pattern(work: JointWork) -> str:
    """Joint and work time, then completions and activities per completed task."""
    days = format_number(work.window.days)
    if work.outputs:
        done = (f"{counted(work.outputs, 'task')} completed in {days} days, "
                f"{format_number(work.activities_per_completion)} joint activities per "
                f"completed task")
    else:
        done = f"no task completed in {days} days"
    kickoffs = (f" (besides {counted(work.forming_activities, 'kickoff')} in teams' first "
                f"days)" if work.forming_activities else "")
    return (f"{activities_phrase(work)}{kickoffs}, {person_hours(work.joint_hours)} against "
            f"{format_number(work.work_hours)} work hours (joint share "
            f"{work.joint_share:.0%}); {done}.")
