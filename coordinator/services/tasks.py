"""Posting, editing, cancelling and completing tasks."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select, update

from ..domain.text import render_markdown
from ..errors import InvalidInputError, NotAllowedError, TaskClosedError
from ..extensions import db
from ..models import JoinRequest, Membership, Participation, Task, WaitlistEntry, utcnow
from . import webhooks
from .events import record_event
from .joining import promote_from_waitlist
from .tags import ensure_tags, normalised


@dataclass
class TaskInput:
    title: str
    description: str
    tags: list[str]
    capacity: int
    due_on: date | None
    effort_hours: float | None
    join_policy: str
    working_group_id: int | None
    is_decision: bool = False


def create_task(author: Membership, data: TaskInput, now: datetime | None = None) -> Task:
    now = now or utcnow()
    task = Task(partnership_id=author.partnership_id, initiator_id=author.id, created_at=now)
    _apply(task, data)
    db.session.add(task)
    db.session.flush()
    db.session.add(Participation(task_id=task.id, membership_id=author.id, role="initiator",
                                 joined_at=now))
    record_event(author.partnership_id, "task_created", actor_id=author.id, task_id=task.id,
                 working_group_id=task.working_group_id, now=now,
                 data={"tags": data.tags, "capacity": data.capacity})
    webhooks.emit(task.partnership_id, "task.created", webhooks.task_payload(task, author), now)
    return task


def update_task(task: Task, actor: Membership, data: TaskInput) -> None:
    _require_initiator(task, actor)
    if not task.is_joinable:
        raise TaskClosedError("A finished or cancelled task cannot be edited.")
    if data.capacity < task.filled:
        raise InvalidInputError(
            f"{task.filled} people have joined; capacity cannot be lower.", field="capacity"
        )
    before = {"capacity": task.capacity, "tags": task.tag_names}
    _apply(task, data)
    db.session.flush()
    record_event(task.partnership_id, "task_edited", actor_id=actor.id, task_id=task.id,
                 working_group_id=task.working_group_id,
                 data={"before": before, "after": {"capacity": data.capacity, "tags": data.tags}})
    promote_from_waitlist(task)


def cancel_task(task: Task, actor: Membership, reason: str = "") -> None:
    _require_initiator(task, actor)
    _close(task, actor, "cancelled", reason)


def complete_task(task: Task, actor: Membership, outcome: str,
                  now: datetime | None = None) -> None:
    """Mark done; the initiator or any contributor may do it."""
    is_member = db.session.scalar(
        select(Participation.id).where(Participation.task_id == task.id,
                                       Participation.membership_id == actor.id)
    )
    if not is_member:
        raise NotAllowedError("Only people on the task can complete it.")
    if not outcome.strip():
        raise InvalidInputError("Describe the outcome.", field="outcome")
    task.outcome = outcome.strip()
    task.outcome_html = render_markdown(task.outcome)
    task.completed_at = now or utcnow()
    _close(task, actor, "done", outcome, now=task.completed_at)
    webhooks.emit(task.partnership_id, "task.completed",
                  webhooks.task_payload(task, actor), task.completed_at)


def _close(task: Task, actor: Membership, status: str, note: str,
           now: datetime | None = None) -> None:
    changed = db.session.execute(
        update(Task)
        .where(Task.id == task.id, Task.status.in_(("open", "active")))
        .values(status=status)
    ).rowcount
    if changed != 1:
        raise TaskClosedError()
    db.session.execute(delete(WaitlistEntry).where(WaitlistEntry.task_id == task.id))
    db.session.execute(
        update(JoinRequest)
        .where(JoinRequest.task_id == task.id, JoinRequest.status == "pending")
        .values(status="withdrawn", decided_at=now or utcnow())
    )
    kind = "task_completed" if status == "done" else "task_cancelled"
    record_event(task.partnership_id, kind, actor_id=actor.id, task_id=task.id,
                 working_group_id=task.working_group_id, data={"note": note[:500]}, now=now)
    db.session.refresh(task)


def _require_initiator(task: Task, actor: Membership) -> None:
    if task.initiator_id != actor.id:
        raise NotAllowedError("Only the person who started the task can do that.")


def _apply(task: Task, data: TaskInput) -> None:
    task.title = data.title.strip()
    task.description = data.description
    task.description_html = render_markdown(data.description)
    task.capacity = data.capacity
    task.due_on = data.due_on
    task.effort_hours = data.effort_hours
    task.join_policy = data.join_policy
    task.working_group_id = data.working_group_id
    task.is_decision = data.is_decision
    task.tags = ensure_tags(task.partnership_id, normalised(data.tags))
