"""The append-only event log that measures are computed from."""

from datetime import datetime

from ..extensions import db
from ..models import Event, utcnow


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
    return event
