"""Posting, editing, cancelling and completing tasks.

Who may do what (docs/members.md, "Task rules"): the initiator edits, completes, cancels
and hands over; a contributor may propose completion, which the initiator confirms; a
coordinator does none of a task's work, but may cancel an abandoned task, with a reason
that stays on the record.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select, update

from ..domain.places import is_abandoned
from ..domain.text import render_markdown
from ..errors import CoordinatorError, InvalidInputError, NotAllowedError, TaskClosedError
from ..extensions import db
from ..models import (
    JoinRequest,
    Membership,
    Participation,
    Partnership,
    Task,
    WaitlistEntry,
    utcnow,
)
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
    task = Task(partnership_id=author.partnership_id, initiator_id=author.id,
                started_by_id=author.id, created_at=now)
    _apply(task, data)
    db.session.add(task)
    db.session.flush()
    db.session.add(Participation(task_id=task.id, membership_id=author.id, role="initiator",
                                 joined_at=now, last_active_at=now))
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


def cancel_task(task: Task, actor: Membership, reason: str = "",
                now: datetime | None = None) -> None:
    """The initiator cancels; so may a coordinator once the task is abandoned, saying why."""
    now = now or utcnow()
    if task.initiator_id == actor.id:
        _close(task, actor, "cancelled", reason, now=now)
        return
    if not actor.has_role("coordinator"):
        raise NotAllowedError("Only the task's initiator can do that.")
    if not abandoned(task, now):
        raise NotAllowedError("A coordinator may cancel a task only once everyone on it "
                              "has been quiet for a while; ask its initiator instead.")
    if not reason.strip():
        raise InvalidInputError("Say why the task is cancelled: its team will read it.",
                                field="reason")
    _close(task, actor, "cancelled", reason, now=now, by_coordinator=True)


def abandoned(task: Task, now: datetime | None = None) -> bool:
    """Whether everyone on the task, its initiator included, has gone quiet on it."""
    if not task.is_joinable:
        return False
    latest = db.session.scalar(select(func.max(Participation.last_active_at))
                               .where(Participation.task_id == task.id))
    days = db.session.scalar(select(Partnership.stale_place_days)
                             .where(Partnership.id == task.partnership_id))
    return is_abandoned(latest or task.created_at, now or utcnow(), days)


def complete_task(task: Task, actor: Membership, outcome: str,
                  now: datetime | None = None) -> None:
    """Mark done: the initiator's call; a contributor proposes instead."""
    _require_initiator(task, actor, "Only the initiator marks the task done; "
                                    "propose it instead.")
    if not outcome.strip():
        raise InvalidInputError("Describe the outcome.", field="outcome")
    task.outcome = outcome.strip()
    task.outcome_html = render_markdown(task.outcome)
    task.completed_at = now or utcnow()
    _close(task, actor, "done", outcome, now=task.completed_at)
    webhooks.emit(task.partnership_id, "task.completed",
                  webhooks.task_payload(task, actor), task.completed_at)


def propose_completion(task: Task, actor: Membership, outcome: str,
                       now: datetime | None = None) -> None:
    """A contributor says the work is done; the initiator confirms or says not yet."""
    if task.initiator_id == actor.id:
        raise CoordinatorError("You started the task: mark it done yourself.")
    if not db.session.scalar(select(Participation.id).where(
            Participation.task_id == task.id, Participation.membership_id == actor.id)):
        raise NotAllowedError("Only people on the task can propose completing it.")
    if not task.is_joinable:
        raise TaskClosedError()
    outcome = outcome.strip()
    if not outcome:
        raise InvalidInputError("Describe the outcome.", field="outcome")
    now = now or utcnow()
    # One proposal at a time: a second would overwrite the first unseen.
    taken = db.session.execute(
        update(Task).where(Task.id == task.id, Task.proposed_by_id.is_(None))
        .values(proposed_outcome=outcome, proposed_by_id=actor.id, proposed_at=now)
    ).rowcount
    if taken != 1:
        raise CoordinatorError("Someone has already proposed completing this task; "
                               "the initiator will answer it.")
    record_event(task.partnership_id, "completion_proposed", actor_id=actor.id,
                 task_id=task.id, working_group_id=task.working_group_id, now=now,
                 data={"outcome": outcome[:500]})
    db.session.refresh(task)


def decline_proposal(task: Task, actor: Membership, reason: str = "",
                     now: datetime | None = None) -> None:
    """The initiator says "not yet", or the proposer withdraws; the task stays open."""
    if actor.id not in (task.initiator_id, task.proposed_by_id):
        raise NotAllowedError("Only the initiator answers a proposal.")
    proposer = task.proposed_by_id
    cleared = db.session.execute(
        update(Task).where(Task.id == task.id, Task.proposed_by_id == proposer,
                           Task.proposed_by_id.is_not(None))
        .values(proposed_outcome="", proposed_by_id=None, proposed_at=None)
    ).rowcount
    if cleared != 1:
        raise CoordinatorError("There is no proposal waiting on this task.")
    kind = "completion_withdrawn" if actor.id == proposer else "completion_declined"
    record_event(task.partnership_id, kind, actor_id=actor.id, subject_id=proposer,
                 task_id=task.id, working_group_id=task.working_group_id, now=now,
                 data={"reason": reason.strip()[:280]})
    db.session.refresh(task)


def _close(task: Task, actor: Membership, status: str, note: str,
           now: datetime | None = None, by_coordinator: bool = False) -> None:
    changed = db.session.execute(
        update(Task)
        .where(Task.id == task.id, Task.status.in_(("open", "active")))
        .values(status=status, proposed_outcome="", proposed_by_id=None, proposed_at=None)
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
    data = {"note": note[:500], **({"by_coordinator": True} if by_coordinator else {})}
    record_event(task.partnership_id, kind, actor_id=actor.id, task_id=task.id,
                 working_group_id=task.working_group_id, data=data, now=now)
    db.session.refresh(task)


def _require_initiator(task: Task, actor: Membership,
                       message: str = "Only the task's initiator can do that.") -> None:
    if task.initiator_id != actor.id:
        raise NotAllowedError(message)


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
