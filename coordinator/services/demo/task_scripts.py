"""A planned task's history as timed steps: team moves, work, comments, a call, the close.

A step is (when, sequence number, kind, args); sorting on the first two plays them in time
order, ties in the order they were written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .data.phrases import (
    ALIGNOPHILIA_DECLINE,
    CANCEL_REASONS,
    COMMENTS,
    DECLINE_REASONS,
    OUTCOME_ENDINGS,
    WORK_NOTES,
)
from .data.planted_tasks import ALIGNOPHILIA_TASK
from .task_plans import TaskPlan
from .world import World

# Log frequency and hours per entry relative to an average member (cost-burden pattern).
EFFORT = {"eastside": (1.9, 1.7), "low": (1.4, 1.3), "medium": (1.0, 1.0), "high": (0.7, 0.8)}
HOURS = (2, 3, 3, 4, 4, 5, 6, 7, 8)

Add = Callable[..., None]  # add(when, kind, *args)
Spans = list[tuple[str, datetime, datetime]]  # (member, on the team from, until)


def script_task(world: World, plan: TaskPlan) -> list[tuple]:
    """Timed steps for one task: team moves, work, comments, a kick-off, the close."""
    steps: list[tuple] = []

    def add(when: datetime, kind: str, *args) -> None:
        steps.append((when, next(world.seq), kind, args))

    _team_moves(world, plan, add)
    end = world.at(plan.closed, 16) if plan.closed else world.now
    spans = _spans(world, plan, steps, end)
    if plan.status != "open":
        for key, start, stop in spans:
            _work(world, plan, key, start, stop, add)
    _comments(world, plan, spans, add)
    _kickoff_call(world, plan, spans, add)
    _close(world, plan, spans, end, add)
    return steps


def _team_moves(world: World, plan: TaskPlan, add: Add) -> None:
    rng = world.rng
    for key, day, mode, left in plan.team:
        add(world.at(day, rng.randint(8, 19)), "join" if mode == "join" else "request", key)
        if mode in ("accept", "decline"):
            reason = (ALIGNOPHILIA_DECLINE if plan.template is ALIGNOPHILIA_TASK
                      else rng.choice(DECLINE_REASONS))
            add(world.at(day - 1, 10), mode, key, reason)
        if left:
            add(world.at(left, 17), "leave", key)


def _spans(world: World, plan: TaskPlan, steps: list[tuple], end: datetime) -> Spans:
    """Replay joins and leaves as the services will, to know who is on the team when."""
    inside: dict[str, datetime] = {}
    waiting: list[str] = []
    spans = [(plan.initiator, world.at(plan.created, 9), end)]
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


def _work(world: World, plan: TaskPlan, key: str, start: datetime, stop: datetime,
          add: Add) -> None:
    """Evening work logs while on the team; low-tier members log more (cost burden)."""
    days = [day for day in range(max(1, world.days_ago(stop)), world.days_ago(start) + 1)
            if start < world.at(day, 18) < stop]
    org = world.info[key][2]
    often, long = EFFORT["eastside" if org == "eastside" else world.tier(key)]
    if key == plan.initiator:
        often *= 0.8
    n = int(len(days) / 7 * 0.45 * often * plan.template.effort + world.work_rng.random())
    rng = world.work_rng
    for day in sorted(rng.sample(days, min(n, len(days), 6)), reverse=True):
        hours = max(0.25, round(rng.choice(HOURS) * long * 4) / 4)
        add(world.at(day, 18), "log", key, hours, rng.choice(WORK_NOTES))


def _comments(world: World, plan: TaskPlan, spans: Spans, add: Add) -> None:
    rng = world.rng
    for _ in range(rng.randint(0, 1 if plan.status == "open" else 3)):
        days = range((plan.closed or 0) + 1, plan.created)
        if days:
            when = world.at(rng.choice(days), 12, rng.randint(0, 59))
            here = [key for key, start, stop in spans if start < when < stop]
            add(when, "comment", rng.choice(here), rng.choice(COMMENTS))


def _kickoff_call(world: World, plan: TaskPlan, spans: Spans, add: Add) -> None:
    starts = sorted(start for key, start, _ in spans if key != plan.initiator)
    if (plan.template.group in (None, "green") and len(starts) > 1
            and world.rng.random() < 0.45):
        day = world.days_ago(starts[1]) - 1
        if day > (plan.closed or 0):  # a 30-minute call, at most 7 people
            when = world.at(day, 11)
            add(when, "call", [key for key, start, stop in spans if start < when < stop][:7])


def _close(world: World, plan: TaskPlan, spans: Spans, end: datetime, add: Add) -> None:
    rng = world.rng
    if plan.status == "done":
        here = [key for key, _, stop in spans if stop == end and key != plan.initiator]
        actor = rng.choice(here) if here and rng.random() < 0.3 else plan.initiator
        add(end, "complete", actor,
            f"Done: {plan.template.deliverable}. {rng.choice(OUTCOME_ENDINGS)}")
    elif plan.status == "cancelled":
        add(end, "cancel", plan.initiator, rng.choice(CANCEL_REASONS))
