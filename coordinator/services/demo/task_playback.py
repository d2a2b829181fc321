"""Playing a task's script through the services, so the event log reads like real use."""

from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db
from ...models import Event, Task
from ..activity import add_comment, log_work
from ..joining import accept_request, decline_request, join_or_wait, leave_task, request_to_join
from ..tasks import TaskInput, cancel_task, complete_task, create_task, propose_completion
from .data.phrases import CONTEXT, JOIN_NOTES
from .data.planted_tasks import TaskTemplate
from .groups import record_meeting
from .task_plans import TaskPlan
from .world import World, backdated, split_tags


def play_task(world: World, plan: TaskPlan, steps: list[tuple]) -> None:
    """Create the task as planned, then replay its steps in time order."""
    tpl, author = plan.template, world.members[plan.initiator]
    task = create_task(author, TaskInput(
        title=tpl.title, description=_description(world, plan), tags=split_tags(tpl.tags),
        capacity=plan.capacity, due_on=plan.due_on, effort_hours=plan.effort_hours,
        join_policy=plan.policy,
        working_group_id=world.groups[tpl.group].id if tpl.group else None,
    ), now=world.at(plan.created, 9))
    requests = {}
    for when, _, kind, args in sorted(steps, key=lambda step: step[:2]):
        if kind == "call":
            record_meeting(world, args[0], when, 30, "call", f"Kick-off: {tpl.title}",
                           task_id=task.id)
            continue
        key, member = args[0], world.members[args[0]]
        if kind == "join":
            join_or_wait(task, member, _note(world, key, tpl), now=when)
        elif kind == "request":
            requests[key] = request_to_join(task, member, _note(world, key, tpl), now=when)
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
            if member.id != task.initiator_id:  # a contributor proposes, the initiator confirms
                propose_completion(task, member, args[1], now=when)
            complete_task(task, author, args[1], now=when)
        else:
            with backdated(when):
                cancel_task(task, member, args[1])


def settle_task_timestamps(world: World) -> None:
    """updated_at follows the task's last event, not the clock during seeding."""
    db.session.flush()
    last = db.session.execute(
        select(Event.task_id, func.max(Event.occurred_at))
        .where(Event.partnership_id == world.partnership.id, Event.task_id.is_not(None))
        .group_by(Event.task_id))
    for task_id, when in last:
        db.session.get(Task, task_id).updated_at = when
    db.session.flush()


def _description(world: World, plan: TaskPlan) -> str:
    tpl = plan.template
    parts = [world.rng.choice(CONTEXT), f"**Deliverable:** {tpl.deliverable}.",
             f"**Knowledge needed:** {tpl.tags}."]
    if plan.effort_hours:
        parts.append(f"Rough effort: about {plan.effort_hours:g} hours in all.")
    return "\n\n".join(parts)


def _note(world: World, key: str, tpl: TaskTemplate) -> str:
    shared = sorted(world.tagsets[key] & set(split_tags(tpl.tags)))
    title = world.info[key][5]
    return world.rng.choice(JOIN_NOTES).format(
        tag=(shared or sorted(world.tagsets[key]))[0], org=world.orgs[world.info[key][2]].name,
        title_lower=title[0].lower() + title[1:])
