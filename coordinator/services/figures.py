"""The latest evaluation's figures for the health and power pages, stored by each
evaluation so a page reads one row however large the partnership.

A page of a partnership that no evaluation has measured yet (or measured with an older
shape of the documents) measures it on the spot, as the evaluation would.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import LatestFigures

VERSION = 1  # raise when the documents change shape


def store(partnership_id: int, now: datetime, health: dict, power: dict) -> None:
    row = db.session.get(LatestFigures, partnership_id)
    if row is None:
        row = LatestFigures(partnership_id=partnership_id)
        db.session.add(row)
    row.measured_at, row.version, row.health, row.power = now, VERSION, health, power


def latest(partnership_id: int, part: str) -> tuple[dict, datetime] | None:
    """The stored `part` ("health" or "power") and when it was measured, if current."""
    column = getattr(LatestFigures, part)
    row = db.session.execute(select(column, LatestFigures.measured_at).where(
        LatestFigures.partnership_id == partnership_id,
        LatestFigures.version == VERSION)).first()
    return None if row is None else (row[0], row[1])
