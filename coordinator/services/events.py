"""The append-only event log that measures are computed from."""

from datetime import datetime

from ..extensions import db
from ..models import Event, utcnow
from .dirty import mark_dirty

# Changes the knowledge map (vectors, team ties) depends on.
MAP_CHANGES = frozenset({"joined", "left", "task_completed", "activity_recorded",
                         "members_imported", "profile_updated"})


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
    return event
