"""Seed the demo partnership (`flask seed-demo`): deterministic, realistic, with planted cases.

Everything is dated relative to an injected `now`, and every choice comes from
`random.Random` streams derived from the fixed SEED (one per task and group, so editing one
leaves the others alone): two runs with the same `now` write the same rows. Rows are
written through the services (create_task, join_or_wait, request_to_join, log_work,
record_activity, ...) so the event log reads like real use; services that stamp the wall
clock are back-dated (`_backdated`).

Planted patterns (data in `demo_data.py`; "window" = the days before `now`):

1. Alignophilia, team: task "Hydraulic design of the Eastside flood barrier and pumping
   station" (ALIGNOPHILIA_TASK, started by Lena Brandt, Hydrosys). Its team of four are all
   engineers from business (Hydrosys x3, Northbank Water), none tagged "community
   engagement", which the task requires and which Eastside and health-network members hold.
   Amara Osei (Eastside, community cluster) asked to join 19 days ago and was declined;
   Grace Mensah's request is still pending.
2. Joinholism, working group: "Rivermouth 2050 Vision Forum" (GROUPS["forum"]). Twelve
   meetings of 90-120 minutes with 8+ attendees in the last 28 days (FORUM_MEETINGS_*),
   barely any logged work on its tasks (FORUM_TASKS, effort 0.1-0.2), no task completed in
   the last 28 days (the only one done closed 52 days ago, one was cancelled 12 days ago),
   and churn: nine people joined and eight left the forum in the window (FORUM_JOINS,
   FORUM_LEAVES), more on its vision-statement task.
3. Cost burden: "Eastside Residents' Flood Action Group" (civil society, low tier, 6 of 68
   members) logs far more hours per head than anyone (EFFORT["eastside"], joins weighted up)
   yet initiates one task of 85; the low tier as a whole also logs more than its share and
   initiates less (only the tasks pinned with `by=` to low-tier organisations).
4. Exemption: tasks started by high-tier organisations (water authority, city council,
   Northbank Water, province) that are still open past their due date: 70 % of their
   open/active tasks get a past due date (`_due_in`), against one of the nine due-dated
   tasks started by low-tier organisations ("Measure soil compaction on flooded farmland").

Healthy contrast: working group "Green Streets & Sponge City" (GROUPS["green"],
GREEN_TASKS): engineers, residents, ecologists, data and policy people from four sectors;
two tasks completed in the last 28 days; three one-hour meetings in the window against
plenty of logged work; one new member.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import event as orm_event
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..models import (
    Event,
    JoinRequest,
    JointActivity,
    Membership,
    Organisation,
    Partnership,
    Task,
    User,
    WaitlistEntry,
    WorkingGroup,
    WorkLog,
)
from . import demo_data as data
from .activity import ActivityInput, add_comment, log_work, record_activity
from .groups import create_group, join_group, leave_group
from .joining import accept_request, decline_request, join_or_wait, leave_task, request_to_join
from .profiles import update_profile
from .tasks import TaskInput, cancel_task, complete_task, create_task

SEED = 2026
DEMO_PASSWORD = "polder-demo-2026"
LOGINS = (
    ("admin", "admin", "partnership admin"),
    ("coordinator", "sanne", "coordinator"),
    ("member", "lena", "engineer; started the planted alignophilia task"),
    ("member", "amara", "Eastside residents' organiser; declined from that task"),
    ("member", "tomas", "geospatial analyst at a small data firm"),
)
# Log frequency and hours per entry relative to an average member (cost-burden pattern).
EFFORT = {"eastside": (1.9, 1.7), "low": (1.4, 1.3), "medium": (1.0, 1.0), "high": (0.7, 0.8)}
STATUS_WEIGHTS = {"done": 34, "active": 36, "open": 16, "cancelled": 14}
CREATED_RANGE = {"done": (25, 115), "active": (8, 95), "open": (2, 45), "cancelled": (20, 100)}
REGULAR_GROUP_CLUSTER = {"warning": "data", "funding": "pol", "quality": "eco"}
HOURS = (2, 3, 3, 4, 4, 5, 6, 7, 8)


@dataclass
class DemoResult:
    partnership: Partnership
    logins: list[tuple[str, str, str, str]]  # (role, email, name, why log in as them)


def seed_demo(now: datetime) -> DemoResult:
    """Create the demo partnership as it would look at `now`; flushes, never commits."""
    return _Seeder(now).run()


def demo_summary(partnership_id: int) -> dict[str, dict[str, int] | int]:
    """Counts for the command's closing report."""
    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    def by(column, *where) -> dict[str, int]:
        rows = db.session.execute(select(column, func.count()).where(*where).group_by(column))
        return dict(sorted(rows))

    scope = Task.partnership_id == partnership_id
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.partnership_id == partnership_id)).all()
    return {
        "members": count(Membership, Membership.partnership_id == partnership_id),
        "organisations": by(Organisation.sector, Organisation.partnership_id == partnership_id),
        "power tiers": {tier: sum(org.tier == tier for org in organisations)
                        for tier in ("high", "medium", "low")},
        "tasks": by(Task.status, scope),
        "working groups": count(WorkingGroup, WorkingGroup.partnership_id == partnership_id),
        "joint activities": by(JointActivity.kind,
                               JointActivity.partnership_id == partnership_id),
        "work logs": count(WorkLog, WorkLog.partnership_id == partnership_id),
        "join requests": by(JoinRequest.status, JoinRequest.task_id.in_(
            select(Task.id).where(scope))),
        "waitlist entries": count(WaitlistEntry, WaitlistEntry.task_id.in_(
            select(Task.id).where(scope))),
    }


def _email(key: str, name: str) -> str:
    local = {"admin": "admin", "sanne": "coordinator"}.get(key)
    if local is None:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        local = ".".join("".join(c for c in part if c.isalnum())
                         for part in ascii_name.lower().split())
    return f"{local}@{data.EMAIL_DOMAIN}"


def _stream(*parts) -> random.Random:
    """A reproducible random stream of its own, so editing one task leaves the rest alone."""
    return random.Random("/".join(str(part) for part in (SEED, *parts)))


def _tags(text: str) -> list[str]:
    return [tag.strip() for tag in text.split(",") if tag.strip()]


@contextmanager
def _backdated(when: datetime):
    """Stamp the rows a service adds inside the block with `when`, for services that
    read the clock themselves (groups, profiles, cancelling)."""
    session = db.session()
    added = []

    def collect(_session, instance) -> None:
        added.append(instance)

    orm_event.listen(session, "transient_to_pending", collect)
    try:
        yield
    finally:
        orm_event.remove(session, "transient_to_pending", collect)
    for row in added:
        for attribute in ("occurred_at", "joined_at", "created_at"):
            if hasattr(row, attribute):
                setattr(row, attribute, when)


@dataclass
class _Plan:
    template: data.TaskTemplate
    initiator: str
    status: str
    policy: str
    capacity: int
    created: int  # days ago
    closed: int | None  # days ago it was completed or cancelled
    due_on: date | None
    effort_hours: float | None
    team: tuple


class _Seeder:
    def __init__(self, now: datetime) -> None:
        self.now = now.astimezone(UTC)
        self.today = self.now.date()
        self.rng = _stream("members")
        self.work_rng = _stream("work")
        self.seq = itertools.count()
        self.orgs: dict[str, Organisation] = {}
        self.members: dict[str, Membership] = {}
        self.info: dict[str, tuple] = {}  # key -> its MEMBERS row
        self.tagsets: dict[str, set[str]] = {}
        self.groups: dict[str, WorkingGroup] = {}
        self.ever_in: dict[str, set[str]] = {}

    def at(self, days_ago: int, hour: int = 9, minute: int = 0) -> datetime:
        """A moment on an earlier calendar day than `now`, so always in the past."""
        if days_ago < 1:
            raise ValueError("demo history ends the day before `now`")
        day = self.today - timedelta(days=days_ago)
        return datetime.combine(day, time(hour, minute), tzinfo=UTC)

    def days_ago(self, moment: datetime) -> int:
        return (self.today - moment.date()).days

    def run(self) -> DemoResult:
        self.partnership = Partnership(**data.PARTNERSHIP, created_at=self.at(130))
        db.session.add(self.partnership)
        db.session.flush()
        self._organisations()
        self._members()
        for key, row in data.GROUPS.items():
            self.rng = _stream("group", key)
            self._group(key, *row)
        for template in (data.ALIGNOPHILIA_TASK, *data.FORUM_TASKS, *data.GREEN_TASKS,
                         *data.TASKS):
            # Streams of its own: tuning one task's work or team leaves the others unchanged.
            self.rng = _stream("task", template.title)
            self.work_rng = _stream("work", template.title)
            plan = self._plan(template)
            self._play(plan, self._script(plan))
        self._settle_task_timestamps()
        logins = [(role, self.members[key].user.email, self.members[key].name, why)
                  for role, key, why in LOGINS]
        return DemoResult(self.partnership, logins)

    # People

    def _organisations(self) -> None:
        for key, (name, sector, authority, resources, legitimacy) in data.ORGANISATIONS.items():
            self.orgs[key] = Organisation(
                partnership_id=self.partnership.id, name=name, sector=sector,
                formal_authority=authority, resource_control=resources,
                discursive_legitimacy=legitimacy)
        db.session.add_all(self.orgs.values())
        db.session.flush()

    def _members(self) -> None:
        # One hash for everyone: the production scrypt cost is 0.6 s per hash.
        password_hash = generate_password_hash(
            DEMO_PASSWORD, method=current_app.config["PASSWORD_HASH_METHOD"])
        for i, row in enumerate(data.MEMBERS):
            key, name, org, role = row[0], row[1], row[2], row[6]
            joined = self.at(128 - i % 10, 8 + i % 9)
            user = User(email=_email(key, name), name=name, password_hash=password_hash,
                        created_at=joined)
            self.members[key] = Membership(
                partnership_id=self.partnership.id, user=user, role=role, joined_at=joined,
                organisation_id=self.orgs[org].id)
            self.info[key] = row
        db.session.add_all(self.members.values())
        db.session.flush()
        for key, name, org, cluster, second, title, _role, tags_text in data.MEMBERS:
            tags = _tags(tags_text) or self._draw_tags(cluster, second)
            bio = self.rng.choice(data.BIO_TEMPLATES).format(
                title=title, title_lower=title[0].lower() + title[1:],
                org=self.orgs[org].name, t1=tags[0], t2=tags[1],
                focus=self.rng.choice(data.FOCUS[cluster]))
            member = self.members[key]
            with _backdated(member.joined_at + timedelta(hours=2)):
                update_profile(member, name, tags, bio)
            self.tagsets[key] = set(tags)

    def _draw_tags(self, cluster: str, second: str) -> list[str]:
        tags = self.rng.sample(data.CLUSTERS[cluster], self.rng.choice((3, 3, 4)))
        if second:
            tags.append(self.rng.choice(data.CLUSTERS[second]))
        return tags

    def _tier(self, key: str) -> str:
        return self.orgs[self.info[key][2]].tier

    def _weight(self, key: str, tags: set[str], group: str | None) -> float:
        """How likely someone volunteers: knowledge fit, group, and who does the work."""
        overlap = len(self.tagsets[key] & tags)
        weight = 1 + 2 * overlap if overlap else 0.2
        if group and key in self.ever_in[group]:
            weight *= 3
        if self.info[key][2] == "eastside":
            return weight * 2.5
        return weight * (1.5 if self._tier(key) == "low" else 1.0)

    # Working groups

    def _group(self, key: str, name: str, description: str, creator: str,
               founders: tuple[str, ...], created: int) -> None:
        self.ever_in[key] = {creator, *founders}
        script = [(self.at(created - 1 - i % 4, 9), next(self.seq), "join", (member,))
                  for i, member in enumerate(founders)]
        script += self._group_calendar(key, founders, created)
        with _backdated(self.at(created, 9)):
            group = create_group(self.members[creator], name, description)
        self.groups[key] = group
        present = [creator]
        for when, _, kind, args in sorted(script, key=lambda step: step[:2]):
            if kind == "join":
                with _backdated(when):
                    join_group(group, self.members[args[0]])
                present.append(args[0])
                self.ever_in[key].add(args[0])
            elif kind == "leave":
                with _backdated(when):
                    leave_group(group, self.members[args[0]])
                present.remove(args[0])
            else:
                minutes, title, least, share = args
                size = min(len(present), max(least, round(share * len(present))))
                activity_kind = "workshop" if "Workshop" in title else "meeting"
                self._meeting(self.rng.sample(present, size), when, minutes, activity_kind,
                              title, working_group_id=group.id)

    def _group_calendar(self, key: str, founders: tuple[str, ...], created: int) -> list:
        """Joins, leaves and meetings after the founding, by group."""
        rng, steps = self.rng, []

        def add(days_ago: int, hour: int, kind: str, *args) -> None:
            steps.append((self.at(days_ago, hour), next(self.seq), kind, args))

        if key == "forum":
            for member, day in data.FORUM_JOINS:
                add(day, 9, "join", member)
            for member, day in data.FORUM_LEAVES:
                add(day, 17, "leave", member)
            for i, day in enumerate(data.FORUM_MEETINGS_BEFORE + data.FORUM_MEETINGS_IN_WINDOW):
                title = data.FORUM_MEETING_TITLES[i % len(data.FORUM_MEETING_TITLES)]
                add(day, 14, "meeting", rng.choice((90, 120)), title, 8, 0.85)
            return steps
        if key == "green":
            add(20, 9, "join", "tobias")
            for day in data.GREEN_MEETINGS:
                add(day, 10, "meeting", 60, "Green Streets working session", 5, 0.55)
            return steps
        cluster = REGULAR_GROUP_CLUSTER[key]
        outsiders = [k for k, row in self.info.items()
                     if cluster in row[3:5] and k not in self.ever_in[key]]
        for member, day in zip(rng.sample(outsiders, 2), (70, 45), strict=True):
            add(day, 9, "join", member)
        add(55, 17, "leave", rng.choice(founders))
        name = data.GROUPS[key][0]
        for day in range(created - 6, 28, -14):
            add(day, 10, "meeting", 60, f"{name} meeting", 4, 0.6)
        # One short meeting in the last 28 days: well under 4 joint person-hours.
        add(rng.randint(5, 25), 10, "meeting", 45, f"{name} check-in", 4, 0.0)
        return steps

    def _meeting(self, people: list[str], when: datetime, minutes: int, kind: str,
                 title: str, **link) -> None:
        activity = record_activity(self.members[people[0]], ActivityInput(
            kind=kind, title=title[:160], occurred_at=when, duration_minutes=minutes,
            attendee_ids=[self.members[key].id for key in people], **link))
        activity.created_at = when + timedelta(minutes=minutes)

    # Tasks: plan (who, when), script (timed steps), play (through the services)

    def _plan(self, tpl: data.TaskTemplate) -> _Plan:
        rng = self.rng
        status = tpl.status or rng.choices(list(STATUS_WEIGHTS),
                                           weights=list(STATUS_WEIGHTS.values()))[0]
        initiator = self._initiator(tpl)
        created = tpl.created or rng.randint(*CREATED_RANGE[status])
        if tpl.group:  # not before the group existed
            created = min(created, data.GROUPS[tpl.group][4] - 2)
        closed = tpl.closed
        if closed is None and status in ("done", "cancelled"):
            closed = rng.randint(max(2, created - 60), created - 7)
        policy = tpl.policy or ("open" if tpl.full or rng.random() < 0.7 else "approval")
        full = tpl.full or (not tpl.team and status == "active" and policy == "open"
                            and rng.random() < 0.15)
        capacity = tpl.capacity or rng.choice((2, 3, 3, 4, 4, 5, 6))
        due = None if tpl.no_due else tpl.due
        if due is None and not tpl.no_due:
            due = self._due_in(self._tier(initiator), status, created, closed)
        team = tpl.team or self._team(tpl, initiator, status, policy, capacity, created,
                                      closed or 0, full)
        return _Plan(tpl, initiator, status, policy, capacity, created, closed,
                     None if due is None else self.today + timedelta(days=due),
                     rng.choice((None, None, 4, 8, 12, 16, 24, 40)), team)

    def _initiator(self, tpl: data.TaskTemplate) -> str:
        if tpl.by in self.members:
            return tpl.by
        tags = set(_tags(tpl.tags))
        if tpl.by:
            pool = [key for key, row in self.info.items() if row[2] == tpl.by]
        else:  # everyday tasks come from the medium and high tiers (cost-burden pattern)
            pool = [key for key in self.members if self._tier(key) != "low"]
        fits = [key for key in pool if self.tagsets[key] & tags]
        in_group = [key for key in fits if tpl.group and key in self.ever_in[tpl.group]]
        pool = in_group or fits or pool
        weights = [1 + 2 * len(self.tagsets[key] & tags) for key in pool]
        return self.rng.choices(pool, weights=weights)[0]

    def _due_in(self, tier: str, status: str, created: int, closed: int | None) -> int | None:
        """Days from today to the due date; high tiers let theirs slip (exemption)."""
        rng, draw = self.rng, self.rng.random()
        if status == "cancelled":
            return None
        if status == "done":
            if tier == "high" and draw < 0.5:
                return -(closed + rng.randint(2, min(10, created - closed - 1)))
            return -closed + rng.randint(2, 14) if draw < 0.85 else None
        late = {"high": 0.7, "medium": 0.2, "low": 0.0}[tier]
        if draw < late and created > 6:
            return -rng.randint(2, min(created - 4, 40))
        return rng.randint(7, 45) if draw < late + 0.2 else None

    def _team(self, tpl: data.TaskTemplate, initiator: str, status: str, policy: str,
              capacity: int, created: int, end: int, full: bool) -> tuple:
        """(member, day, mode, day left): joins fall strictly inside the task's life."""
        rng = self.rng
        if status == "open":
            if policy == "open" or created < 3:
                return ()
            people = self._volunteers(tpl, initiator, rng.randint(0, 2))
            return tuple((key, rng.randint(1, min(10, created - 1)), "pending", None)
                         for key in people)
        size = {"active": capacity + rng.randint(1, 2) if full else rng.randint(1, capacity),
                "done": rng.randint(1, capacity),
                "cancelled": rng.randint(0, min(2, capacity))}[status]
        extra = int(policy == "approval" and status == "active" and rng.random() < 0.4)
        people = self._volunteers(tpl, initiator, size + extra)
        team, accepted = [], 0
        for key in people[:size]:
            day = rng.randint(max(end + 2, created - 15), created - 1)
            mode = "join"
            if policy == "approval":
                accepted_now = accepted < capacity and rng.random() >= 0.15
                mode = "accept" if accepted_now else "decline"
                accepted += accepted_now
            last = day - (2 if policy == "approval" else 1)
            leaves = (not full and mode != "decline" and last > end
                      and rng.random() < 0.12)
            team.append((key, day, mode, rng.randint(end + 1, last) if leaves else None))
        team += [(key, rng.randint(1, min(8, created - 1)), "pending", None)
                 for key in people[size:]]
        return tuple(team)

    def _volunteers(self, tpl: data.TaskTemplate, initiator: str, n: int) -> list[str]:
        tags = set(_tags(tpl.tags))
        pool = [key for key in self.members if key != initiator]
        weights = [self._weight(key, tags, tpl.group) for key in pool]
        chosen = []
        for _ in range(min(n, len(pool))):
            i = self.rng.choices(range(len(pool)), weights=weights)[0]
            chosen.append(pool.pop(i))
            weights.pop(i)
        return chosen

    def _script(self, plan: _Plan) -> list[tuple]:
        """Timed steps for one task: team moves, work, comments, a kick-off, the close."""
        rng, tpl, steps = self.rng, plan.template, []

        def add(when: datetime, kind: str, *args) -> None:
            steps.append((when, next(self.seq), kind, args))

        for key, day, mode, left in plan.team:
            add(self.at(day, rng.randint(8, 19)), "join" if mode == "join" else "request", key)
            if mode in ("accept", "decline"):
                reason = (data.ALIGNOPHILIA_DECLINE if tpl is data.ALIGNOPHILIA_TASK
                          else rng.choice(data.DECLINE_REASONS))
                add(self.at(day - 1, 10), mode, key, reason)
            if left:
                add(self.at(left, 17), "leave", key)
        end = self.at(plan.closed, 16) if plan.closed else self.now
        spans = self._spans(plan, steps, end)
        if plan.status != "open":
            for key, start, stop in spans:
                self._work(plan, key, start, stop, add)
        for _ in range(rng.randint(0, 1 if plan.status == "open" else 3)):
            days = range((plan.closed or 0) + 1, plan.created)
            if days:
                when = self.at(rng.choice(days), 12, rng.randint(0, 59))
                here = [key for key, start, stop in spans if start < when < stop]
                add(when, "comment", rng.choice(here), rng.choice(data.COMMENTS))
        starts = sorted(start for key, start, _ in spans if key != plan.initiator)
        if tpl.group in (None, "green") and len(starts) > 1 and rng.random() < 0.45:
            day = self.days_ago(starts[1]) - 1
            if day > (plan.closed or 0):  # a 30-minute call, at most 7 people
                when = self.at(day, 11)
                add(when, "call", [key for key, start, stop in spans if start < when < stop][:7])
        if plan.status == "done":
            here = [key for key, _, stop in spans if stop == end and key != plan.initiator]
            actor = rng.choice(here) if here and rng.random() < 0.3 else plan.initiator
            add(end, "complete", actor,
                f"Done: {tpl.deliverable}. {rng.choice(data.OUTCOME_ENDINGS)}")
        elif plan.status == "cancelled":
            add(end, "cancel", plan.initiator, rng.choice(data.CANCEL_REASONS))
        return steps

    def _spans(self, plan: _Plan, steps: list[tuple], end: datetime) -> list[tuple]:
        """Replay joins and leaves as the services will, to know who is on the team when."""
        inside: dict[str, datetime] = {}
        waiting: list[str] = []
        spans = [(plan.initiator, self.at(plan.created, 9), end)]
        for when, _, kind, args in sorted(steps, key=lambda step: step[:2]):
            if kind == "join" and len(inside) < plan.capacity or kind == "accept":
                inside[args[0]] = when
            elif kind == "join":
                waiting.append(args[0])
            elif kind == "leave":
                spans.append((args[0], inside.pop(args[0]), when))
                if waiting:
                    inside[waiting.pop(0)] = when
        return spans + [(key, start, end) for key, start in inside.items()]

    def _work(self, plan: _Plan, key: str, start: datetime, stop: datetime, add) -> None:
        """Evening work logs while on the team; low-tier members log more (cost burden)."""
        days = [day for day in range(max(1, self.days_ago(stop)), self.days_ago(start) + 1)
                if start < self.at(day, 18) < stop]
        org = self.info[key][2]
        often, long = EFFORT["eastside" if org == "eastside" else self._tier(key)]
        if key == plan.initiator:
            often *= 0.8
        n = int(len(days) / 7 * 0.45 * often * plan.template.effort + self.work_rng.random())
        rng = self.work_rng
        for day in sorted(rng.sample(days, min(n, len(days), 6)), reverse=True):
            hours = max(0.25, round(rng.choice(HOURS) * long * 4) / 4)
            add(self.at(day, 18), "log", key, hours, rng.choice(data.WORK_NOTES))

    def _play(self, plan: _Plan, steps: list[tuple]) -> None:
        tpl, author = plan.template, self.members[plan.initiator]
        task = create_task(author, TaskInput(
            title=tpl.title, description=self._description(plan), tags=_tags(tpl.tags),
            capacity=plan.capacity, due_on=plan.due_on, effort_hours=plan.effort_hours,
            join_policy=plan.policy,
            working_group_id=self.groups[tpl.group].id if tpl.group else None,
        ), now=self.at(plan.created, 9))
        requests = {}
        for when, _, kind, args in sorted(steps, key=lambda step: step[:2]):
            if kind == "call":
                self._meeting(args[0], when, 30, "call", f"Kick-off: {tpl.title}",
                              task_id=task.id)
                continue
            key, member = args[0], self.members[args[0]]
            if kind == "join":
                join_or_wait(task, member, self._note(key, tpl), now=when)
            elif kind == "request":
                requests[key] = request_to_join(task, member, self._note(key, tpl), now=when)
            elif kind == "accept":
                accept_request(requests[key], author, now=when)
            elif kind == "decline":
                decline_request(requests[key], author, args[1], now=when)
            elif kind == "leave":
                leave_task(task, member, now=when)
            elif kind == "log":
                log_work(task, member, args[1], when.date(), args[2], now=when)
            elif kind == "comment":
                add_comment(task, member, args[1], now=when)
            elif kind == "complete":
                complete_task(task, member, args[1], now=when)
            else:
                with _backdated(when):
                    cancel_task(task, member, args[1])

    def _description(self, plan: _Plan) -> str:
        tpl = plan.template
        parts = [self.rng.choice(data.CONTEXT), f"**Deliverable:** {tpl.deliverable}.",
                 f"**Knowledge needed:** {tpl.tags}."]
        if plan.effort_hours:
            parts.append(f"Rough effort: about {plan.effort_hours:g} hours in all.")
        return "\n\n".join(parts)

    def _note(self, key: str, tpl: data.TaskTemplate) -> str:
        shared = sorted(self.tagsets[key] & set(_tags(tpl.tags)))
        title = self.info[key][5]
        return self.rng.choice(data.JOIN_NOTES).format(
            tag=(shared or sorted(self.tagsets[key]))[0], org=self.orgs[self.info[key][2]].name,
            title_lower=title[0].lower() + title[1:])

    def _settle_task_timestamps(self) -> None:
        """updated_at follows the task's last event, not the clock during seeding."""
        db.session.flush()
        last = db.session.execute(
            select(Event.task_id, func.max(Event.occurred_at))
            .where(Event.partnership_id == self.partnership.id, Event.task_id.is_not(None))
            .group_by(Event.task_id))
        for task_id, when in last:
            db.session.get(Task, task_id).updated_at = when
        db.session.flush()
