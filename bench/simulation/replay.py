"""Read a simulated partnership as it stood on a day, run the rules on it, and follow
each alert through its life as the desk would (opened, resolved itself, reopened).

The rules are called through the same functions the evaluation job uses
(`services.evaluation.measure` and `services.power.data.assess`), on the plain values
the database loaders would give them. Fields a version of the rules does not know are
left out, so the same replay runs today's rules and the ones they replaced.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from coordinator.domain import alert_state as states
from coordinator.domain.balance import alignophilia, insularity, joint_work
from coordinator.domain.balance.findings import index_knowledge
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.power import indicators as pi
from coordinator.domain.power import practice
from coordinator.services.balance import data as balance_data
from coordinator.services.evaluation import measure
from coordinator.services.power import data as power_data

from .world import DAY, World


def build(cls, **values):
    """`cls(**values)` with only the fields `cls` has: older rules know fewer. `cls` is a
    dataclass or a named tuple (the evaluation's bulk values are named tuples)."""
    known = (set(cls._fields) if hasattr(cls, "_fields")
             else {f.name for f in dataclasses.fields(cls)})
    return cls(**{k: v for k, v in values.items() if k in known})


def balance_input(world: World, now: datetime,
                  thresholds: Thresholds | None = None) -> balance_data.PartnershipData:
    """What `balance_data.load_partnership` would load: activity since its horizon,
    stints that ended since the longer one, current places always."""
    stint_since, since = balance_data.horizons(now, thresholds or Thresholds())
    members = [m for m in world.members.values() if m.joined_at <= now]
    clusters = {m.id: m.cluster for m in members}
    tags = {m.id: m.tags for m in members}
    sectors = {m.id: world.orgs[m.org].sector for m in members}
    knowledge = index_knowledge(clusters, tags, sectors)
    teams, stints, activities, logs, completions = [], [], [], [], []
    by_task: dict[int, balance_data.TeamData] = {}
    declined: dict[int, list] = defaultdict(list)
    for r in world.requests:
        if r.declined and stint_since < r.decided_at <= now:
            declined[r.task].append(alignophilia.DeclinedRequest(r.member, r.decided_at))
    groups: dict[int, balance_data.TeamData] = {}
    for group in world.groups.values():
        if group.created_at <= now:
            groups[group.id] = _team(world, "group", group.id, group.name, True,
                                     group.created_at, group.stints, now, stint_since)
    for task in world.tasks.values():
        if task.created_at > now or (task.done_at is not None and task.done_at <= stint_since):
            continue
        done = task.done_at is not None and task.done_at <= now
        team = _team(world, "task", task.id, f"Task {task.id}", not done, task.created_at,
                     task.stints, now, stint_since, required=task.required,
                     task_ids=(task.id,))
        if done and task.done_at > since:
            team.completions.append(joint_work.Completion(task.id, task.done_at))
            completions.append(joint_work.Completion(task.id, task.done_at))
        team.declined = declined.get(task.id, [])
        by_task[task.id] = team
        if task.group in groups:
            group = groups[task.group]
            group.task_ids += (task.id,)
            group.completions += team.completions
            group.required_tags |= task.required if not done else frozenset()
            group.declined += team.declined
    for meeting in world.meetings:
        if not since < meeting.at <= now:
            continue
        home = by_task.get(meeting.task) or groups.get(meeting.group)
        activity = build(joint_work.Activity, at=meeting.at, minutes=meeting.minutes,
                         attendee_ids=meeting.attendees, kind=meeting.kind,
                         team_formed_at=getattr(home, "formed_at", None))
        activities.append(activity)
        if meeting.task in by_task:
            by_task[meeting.task].activities.append(activity)
        group_id = meeting.group or (world.tasks[meeting.task].group if meeting.task else None)
        if group_id in groups:
            groups[group_id].activities.append(activity)
    member_hours = []
    for log in world.logs:
        if not since.date() < log.on <= now.date() or log.task not in by_task:
            continue
        entry = joint_work.WorkLog(log.on, log.hours)
        logs.append(entry)
        member_hours.append((log.member, log.on, log.hours))
        by_task[log.task].logs.append(entry)
        group_id = world.tasks[log.task].group
        if group_id in groups:
            groups[group_id].logs.append(entry)
    for team in [*by_task.values(), *groups.values()]:
        stints.extend(team.stints)
        if team.scope_type == "group" or team.live or team.activities:
            teams.append(team)
    live = Counter(s.member_id for t in by_task.values() if t.live for s in t.stints
                   if s.left_at is None)
    return build(balance_data.PartnershipData, now=now, knowledge=knowledge, member_tags=tags,
                 names={m.id: f"Member {m.id}" for m in members}, active_tasks=dict(live),
                 teams=teams, activities=activities, logs=logs, completions=completions,
                 stints=stints, member_hours=member_hours, activity_since=None,
                 formed_at=world.start)


def _team(world, scope_type, scope_id, label, live, formed_at, stints, now, stint_since,
          required=(), task_ids=()):
    key = (scope_type, scope_id)
    seen = [insularity.Stint(key, s.member, s.joined_at,
                             s.left_at if s.left_at is not None and s.left_at <= now else None)
            for s in stints if s.joined_at <= now
            and (s.left_at is None or s.left_at > stint_since)]
    team = build(balance_data.TeamData, scope_type=scope_type, scope_id=scope_id, label=label,
                 live=live, formed_at=formed_at, task_ids=tuple(task_ids),
                 required_tags=frozenset(required))
    team.stints = seen
    team.members = frozenset(s.member_id for s in seen if s.left_at is None)
    return team


def power_input(world: World, now: datetime) -> power_data.PowerData:
    """What `power_data.load_power` would load (its horizon: the power window)."""
    since = now - 91 * DAY
    members = [m for m in world.members.values() if m.joined_at <= now]
    sectors = {m.id: world.orgs[m.org].sector for m in members}
    tiers = {m.id: world.orgs[m.org].tier for m in members}
    voices = [pi.Voice(c.at, (c.member,)) for c in world.comments if since < c.at <= now]
    voices += [pi.Voice(a.at, a.attendees) for a in world.meetings if since < a.at <= now]
    decision_tasks, due, initiations, approval = [], [], [], []
    for task in world.tasks.values():
        if task.created_at > now:
            continue
        done = task.done_at is not None and task.done_at <= now
        initiations.append((task.initiator, task.created_at))
        if task.created_at > now - 90 * DAY:
            approval.append((task.initiator, task.approval))
        if task.decision and not done:
            heard = frozenset({c.member for c in world.comments
                               if c.task == task.id and c.at <= now})  # few decisions
            decision_tasks.append(build(pi.DecisionTask, task_id=task.id,
                                        title=f"Decision {task.id}", voices=heard,
                                        created_at=task.created_at))
        if task.due_on is not None:
            due.append(pi.DueTask(task.id, task.initiator, task.due_on,
                                  task.done_at.date() if done else None, not done,
                                  task.created_at))
    return power_data.PowerData(
        groups={pi.SECTOR: sectors, pi.TIER: tiers},
        member_orgs={m.id: m.org for m in members}, voices=voices,
        decision_tasks=decision_tasks,
        critical_orgs={o.id: o.name for o in world.orgs.values() if o.critical},
        critical_sectors=list(world.critical_sectors), due_tasks=due,
        decisions=[practice.Decision(r.member, r.decided_at, r.declined) for r in world.requests
                   if since < r.decided_at <= now],
        approval_tasks=approval,
        hours=[practice.Hours(log.member, log.on, log.hours) for log in world.logs
               if since.date() < log.on <= now.date()],
        initiations=initiations)


def findings_on(world: World, now: datetime, thresholds: Thresholds) -> dict[tuple, str]:
    """(kind, scope type, scope id) → severity, for every finding of the day."""
    flagged = {key: found.finding.severity for key, found in
               measure(balance_input(world, now, thresholds), thresholds).items()}
    results = power_data.assess(power_input(world, now), now, thresholds)
    for finding in results.findings:
        flagged[(finding.kind, *power_data.scope_of(finding))] = finding.severity
    return flagged


@dataclass
class Life:
    """What the desk showed over the run: each alert's openings, and the daily load."""

    opened: list[tuple[datetime, tuple]] = field(default_factory=list)
    open_per_day: list[int] = field(default_factory=list)
    members_per_day: list[int] = field(default_factory=list)

    def first(self, kind: str, since: datetime) -> datetime | None:
        return min((at for at, key in self.opened if key[0] == kind and at >= since),
                   default=None)

    def load(self) -> float:
        """Open alerts per 100 members, averaged over the run's days."""
        if not self.open_per_day:
            return 0.0
        return sum(100 * n / m for n, m in zip(self.open_per_day, self.members_per_day,
                                                strict=True)) / len(self.open_per_day)


def replay(world: World, first_day: int, last_day: int, thresholds: Thresholds) -> Life:
    """Evaluate every day from `first_day` to `last_day`, as the hourly job would."""
    life = Life()
    alerts: dict[tuple, states.AlertState] = {}
    for day in range(first_day, last_day + 1):
        now = world.day(day) + 0.5 * DAY
        found = findings_on(world, now, thresholds)
        for key in sorted(alerts.keys() | found.keys()):
            new, steps = states.evaluate_step(alerts.get(key), found.get(key), now.date())
            if new is None:
                continue
            alerts[key] = new
            if any(step.action in (states.OPENED, states.REOPENED) for step in steps):
                life.opened.append((now, key))
        life.open_per_day.append(sum(a.status != states.RESOLVED for a in alerts.values()))
        life.members_per_day.append(len(world.members_at(now)))
    return life


def open_kinds(life: Life) -> dict[str, int]:
    """Alerts raised (opened or reopened) by kind."""
    counts: dict[str, int] = defaultdict(int)
    for _, key in life.opened:
        counts[key[0]] += 1
    return dict(counts)
