"""The partnership's contingency profile: save a scoring, read the latest, keep them all."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select

from coordinator.domain.power.contingency import validate_scores
from coordinator.errors import InvalidInputError
from coordinator.extensions import db
from coordinator.models import ContingencyProfile, Membership, Partnership, utcnow

HISTORY_SHOWN = 20


def latest(partnership_id: int) -> ContingencyProfile | None:
    return db.session.scalar(
        select(ContingencyProfile).where(ContingencyProfile.partnership_id == partnership_id)
        .order_by(ContingencyProfile.id.desc()).limit(1))


def history(partnership_id: int) -> list[ContingencyProfile]:
    return list(db.session.scalars(
        select(ContingencyProfile).where(ContingencyProfile.partnership_id == partnership_id)
        .order_by(ContingencyProfile.id.desc()).limit(HISTORY_SHOWN)))


def save(partnership: Partnership, actor: Membership, raw: Mapping[str, object],
         note: str = "", now: datetime | None = None) -> ContingencyProfile:
    """A new row per save (the history); nothing is stored when any score is invalid, and
    InvalidInputError names every bad one."""
    scores, errors = validate_scores(raw)
    if errors:
        raise InvalidInputError(errors=errors)
    row = ContingencyProfile(partnership_id=partnership.id, actor_id=actor.id,
                             at=now or utcnow(), scores=scores, note=note.strip()[:500])
    db.session.add(row)
    db.session.flush()
    return row
