"""When a quiet place on a task gets a reminder, and when it goes to someone waiting.

A place is quiet once its holder has done nothing on the task (logged work, commented,
edited, attended a meeting of it) for the partnership's `days`. The first quiet sweep
sends a reminder; the place is released only a full `GRACE` after that reminder, so
nobody loses a place without a week's notice, however long the sweeps were down. It is
released only when someone is waiting for it: with nobody kept out, taking a person off a
team gains nobody anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

GRACE = timedelta(days=7)
DAYS_RANGE = (7, 180)
DEFAULT_DAYS = 21


class Step(Enum):
    NONE = "none"
    REMIND = "remind"
    RELEASE = "release"


@dataclass(frozen=True)
class Place:
    last_active_at: datetime
    reminded_at: datetime | None


def next_step(place: Place, now: datetime, days: int, someone_waiting: bool) -> Step:
    if now - place.last_active_at < timedelta(days=days):
        return Step.NONE
    if place.reminded_at is None or place.reminded_at < place.last_active_at:
        return Step.REMIND
    if someone_waiting and now - place.reminded_at >= GRACE:
        return Step.RELEASE
    return Step.NONE


def release_due(place: Place, days: int) -> datetime:
    """The earliest moment the place can be released, as shown to its holder."""
    quiet_from = place.last_active_at + timedelta(days=days)
    reminded = place.reminded_at if place.reminded_at and \
        place.reminded_at >= place.last_active_at else quiet_from
    return max(quiet_from, reminded) + GRACE


def is_abandoned(last_activity: datetime, now: datetime, days: int) -> bool:
    """Nobody on the task, initiator included, has been active on it for as long as it
    takes a quiet place to be released: a coordinator may then cancel it."""
    return now - last_activity >= timedelta(days=days) + GRACE
