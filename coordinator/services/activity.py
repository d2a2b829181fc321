"""Work logs, joint activities and comments."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..domain.text import render_markdown
from ..errors import InvalidInputError, NotAllowedError, TaskClosedError
from ..extensions import db
from ..models import (
    ACTIVITY_KINDS,
    Comment,
    GroupMember,
    JointActivity,
    Membership,
    Participation,
    Task,
    WorkingGroup,
    WorkLog,
    utcnow,
)
from .directory import (
    Colleague,
    colleague_query,
    colleagues,
    colleagues_by_id,
    find_colleagues,
)
from .events import record_event

TEAM_SHOWN = 50  # a working group can be large: its first members by name are offered


def log_work(task: Task, member: Membership, hours: float, worked_on: date, note: str = "",
             now: datetime | None = None) -> WorkLog:
    if not 0.25 <= hours <= 24:
        raise InvalidInputError("Log between 0.25 and 24 hours per entry.", field="hours")
    # A day later than today anywhere on Earth has not happened yet.
    if worked_on > (now or utcnow()).date() + timedelta(days=1):
        raise InvalidInputError("Log work on a day that has happened.", field="worked_on")
    oldest = current_app.config["WORK_LOG_MAX_AGE_DAYS"]
    if worked_on < (now or utcnow()).date() - timedelta(days=oldest):
        raise InvalidInputError(f"Log work of the last {oldest} days.", field="worked_on")
    if not _is_on_task(task, member):
        raise NotAllowedError("Join the task before logging work on it.")
    if task.status == "cancelled":
        raise TaskClosedError("This task was cancelled.")
    entry = WorkLog(partnership_id=task.partnership_id, task_id=task.id,
                    membership_id=member.id, hours=hours, worked_on=worked_on,
                    note=note.strip(), created_at=now or utcnow())
    db.session.add(entry)
    db.session.flush()
    record_event(task.partnership_id, "work_logged", actor_id=member.id, task_id=task.id,
                 working_group_id=task.working_group_id, now=now,
                 data={"hours": hours, "worked_on": worked_on.isoformat(),
                       "work_log_id": entry.id})
    return entry


@dataclass
class ActivityInput:
    kind: str
    title: str
    occurred_at: datetime
    duration_minutes: int
    attendee_ids: list[int]
    task_id: int | None = None
    working_group_id: int | None = None


def record_activity(author: Membership, data: ActivityInput) -> JointActivity:
    """Record a meeting, workshop or call; attendees must be members of this partnership."""
    if data.kind not in ACTIVITY_KINDS:
        raise InvalidInputError("Choose a meeting, a workshop or a call.", field="kind")
    if not data.title.strip():
        raise InvalidInputError("Give the activity a title.", field="title")
    if not 5 <= data.duration_minutes <= 24 * 60:
        raise InvalidInputError("Give a duration between 5 minutes and a day.",
                                field="duration_minutes")
    if data.occurred_at > utcnow() + timedelta(days=1):
        raise InvalidInputError("Record an activity that has taken place.",
                                field="occurred_at")
    if (data.task_id is None) == (data.working_group_id is None):
        raise InvalidInputError("Link the activity to a task or a working group.", field="link")
    _check_in_partnership(Task, data.task_id, author.partnership_id, "task_id")
    _check_in_partnership(WorkingGroup, data.working_group_id, author.partnership_id,
                          "working_group_id")
    ids = set(data.attendee_ids) | {author.id}
    attendees = list(db.session.scalars(select(Membership).where(
        Membership.id.in_(ids), Membership.partnership_id == author.partnership_id)))
    if len(attendees) != len(ids):
        raise InvalidInputError("Choose attendees from this partnership.", field="attendee_ids")
    activity = JointActivity(
        partnership_id=author.partnership_id, kind=data.kind, title=data.title.strip(),
        occurred_at=data.occurred_at, duration_minutes=data.duration_minutes,
        task_id=data.task_id, working_group_id=data.working_group_id,
        created_by_id=author.id, attendees=attendees,
    )
    db.session.add(activity)
    db.session.flush()
    record_event(author.partnership_id, "activity_recorded", actor_id=author.id,
                 task_id=data.task_id, working_group_id=data.working_group_id,
                 now=data.occurred_at,
                 data={"activity_id": activity.id, "kind": data.kind,
                       "minutes": data.duration_minutes,
                       "attendee_ids": sorted(ids)})
    return activity


def add_comment(task: Task, member: Membership, body: str,
                now: datetime | None = None) -> Comment:
    body = body.strip()
    if not body:
        raise InvalidInputError("Write something first.", field="body")
    if len(body) > 5000:
        raise InvalidInputError("Keep comments under 5,000 characters.", field="body")
    comment = Comment(task_id=task.id, membership_id=member.id, body=body,
                      body_html=render_markdown(body), created_at=now or utcnow())
    db.session.add(comment)
    db.session.flush()
    record_event(task.partnership_id, "commented", actor_id=member.id, task_id=task.id,
                 working_group_id=task.working_group_id, now=now,
                 data={"comment_id": comment.id})
    return comment


def _is_on_task(task: Task, member: Membership) -> bool:
    return db.session.scalar(select(Participation.id).where(
        Participation.task_id == task.id, Participation.membership_id == member.id)) is not None


def _check_in_partnership(model, object_id: int | None, partnership_id: int, field: str):
    if object_id is None:
        return
    obj = db.session.get(model, object_id)
    if obj is None or obj.partnership_id != partnership_id:
        raise InvalidInputError("Choose one from this partnership.", field=field)


LINK_TASKS = 500  # open tasks offered in the activity form's list


def link_targets(partnership_id: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """What an activity can be linked to: (id, name) of the working groups, and of the
    open tasks, each by name."""
    groups = db.session.execute(select(WorkingGroup.id, WorkingGroup.name)
                                .where(WorkingGroup.partnership_id == partnership_id)
                                .order_by(WorkingGroup.name))
    tasks = db.session.execute(
        select(Task.id, Task.title).where(Task.partnership_id == partnership_id,
                                          Task.status.in_(("open", "active")))
        .order_by(Task.title).limit(LINK_TASKS))
    return [tuple(row) for row in groups], [tuple(row) for row in tasks]


@dataclass(frozen=True)
class AttendeeOffer:
    """Who the activity form offers as attendees: those already chosen, the task's team
    or the group's members, and the matches of a search; each person once."""

    chosen: list[Colleague]
    team: list[Colleague]
    matches: list[Colleague]

    @property
    def everyone(self) -> list[Colleague]:
        return [*self.chosen, *self.team, *self.matches]


def attendee_offer(author: Membership, chosen_ids: list[int], q: str = "",
                   task_id: int | None = None,
                   working_group_id: int | None = None) -> AttendeeOffer:
    """The attendees to list on the activity form, in a fixed number of queries; only
    members of the author's partnership, never the author (who attends anyway)."""
    partnership_id = author.partnership_id
    chosen = [c for c in colleagues_by_id(partnership_id, chosen_ids) if c.id != author.id]
    seen = {c.id for c in chosen} | {author.id}
    team = [c for c in likely_attendees(partnership_id, task_id, working_group_id)
            if c.id not in seen]
    seen |= {c.id for c in team}
    matches = [c for c in find_colleagues(partnership_id, q, besides=author.id)
               if c.id not in seen]
    return AttendeeOffer(chosen, team, matches)


def likely_attendees(partnership_id: int, task_id: int | None,
                     working_group_id: int | None) -> list[Colleague]:
    """The task's team, or the working group's members (the first TEAM_SHOWN), by name."""
    if task_id is not None:
        people = select(Participation.membership_id).where(Participation.task_id == task_id)
    elif working_group_id is not None:
        people = select(GroupMember.membership_id).where(
            GroupMember.working_group_id == working_group_id)
    else:
        return []
    return colleagues(colleague_query(partnership_id).where(Membership.id.in_(people))
                      .limit(TEAM_SHOWN))
