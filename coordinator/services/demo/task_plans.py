"""Planning one demo task: status, who starts it, dates, and who joins when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .data.groups import GROUPS
from .data.people import CLOSED_CIRCLE
from .data.planted_tasks import TaskTemplate
from .world import World, split_tags

STATUS_WEIGHTS = {"done": 34, "active": 36, "open": 16, "cancelled": 14}
CREATED_RANGE = {"done": (25, 115), "active": (8, 95), "open": (2, 45), "cancelled": (20, 100)}


@dataclass
class TaskPlan:
    template: TaskTemplate
    initiator: str
    status: str
    policy: str
    capacity: int
    created: int  # days ago
    closed: int | None  # days ago it was completed or cancelled
    due_on: date | None
    effort_hours: float | None
    team: tuple


def plan_task(world: World, tpl: TaskTemplate) -> TaskPlan:
    """Fill in what the template leaves open, from the world's current random stream."""
    rng = world.rng
    status = tpl.status or rng.choices(list(STATUS_WEIGHTS),
                                       weights=list(STATUS_WEIGHTS.values()))[0]
    initiator = _initiator(world, tpl)
    created = tpl.created or rng.randint(*CREATED_RANGE[status])
    if tpl.group:  # not before the group existed
        created = min(created, GROUPS[tpl.group][4] - 2)
    closed = tpl.closed
    if closed is None and status in ("done", "cancelled"):
        closed = rng.randint(max(2, created - 60), created - 7)
    policy = tpl.policy or ("open" if tpl.full or rng.random() < 0.7 else "approval")
    full = tpl.full or (not tpl.team and status == "active" and policy == "open"
                        and rng.random() < 0.15)
    capacity = tpl.capacity or rng.choice((2, 3, 3, 4, 4, 5, 6))
    due = None if tpl.no_due else tpl.due
    if due is None and not tpl.no_due:
        due = _due_in(world, world.tier(initiator), status, created, closed)
    team = tpl.team or _team(world, tpl, initiator, status, policy, capacity, created,
                             closed or 0, full)
    return TaskPlan(tpl, initiator, status, policy, capacity, created, closed,
                    None if due is None else world.today + timedelta(days=due),
                    rng.choice((None, None, 4, 8, 12, 16, 24, 40)), team)


def _initiator(world: World, tpl: TaskTemplate) -> str:
    if tpl.by in world.members:
        return tpl.by
    tags = set(split_tags(tpl.tags))
    if tpl.by:
        pool = [key for key, row in world.info.items() if row[2] == tpl.by]
    else:  # everyday tasks come from the medium and high tiers (cost-burden pattern)
        pool = [key for key in _open_circle(world) if world.tier(key) != "low"]
    fits = [key for key in pool if world.tagsets[key] & tags]
    in_group = [key for key in fits if tpl.group and key in world.ever_in[tpl.group]]
    pool = in_group or fits or pool
    weights = [1 + 2 * len(world.tagsets[key] & tags) for key in pool]
    return world.rng.choices(pool, weights=weights)[0]


def _due_in(world: World, tier: str, status: str, created: int,
            closed: int | None) -> int | None:
    """Days from today to the due date; high tiers let theirs slip (exemption)."""
    rng, draw = world.rng, world.rng.random()
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


def _team(world: World, tpl: TaskTemplate, initiator: str, status: str, policy: str,
          capacity: int, created: int, end: int, full: bool) -> tuple:
    """(member, day, mode, day left): joins fall strictly inside the task's life."""
    rng = world.rng
    if status == "open":
        if policy == "open" or created < 3:
            return ()
        people = _volunteers(world, tpl, initiator, rng.randint(0, 2))
        return tuple((key, rng.randint(1, min(10, created - 1)), "pending", None)
                     for key in people)
    size = {"active": capacity + rng.randint(1, 2) if full else rng.randint(1, capacity),
            "done": rng.randint(1, capacity),
            "cancelled": rng.randint(0, min(2, capacity))}[status]
    extra = int(policy == "approval" and status == "active" and rng.random() < 0.4)
    people = _volunteers(world, tpl, initiator, size + extra)
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


def _volunteers(world: World, tpl: TaskTemplate, initiator: str, n: int) -> list[str]:
    tags = set(split_tags(tpl.tags))
    pool = [key for key in _open_circle(world) if key != initiator]
    weights = [_weight(world, key, tags, tpl.group) for key in pool]
    chosen = []
    for _ in range(min(n, len(pool))):
        i = world.rng.choices(range(len(pool)), weights=weights)[0]
        chosen.append(pool.pop(i))
        weights.pop(i)
    return chosen


def _weight(world: World, key: str, tags: set[str], group: str | None) -> float:
    """How likely someone volunteers: knowledge fit, group, and who does the work."""
    overlap = len(world.tagsets[key] & tags)
    weight = 1 + 2 * overlap if overlap else 0.2
    if group and key in world.ever_in[group]:
        weight *= 3
    if world.info[key][2] == "eastside":
        return weight * 2.5
    return weight * (1.5 if world.tier(key) == "low" else 1.0)


def _open_circle(world: World) -> list[str]:
    """Everyone the generator may draw for everyday tasks: not the planted silo."""
    return [key for key in world.members if world.info[key][2] not in CLOSED_CIRCLE]
