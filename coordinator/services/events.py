"""The append-only event log that measures are computed from."""

from datetime import datetime

from sqlalchemy import update

from ..extensions import db
from ..models import Event, Participation, utcnow
from .dirty import mark_dirty

# Changes the knowledge map (vectors, team ties) depends on.
MAP_CHANGES = frozenset({"joined", "left", "task_completed", "activity_recorded",
                         "members_imported", "profile_updated"})
# Being active on a task, for the clock of stale places (services.places): logging work,
# commenting, editing, attending a meeting of the task, or being kept by the initiator.
TASK_ACTIVITY = frozenset({"work_logged", "commented", "task_edited", "activity_recorded",
                           "place_kept"})


def record_event(
    partnership_id: int,
    kind: str,
    *,
    actor_id: int | None = None,
    subject_id: int | None = None,
    task_id: int | None = None,
    working_group_id: int | None = None,
    data: dict | None = None,
    now: datetime | None = None,
) -> Event:
    event = Event(
        partnership_id=partnership_id,
        kind=kind,
        actor_id=actor_id,
        subject_id=subject_id,
        task_id=task_id,
        working_group_id=working_group_id,
        data=data or {},
        occurred_at=now or utcnow(),
    )
    db.session.add(event)
    if kind in MAP_CHANGES:
        mark_dirty(partnership_id)
    if task_id is not None and kind in TASK_ACTIVITY:
        _mark_active(task_id, _active_people(kind, actor_id, subject_id, event.data),
                     event.occurred_at)
    return event


def _active_people(kind: str, actor_id: int | None, subject_id: int | None,
                   data: dict) -> set[int]:
    if kind == "activity_recorded":
        return set(data.get("attendee_ids", ()))
    if kind == "place_kept":
        return {subject_id} if subject_id else set()
    return {actor_id} if actor_id else set()


def _mark_active(task_id: int, member_ids: set[int], at: datetime) -> None:
    """Restart the quiet clock of these people's places; a pending reminder is answered."""
    if not member_ids:
        return
    db.session.execute(
        update(Participation)
        .where(Participation.task_id == task_id, Participation.membership_id.in_(member_ids),
               Participation.last_active_at < at)
        .values(last_active_at=at, reminded_at=None)
        .execution_options(synchronize_session=False))
