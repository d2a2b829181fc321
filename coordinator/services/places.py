"""Quiet places on tasks: reminded by email, then given to the head of the waitlist.

The rule is in domain.places; this module finds the places, writes the steps as events
and sends the reminders. `sweep` owns its transaction: it commits the partnership's
steps, then queues the emails, so a reminder is never sent for a step that rolled back.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from ..domain.places import Place, Step, next_step, release_due
from ..errors import CoordinatorError, NotAllowedError, TaskClosedError
from ..extensions import db
from ..models import (
    Event,
    Membership,
    Participation,
    Partnership,
    Task,
    WaitlistEntry,
    utcnow,
)
from ..queue import SEND_EMAIL_JOB, enqueue
from .digests.message import one_line
from .events import record_event
from .joining import release_place

PLACE_EVENTS = ("place_reminded", "place_kept", "left", "handed_over", "completion_proposed",
                "completion_declined", "completion_withdrawn", "task_cancelled")


@dataclass
class Swept:
    reminded: list[tuple[int, int]] = field(default_factory=list)  # (task, member)
    released: list[tuple[int, int]] = field(default_factory=list)
    promoted: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class QuietPlace:
    participation: Participation
    release_from: datetime


def sweep(partnership_id: int, now: datetime | None = None) -> Swept:
    """Remind the holders of places quiet for the partnership's days; release those
    reminded a week ago when someone waits. Running it twice does nothing more."""
    now = now or utcnow()
    days = _days(partnership_id)
    swept = Swept()
    quiet = list(db.session.scalars(
        _quiet_places(partnership_id, now - timedelta(days=days))
        .options(joinedload(Participation.task), joinedload(Participation.membership)
                 .joinedload(Membership.user))))
    waiting = _tasks_with_waitlist({p.task_id for p in quiet})
    reminders = []
    for place in quiet:
        step = next_step(Place(place.last_active_at, place.reminded_at), now, days,
                         place.task_id in waiting)
        if step is Step.REMIND:
            earlier = place.reminded_at
            if _mark_reminded(place, now):
                reminders.append((place, earlier))
        elif step is Step.RELEASE:
            task, member_id = place.task, place.membership_id
            promoted = release_place(task, member_id, now)
            swept.released.append((task.id, member_id))
            if promoted is not None:
                swept.promoted.append((task.id, promoted))
    db.session.commit()
    # The mark claims the reminder (one sweep sends it, however many run); only a
    # reminder that went out is recorded. One the queue could not take is unmarked, so
    # the next sweep sends it: a place is never released without its warning.
    for place, earlier in reminders:
        if _send_reminder(place, release_due(Place(place.last_active_at, now), days), days):
            record_event(partnership_id, "place_reminded", subject_id=place.membership_id,
                         task_id=place.task_id, working_group_id=place.task.working_group_id,
                         now=now, data={"quiet_since": place.last_active_at.isoformat()})
            swept.reminded.append((place.task_id, place.membership_id))
        else:
            _unmark_reminded(place, now, earlier)
    if reminders:
        db.session.commit()
    return swept


def sweep_all(now: datetime | None = None, progress_bar=None) -> dict[str, int]:
    """Sweep every partnership, each in its own transaction, so one failure stops none of
    the others' reminders. `progress_bar(total)` gives a context manager with update(n)."""
    ids = list(db.session.scalars(select(Partnership.id).order_by(Partnership.id)))
    totals = {"reminded": 0, "released": 0}
    with progress_bar(len(ids)) if progress_bar else nullcontext() as bar:
        for partnership_id in ids:
            swept = sweep(partnership_id, now)
            totals["reminded"] += len(swept.reminded)
            totals["released"] += len(swept.released)
            if bar is not None:
                bar.update(1)
    return totals


def keep(task: Task, actor: Membership, member_id: int, now: datetime | None = None) -> None:
    """The initiator keeps a quiet person on the team: their clock starts again."""
    if task.initiator_id != actor.id:
        raise NotAllowedError("Only the task's initiator can keep someone's place.")
    if not task.is_joinable:
        raise TaskClosedError()
    if not db.session.scalar(select(Participation.id).where(
            Participation.task_id == task.id, Participation.membership_id == member_id,
            Participation.role == "contributor")):
        raise CoordinatorError("That person is not on the team any more.")
    record_event(task.partnership_id, "place_kept", actor_id=actor.id, subject_id=member_id,
                 task_id=task.id, working_group_id=task.working_group_id, now=now)


def quiet_on_task(task: Task, now: datetime | None = None) -> list[QuietPlace]:
    """The team's quiet places, for the initiator's page: who, and from when it can go."""
    now = now or utcnow()
    days = _days(task.partnership_id)
    places = db.session.scalars(
        select(Participation).where(
            Participation.task_id == task.id, Participation.role == "contributor",
            Participation.last_active_at <= now - timedelta(days=days))
        .options(joinedload(Participation.membership).joinedload(Membership.user))
        .order_by(Participation.last_active_at))
    return [QuietPlace(p, release_due(Place(p.last_active_at, p.reminded_at), days))
            for p in places]


def my_quiet_places(member: Membership, now: datetime | None = None) -> list[QuietPlace]:
    """The member's own quiet places, for "My work"."""
    now = now or utcnow()
    days = _days(member.partnership_id)
    places = db.session.scalars(
        _quiet_places(member.partnership_id, now - timedelta(days=days))
        .where(Participation.membership_id == member.id)
        .options(joinedload(Participation.task)))
    return [QuietPlace(p, release_due(Place(p.last_active_at, p.reminded_at), days))
            for p in places]


def my_place_news(member: Membership, limit: int = 10) -> list[Event]:
    """The steps taken on the member's own places lately, for "My work"."""
    # By the member alone (their partnership's by definition): with the partnership in
    # the condition, SQLite walks the partnership's whole event log by time instead of
    # the member's index.
    return list(db.session.scalars(
        select(Event).where(Event.subject_id == member.id,
                            Event.kind.in_(("place_reminded", "place_kept", "left")),
                            or_(Event.kind != "left",
                                Event.actor_id.is_(None)))  # "left" by the sweep only
        .options(joinedload(Event.task))
        .order_by(Event.occurred_at.desc(), Event.id.desc()).limit(limit)))


def history(task: Task, limit: int = 20) -> list[Event]:
    """What happened to the team's places, newest first, for the task page."""
    # By the task alone (its partnership's by definition), for the index on
    # (task_id, occurred_at): see my_place_news.
    return list(db.session.scalars(
        select(Event).where(Event.task_id == task.id, Event.kind.in_(PLACE_EVENTS))
        .order_by(Event.occurred_at.desc(), Event.id.desc()).limit(limit)))


def _quiet_places(partnership_id: int, quiet_before: datetime):
    return (select(Participation)
            .join(Task, Task.id == Participation.task_id)
            .where(Task.partnership_id == partnership_id,
                   Task.status.in_(("open", "active")),
                   Participation.role == "contributor",
                   Participation.last_active_at <= quiet_before)
            .order_by(Participation.id))


def _tasks_with_waitlist(task_ids: set[int]) -> set[int]:
    if not task_ids:
        return set()
    return set(db.session.scalars(select(WaitlistEntry.task_id).distinct()
                                  .where(WaitlistEntry.task_id.in_(task_ids))))


def _mark_reminded(place: Participation, now: datetime) -> bool:
    """Only one sweep reminds a place, however many run at once."""
    return db.session.execute(
        update(Participation)
        .where(Participation.id == place.id,
               or_(Participation.reminded_at.is_(None),
                   Participation.reminded_at < Participation.last_active_at))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)).rowcount == 1


def _unmark_reminded(place: Participation, now: datetime, earlier: datetime | None) -> None:
    db.session.execute(
        update(Participation)
        .where(Participation.id == place.id, Participation.reminded_at == now)
        .values(reminded_at=earlier)
        .execution_options(synchronize_session=False))


def _days(partnership_id: int) -> int:
    return db.session.scalar(select(Partnership.stale_place_days)
                             .where(Partnership.id == partnership_id))


def _send_reminder(place: Participation, release_from: datetime, days: int) -> bool:
    member, task = place.membership, place.task
    # Jobs run outside any request, where url_for knows no host.
    base = current_app.config["BASE_URL"].rstrip("/")
    link = f"{base}/p/{member.partnership.slug}/tasks/{task.id}"
    context = {"member": member, "task": task, "link": link, "days": days,
               "release_from": release_from}
    return enqueue(SEND_EMAIL_JOB, member.user.email, one_line(f"Still on “{task.title}”?"),
                   render_template("emails/place_reminder.txt", **context),
                   render_template("emails/place_reminder.html", **context))
