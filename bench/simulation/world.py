"""A simulated partnership: members, tasks, teams, meetings, work, comments, requests.

Everything carries its own time, so the partnership can be read as it stood on any day.
The healthy generator draws what a partnership that works well looks like: mixed teams
that form in their first days with a kickoff meeting, steady work, completions, meetings
in proportion, ordinary joining and leaving, due dates mostly kept, requests decided
alike for everyone, and decisions that hear the critical stakeholders.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

DAY = timedelta(days=1)
START = datetime(2026, 1, 5, 9, tzinfo=UTC)  # a Monday
CLUSTERS = 5
TAGS_PER_CLUSTER = 6
# (sector, tier) of the founding organisations; civil society is the critical sector.
ORGANISATIONS = (("business", "high"), ("government", "high"), ("academia", "medium"),
                 ("civil_society", "low"), ("business", "medium"), ("government", "medium"),
                 ("academia", "low"), ("civil_society", "low"), ("business", "low"),
                 ("academia", "high"))


@dataclass
class Member:
    id: int
    cluster: int | None
    org: int
    tags: frozenset[str]
    joined_at: datetime


@dataclass
class Organisation:
    id: int
    name: str
    sector: str
    tier: str
    critical: bool = False


@dataclass
class Stint:
    member: int
    joined_at: datetime
    left_at: datetime | None = None


@dataclass
class Task:
    id: int
    initiator: int
    created_at: datetime
    required: frozenset[str]
    done_at: datetime | None = None
    due_on: date | None = None
    group: int | None = None
    approval: bool = False
    decision: bool = False
    stints: list[Stint] = field(default_factory=list)


@dataclass
class Group:
    id: int
    name: str
    created_at: datetime
    stints: list[Stint] = field(default_factory=list)


@dataclass
class Meeting:
    at: datetime
    minutes: float
    attendees: frozenset[int]
    task: int | None = None
    group: int | None = None
    kind: str = "meeting"


@dataclass
class Log:
    member: int
    task: int
    on: date
    hours: float


@dataclass
class Comment:
    member: int
    task: int
    at: datetime


@dataclass
class Request:
    member: int
    task: int
    decided_at: datetime
    declined: bool


@dataclass
class World:
    """The partnership's whole history; `rng` draws everything, so a seed repeats it."""

    seed: int
    start: datetime = START
    members: dict[int, Member] = field(default_factory=dict)
    orgs: dict[int, Organisation] = field(default_factory=dict)
    critical_sectors: tuple[str, ...] = ("civil_society",)
    tasks: dict[int, Task] = field(default_factory=dict)
    groups: dict[int, Group] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)
    logs: list[Log] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def day(self, n: float) -> datetime:
        return self.start + n * DAY

    def tier(self, member: int) -> str:
        return self.orgs[self.members[member].org].tier

    def sector(self, member: int) -> str:
        return self.orgs[self.members[member].org].sector

    def add_member(self, cluster: int | None, org: int, at: datetime) -> Member:
        rng = self.rng
        tags = frozenset() if cluster is None else frozenset(
            cluster_tag(cluster, i) for i in rng.sample(range(TAGS_PER_CLUSTER), 3))
        member = Member(max(self.members, default=0) + 1, cluster, org, tags, at)
        self.members[member.id] = member
        return member

    def add_task(self, initiator: int, at: datetime, required: frozenset[str],
                 **extra) -> Task:
        task = Task(max(self.tasks, default=0) + 1, initiator, at, required, **extra)
        task.stints.append(Stint(initiator, at))
        self.tasks[task.id] = task
        return task

    def members_at(self, at: datetime) -> list[int]:
        return [m.id for m in self.members.values() if m.joined_at <= at]


def cluster_tag(cluster: int, index: int) -> str:
    return f"c{cluster}-tag{index}"


def on_team(task: Task | Group, at: datetime) -> list[int]:
    return [s.member for s in task.stints
            if s.joined_at <= at and (s.left_at is None or s.left_at > at)]


@dataclass(frozen=True)
class Pace:
    """How busy the healthy partnership is: per week, per member."""

    tasks_per_member_week: float = 1 / 14
    log_days_per_week: int = 2
    comment_chance_per_week: float = 0.6
    leave_chance_per_week: float = 0.03
    late_share: float = 0.1
    decline_share: float = 0.15


def found(world: World, members: int) -> None:
    """The founding organisations and members, all present from day 0."""
    for i, (sector, tier) in enumerate(ORGANISATIONS, start=1):
        world.orgs[i] = Organisation(i, f"Organisation {i}", sector, tier)
    for _ in range(members):
        world.add_member(world.rng.randrange(CLUSTERS), world.rng.randint(1, len(world.orgs)),
                         world.day(-400))


def healthy(world: World, first_day: int, last_day: int, pace: Pace = Pace(),
            homophily: float = 0.0, initiators=None) -> None:
    """Grow a healthy partnership from `first_day` to `last_day` (days since start)."""
    rng = world.rng
    for week_start in range(first_day, last_day, 7):
        present = world.members_at(world.day(week_start))
        count = max(1, round(len(present) * pace.tasks_per_member_week))
        for _ in range(count):
            pool = initiators(world, world.day(week_start)) if initiators else present
            start = world.day(week_start + rng.uniform(0, 6.9))
            if start < world.day(last_day):
                run_task(world, rng.choice(pool), start, world.day(last_day), pace, homophily)


def _recruit(world: World, initiator: int, required: list[str], homophily: float,
             at: datetime) -> list[int]:
    """A mixed team: someone who holds each required tag, then anyone (or, with
    `homophily`, someone from the initiator's own cluster)."""
    rng, home = world.rng, world.members[initiator].cluster
    present = [m for m in world.members_at(at) if m != initiator]
    team = [initiator]
    for tag in required:
        holders = [m for m in present if tag in world.members[m].tags and m not in team]
        if homophily >= 1.0:
            holders = [m for m in holders if world.members[m].cluster == home]
        if holders:
            team.append(rng.choice(holders))
    size = rng.randint(3, 5)
    while len(team) < size:
        pool = present
        if rng.random() < homophily:
            pool = [m for m in present if world.members[m].cluster == home] or present
        candidate = rng.choice(pool)
        if candidate not in team:
            team.append(candidate)
    return team


def run_task(world: World, initiator: int, start: datetime, end: datetime, pace: Pace,
             homophily: float = 0.0) -> Task:
    """A task's whole life: its team forms in the first days with a kickoff, works,
    meets now and then, sees ordinary comings and goings, and finishes."""
    rng = world.rng
    home = world.members[initiator].cluster
    other = rng.choice([c for c in range(CLUSTERS) if c != home]) if home is not None else 0
    own = home if home is not None else rng.randrange(CLUSTERS)
    required = [cluster_tag(own, rng.randrange(TAGS_PER_CLUSTER)),
                cluster_tag(own if homophily >= 1.0 else other, rng.randrange(TAGS_PER_CLUSTER))]
    duration = rng.uniform(14, 35)
    done = start + duration * DAY
    due = None
    if rng.random() < 0.6:
        slack = rng.uniform(-6, -1) if rng.random() < pace.late_share else rng.uniform(1, 8)
        due = (done + slack * DAY).date()
    task = world.add_task(initiator, start, frozenset(required),
                          done_at=done if done <= end else None, due_on=due,
                          approval=rng.random() < 0.25)
    team = _recruit(world, initiator, required, homophily, start)
    for member in team[1:]:
        joined = start + rng.uniform(0.1, 5) * DAY
        if task.approval:
            world.requests.append(Request(member, task.id, joined, False))
            if rng.random() < pace.decline_share / (1 - pace.decline_share):
                asker = rng.choice(world.members_at(start))
                if asker not in team:
                    world.requests.append(Request(asker, task.id, joined, True))
        task.stints.append(Stint(member, joined))
    finish = min(done, end)
    kickoff = start + rng.uniform(1, 3) * DAY
    if kickoff < finish:
        world.meetings.append(Meeting(kickoff, rng.choice((60, 90)),
                                      frozenset(on_team(task, kickoff)), task=task.id))
    day = 7.0
    while start + day * DAY < finish:
        at = start + day * DAY
        _week_of_work(world, task, at, pace)
        if int(day) % 14 == 0:
            world.meetings.append(Meeting(at, 45, frozenset(on_team(task, at)), task=task.id))
        day += 7
    return task


def _week_of_work(world: World, task: Task, at: datetime, pace: Pace) -> None:
    rng = world.rng
    for member in on_team(task, at):
        for _ in range(pace.log_days_per_week):
            world.logs.append(Log(member, task.id, (at - rng.uniform(0, 6) * DAY).date(),
                                  rng.choice((1.0, 1.5, 2.0, 3.0))))
        if rng.random() < pace.comment_chance_per_week:
            world.comments.append(Comment(member, task.id, at - rng.uniform(0, 6) * DAY))
        if rng.random() < pace.leave_chance_per_week and member != task.initiator:
            stint = next(s for s in task.stints if s.member == member and s.left_at is None)
            stint.left_at = at
            # A healthy team replaces knowledge it loses: the newcomer holds what the
            # leaver brought of the required tags, if anyone else does.
            brought = world.members[member].tags & task.required
            present = world.members_at(at)
            pool = [m for m in present if brought & world.members[m].tags] or present
            newcomer = rng.choice(pool)
            if newcomer not in on_team(task, at):
                task.stints.append(Stint(newcomer, at + DAY))


def standing_groups(world: World, first_day: int, last_day: int) -> None:
    """Two working groups of eight that meet monthly and finish a task now and then."""
    rng = world.rng
    for name in ("Steering group", "Data group"):
        group = Group(len(world.groups) + 1, name, world.day(first_day) - 60 * DAY)
        people = rng.sample(world.members_at(world.day(first_day)), 8)
        group.stints = [Stint(m, group.created_at) for m in people]
        world.groups[group.id] = group
        for day in range(first_day, last_day, 28):
            at = world.day(day + 3)
            world.meetings.append(Meeting(at, 90, frozenset(on_team(group, at)),
                                          group=group.id))
        for day in range(first_day, last_day, 21):
            task = world.add_task(people[0], world.day(day), frozenset(), group=group.id,
                                  done_at=world.day(day + 18))
            for member in people[1:3]:
                task.stints.append(Stint(member, world.day(day) + DAY))
            for week in range(0, 18, 7):
                for member in people[:3]:
                    world.logs.append(Log(member, task.id, world.day(day + week + 2).date(),
                                          3.0))


def decisions(world: World, first_day: int, last_day: int, hear_critical: bool = True) -> None:
    """Every four weeks a decision, discussed over its first week; in a healthy
    partnership someone from each critical sector takes part."""
    rng = world.rng
    for day in range(first_day + 10, last_day - 10, 28):
        at = world.day(day)
        present = world.members_at(at)
        task = world.add_task(rng.choice(present), at, frozenset(), decision=True,
                              done_at=at + 20 * DAY)
        speakers = rng.sample(present, 4)
        if hear_critical:
            for sector in world.critical_sectors:
                speakers.append(rng.choice([m for m in present if world.sector(m) == sector]))
        elif world.critical_sectors:
            speakers = [m for m in speakers if world.sector(m) not in world.critical_sectors]
        for i, member in enumerate(speakers):
            world.comments.append(Comment(member, task.id, at + (0.5 + i) * DAY))
