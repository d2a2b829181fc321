"""Load what the balance measures read, for one partnership, in a few set-wise queries.

Rows become the plain values of `domain.balance.findings`, `.joint_work` and
`.insularity`: one `TeamData` per task team and working group, and the
partnership-wide activities, work logs, completions and team stints. Nothing here
measures anything; `services/evaluation.py` does that with the domain functions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter

from sqlalchemy import String, cast, func, or_, select

from coordinator.domain.balance.alignophilia import DeclinedRequest
from coordinator.domain.balance.findings import PartnershipKnowledge, index_knowledge
from coordinator.domain.balance.insularity import Stint
from coordinator.domain.balance.joint_work import (
    JOIN,
    LEAVE,
    Activity,
    Completion,
    MembershipEvent,
    WorkLog,
)
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.extensions import db
from coordinator.models import (
    Event,
    GroupMember,
    JoinRequest,
    JointActivity,
    Membership,
    Participation,
    Partnership,
    Tag,
    Task,
    User,
    WorkingGroup,
    activity_attendees,
    task_tags,
)
from coordinator.models import WorkLog as WorkLogRow
from coordinator.services.balance.knowledge import load_knowledge, members_knowledge
from coordinator.services.sql import rows

LIVE = ("open", "active")
NOBODY: frozenset[int] = frozenset()
TEAM_EVENTS = {"joined": ("task", JOIN), "left": ("task", LEAVE),
               "group_joined": ("group", JOIN), "group_left": ("group", LEAVE)}


@dataclass
class TeamData:
    """A task team or working group: who is on it now, and what it did lately."""

    scope_type: str  # "task" or "group"
    scope_id: int
    label: str
    live: bool  # an open or active task, or any working group
    formed_at: datetime | None = None  # when the task or group was created
    members: frozenset[int] = frozenset()
    required_tags: frozenset[str] = frozenset()
    task_ids: tuple[int, ...] = ()
    declined: list[DeclinedRequest] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    logs: list[WorkLog] = field(default_factory=list)
    completions: list[Completion] = field(default_factory=list)
    stints: list[Stint] = field(default_factory=list)

    @property
    def events(self) -> list[MembershipEvent]:
        """Joins and leaves, replayed from the stints (the head count needs them all)."""
        out = []
        for stint in self.stints:
            out.append(MembershipEvent(JOIN, stint.joined_at, stint.member_id))
            if stint.left_at is not None:
                out.append(MembershipEvent(LEAVE, stint.left_at, stint.member_id))
        return out


@dataclass
class PartnershipData:
    now: datetime
    knowledge: PartnershipKnowledge
    member_tags: dict[int, frozenset[str]]
    names: dict[int, str]
    active_tasks: dict[int, int]
    teams: list[TeamData]
    activities: list[Activity]
    logs: list[WorkLog]
    completions: list[Completion]
    stints: list[Stint]
    # (member, day, hours) of the work logs, and since when activity was loaded: the power
    # indicators reuse them instead of reading the same rows again.
    member_hours: list[tuple[int, date, float]] = field(default_factory=list)
    activity_since: datetime | None = None
    formed_at: datetime | None = None  # when the partnership was created


def horizons(now: datetime, thresholds: Thresholds, history_days: int = 0
             ) -> tuple[datetime, datetime]:
    """(since when stints matter: two partnership windows; since when activity matters),
    reaching `history_days` further back for charts of the measures over time."""
    longest = max(thresholds.team_window_days, thresholds.partnership_window_days)
    stints = max(thresholds.team_window_days, 2 * thresholds.partnership_window_days)
    return (now - timedelta(days=stints + history_days + 1),
            now - timedelta(days=longest + history_days + 1))


def load_partnership(partnership_id: int, now: datetime, thresholds: Thresholds,
                     history_days: int = 0) -> PartnershipData:
    stint_since, activity_since = horizons(now, thresholds, history_days)
    knowledge, member_tags = load_knowledge(partnership_id)
    names = dict(rows(
        select(Membership.id, User.name).join(User, User.id == Membership.user_id)
        .where(Membership.partnership_id == partnership_id)).all())
    tasks, groups = _teams(partnership_id)
    _required_tags(partnership_id, tasks)
    stints, active_tasks = _stints(partnership_id, stint_since, tasks, groups)
    _declined(partnership_id, stint_since, tasks)
    activities, logs, completions, member_hours = _work(partnership_id, activity_since, now,
                                                        tasks, groups)
    for group in groups.values():
        group.required_tags = frozenset().union(
            *(tasks[t].required_tags for t in group.task_ids if tasks[t].live))
        group.declined = [r for t in group.task_ids for r in tasks[t].declined]
    teams = [t for t in tasks.values() if t.live or t.activities] + list(groups.values())
    formed_at = db.session.scalar(select(Partnership.created_at)
                                  .where(Partnership.id == partnership_id))
    return PartnershipData(now, knowledge, member_tags, names, active_tasks, teams,
                           activities, logs, completions, stints, member_hours, activity_since,
                           formed_at)


def _teams(partnership_id: int) -> tuple[dict[int, TeamData], dict[int, TeamData]]:
    groups = {gid: TeamData("group", gid, name, live=True, formed_at=created)
              for gid, name, created in rows(
                  select(WorkingGroup.id, WorkingGroup.name, WorkingGroup.created_at)
                  .where(WorkingGroup.partnership_id == partnership_id))}
    tasks: dict[int, TeamData] = {}
    group_tasks: dict[int, list[int]] = defaultdict(list)
    for task_id, title, status, group_id, completed_at, created_at in rows(
            select(Task.id, Task.title, Task.status, Task.working_group_id, Task.completed_at,
                   Task.created_at)
            .where(Task.partnership_id == partnership_id)):
        team = TeamData("task", task_id, title, live=status in LIVE, task_ids=(task_id,),
                        formed_at=created_at)
        if status == "done" and completed_at is not None:
            team.completions.append(Completion(task_id, completed_at))
        tasks[task_id] = team
        if group_id is not None:
            group_tasks[group_id].append(task_id)
    for group_id, task_ids in group_tasks.items():
        if group_id in groups:
            groups[group_id].task_ids = tuple(sorted(task_ids))
    return tasks, groups


def _required_tags(partnership_id: int, tasks: dict[int, TeamData]) -> None:
    """Fill each task's required tags."""
    required: dict[int, set[str]] = defaultdict(set)
    for task_id, name in rows(
            select(task_tags.c.task_id, Tag.name).join(Tag, Tag.id == task_tags.c.tag_id)
            .where(Tag.partnership_id == partnership_id)):
        required[task_id].add(name)
    for task_id, names in required.items():
        if task_id in tasks:
            tasks[task_id].required_tags = frozenset(names)


def _stints(partnership_id: int, since: datetime, tasks: dict[int, TeamData],
            groups: dict[int, TeamData]) -> tuple[list[Stint], dict[int, int]]:
    """Current places (from the rows) and past ones (join/leave events since `since`);
    and live tasks per member, counted from the same places."""
    teams = {"task": tasks, "group": groups}
    stints: list[Stint] = []

    def add(kind: str, team_id: int, stint: Stint) -> None:
        team = teams[kind].get(team_id)
        if team is not None:
            team.stints.append(stint)
            stints.append(stint)

    current: dict[tuple[str, int], set[int]] = defaultdict(set)
    load: Counter[int] = Counter()
    for task_id, member_id, joined_at in rows(
            select(Participation.task_id, Participation.membership_id, Participation.joined_at)
            .join(Task, Task.id == Participation.task_id)
            .where(Task.partnership_id == partnership_id)):
        add("task", task_id, Stint(("task", task_id), member_id, joined_at))
        current[("task", task_id)].add(member_id)
        if tasks[task_id].live:
            load[member_id] += 1
    for group_id, member_id, joined_at in rows(
            select(GroupMember.working_group_id, GroupMember.membership_id,
                   GroupMember.joined_at)
            .join(WorkingGroup, WorkingGroup.id == GroupMember.working_group_id)
            .where(WorkingGroup.partnership_id == partnership_id)):
        add("group", group_id, Stint(("group", group_id), member_id, joined_at))
        current[("group", group_id)].add(member_id)
    for key, members in current.items():
        teams[key[0]][key[1]].members = frozenset(members)

    opened: dict[tuple[str, int, int], datetime] = {}
    # Sorted here, not by the database: ORDER BY occurred_at makes SQLite walk the
    # partnership's whole log by time instead of the index by kind (2 s at 100,000 members).
    moves = rows(
        select(Event.occurred_at, Event.id, Event.kind, Event.task_id, Event.working_group_id,
               Event.subject_id)
        .where(Event.partnership_id == partnership_id, Event.occurred_at > since,
               Event.kind.in_(TEAM_EVENTS))).all()
    moves.sort(key=itemgetter(0, 1))
    for at, _, kind, task_id, group_id, member_id in moves:
        scope, change = TEAM_EVENTS[kind]
        team_id = task_id if scope == "task" else group_id
        if team_id is None or member_id is None:
            continue
        if change == JOIN:
            opened[(scope, team_id, member_id)] = at
        else:
            # A stint that began before the horizon only matters from the horizon on.
            start = opened.pop((scope, team_id, member_id), since)
            add(scope, team_id, Stint((scope, team_id), member_id, start, at))
    return stints, dict(load)


def _declined(partnership_id: int, since: datetime, tasks: dict[int, TeamData]) -> None:
    for task_id, member_id, decided_at in rows(
            select(JoinRequest.task_id, JoinRequest.membership_id, JoinRequest.decided_at)
            .join(Task, Task.id == JoinRequest.task_id)
            .where(Task.partnership_id == partnership_id, JoinRequest.status == "declined",
                   JoinRequest.decided_at > since)):
        tasks[task_id].declined.append(DeclinedRequest(member_id, decided_at))


def _work(partnership_id: int, since: datetime, now: datetime, tasks: dict[int, TeamData],
          groups: dict[int, TeamData]
          ) -> tuple[list[Activity], list[WorkLog], list[Completion],
                     list[tuple[int, date, float]]]:
    """Activities, work logs and completions since `since`, filed under their teams."""
    task_group = {t: g.scope_id for g in groups.values() for t in g.task_ids}
    # Each activity's attendees come as one string: a row per attendee would be four
    # times as many rows to fetch, the largest part of an evaluation's reading.
    attendee_list = (select(func.aggregate_strings(cast(activity_attendees.c.membership_id,
                                                        String), ","))
                     .where(activity_attendees.c.activity_id == JointActivity.id)
                     .scalar_subquery())
    activities = []
    for at, minutes, kind, task_id, group_id, attendee_ids in rows(
            select(JointActivity.occurred_at, JointActivity.duration_minutes,
                   JointActivity.kind, JointActivity.task_id, JointActivity.working_group_id,
                   attendee_list)
            .where(JointActivity.partnership_id == partnership_id,
                   JointActivity.occurred_at > since, JointActivity.occurred_at <= now)):
        task = tasks.get(task_id) if task_id is not None else None
        own_group = groups.get(group_id) if group_id is not None else None
        if group_id is None and task_id is not None:
            group_id = task_group.get(task_id)
        group = groups.get(group_id) if group_id is not None else None
        home = task or own_group
        attendees = frozenset(map(int, attendee_ids.split(","))) if attendee_ids else NOBODY
        activity = Activity(at, minutes, attendees, kind,
                            home.formed_at if home is not None else None)
        activities.append(activity)
        if task is not None:
            task.activities.append(activity)
        if group is not None:
            group.activities.append(activity)
    logs, member_hours = [], []
    for task_id, member_id, worked_on, hours in rows(
            select(WorkLogRow.task_id, WorkLogRow.membership_id, WorkLogRow.worked_on,
                   WorkLogRow.hours)
            .where(WorkLogRow.partnership_id == partnership_id,
                   WorkLogRow.worked_on > since.date())):
        log = WorkLog(worked_on, hours)
        logs.append(log)
        member_hours.append((member_id, worked_on, hours))
        if task_id in tasks:
            tasks[task_id].logs.append(log)
        if task_id in task_group:
            groups[task_group[task_id]].logs.append(log)
    completions = []
    for task in tasks.values():
        for done in task.completions:
            if done.at > since:
                completions.append(done)
                if task.scope_id in task_group:
                    groups[task_group[task.scope_id]].completions.append(done)
    return activities, logs, completions, member_hours


def load_team(partnership_id: int, scope_type: str, scope_id: int, now: datetime,
              thresholds: Thresholds, history_days: int = 0
              ) -> tuple[TeamData | None, PartnershipKnowledge]:
    """One task team or working group, with the knowledge of its members only: what an
    alert page's chart needs, without loading the partnership."""
    stint_since, activity_since = horizons(now, thresholds, history_days)
    is_task = scope_type == "task"
    task_filter = Task.id == scope_id if is_task else Task.working_group_id == scope_id
    task_rows = db.session.execute(
        select(Task.id, Task.status, Task.completed_at, Task.created_at).where(
            Task.partnership_id == partnership_id, task_filter)).all()
    if is_task and not task_rows:
        return None, index_knowledge({}, {}, {})
    formed_at = (task_rows[0].created_at if is_task else db.session.scalar(
        select(WorkingGroup.created_at).where(WorkingGroup.partnership_id == partnership_id,
                                              WorkingGroup.id == scope_id)))
    team = TeamData(scope_type, scope_id, "", live=True, formed_at=formed_at,
                    task_ids=tuple(sorted(r.id for r in task_rows)))
    team.completions = [Completion(r.id, r.completed_at) for r in task_rows
                        if r.status == "done" and r.completed_at is not None
                        and r.completed_at > activity_since]
    key = (scope_type, scope_id)
    if is_task:
        current = db.session.execute(select(Participation.membership_id, Participation.joined_at)
                                     .where(Participation.task_id == scope_id)).all()
        events = select(Event.kind, Event.subject_id, Event.occurred_at).where(
            Event.task_id == scope_id, Event.kind.in_(("joined", "left")))
    else:
        current = db.session.execute(
            select(GroupMember.membership_id, GroupMember.joined_at)
            .join(WorkingGroup, WorkingGroup.id == GroupMember.working_group_id)
            .where(WorkingGroup.partnership_id == partnership_id,
                   GroupMember.working_group_id == scope_id)).all()
        events = select(Event.kind, Event.subject_id, Event.occurred_at).where(
            Event.working_group_id == scope_id, Event.kind.in_(("group_joined", "group_left")))
    team.stints = [Stint(key, m, at) for m, at in current]
    team.members = frozenset(m for m, _ in current)
    opened: dict[int, datetime] = {}
    for kind, member, at in db.session.execute(
            events.where(Event.partnership_id == partnership_id, Event.occurred_at > stint_since)
            .order_by(Event.occurred_at, Event.id)):
        if member is None:
            continue
        if TEAM_EVENTS[kind][1] == JOIN:
            opened[member] = at
        else:
            team.stints.append(Stint(key, member, opened.pop(member, stint_since), at))
    activity_filter = (JointActivity.task_id == scope_id if is_task else or_(
        JointActivity.working_group_id == scope_id,
        JointActivity.task_id.in_(team.task_ids or (-1,))))
    rows = db.session.execute(
        select(JointActivity.id, JointActivity.occurred_at, JointActivity.duration_minutes,
               JointActivity.kind)
        .where(JointActivity.partnership_id == partnership_id, activity_filter,
               JointActivity.occurred_at > activity_since,
               JointActivity.occurred_at <= now)).all()
    attendees: dict[int, set[int]] = defaultdict(set)
    for activity_id, member in db.session.execute(
            select(activity_attendees.c.activity_id, activity_attendees.c.membership_id)
            .where(activity_attendees.c.activity_id.in_([r.id for r in rows] or [-1]))):
        attendees[activity_id].add(member)
    team.activities = [Activity(r.occurred_at, r.duration_minutes,
                                frozenset(attendees.get(r.id, ())), r.kind, formed_at)
                       for r in rows]
    team.logs = [WorkLog(day, hours) for day, hours in db.session.execute(
        select(WorkLogRow.worked_on, WorkLogRow.hours)
        .where(WorkLogRow.partnership_id == partnership_id,
               WorkLogRow.task_id.in_(team.task_ids or (-1,)),
               WorkLogRow.worked_on > activity_since.date()))]
    return team, members_knowledge(partnership_id, {s.member_id for s in team.stints})
