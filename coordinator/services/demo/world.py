"""The demo being built: its rows so far, its clock and its seeded random streams."""

from __future__ import annotations

import itertools
import random
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import event as orm_event

from ...extensions import db
from ...models import Membership, Organisation, Partnership, WorkingGroup

SEED = 2026


def stream(*parts) -> random.Random:
    """A reproducible random stream of its own, so editing one task leaves the rest alone."""
    return random.Random("/".join(str(part) for part in (SEED, *parts)))


def split_tags(text: str) -> list[str]:
    """The tags in a comma-separated list, blanks dropped."""
    return [tag.strip() for tag in text.split(",") if tag.strip()]


@contextmanager
def backdated(when: datetime):
    """Stamp the rows a service adds inside the block with `when`, for services that
    read the clock themselves (groups, profiles, cancelling)."""
    session = db.session()
    added = []

    def collect(_session, instance) -> None:
        added.append(instance)

    orm_event.listen(session, "transient_to_pending", collect)
    try:
        yield
    finally:
        orm_event.remove(session, "transient_to_pending", collect)
    for row in added:
        for attribute in ("occurred_at", "joined_at", "created_at"):
            if hasattr(row, attribute):
                setattr(row, attribute, when)


class World:
    """State shared by the seeding steps; `rng` and `work_rng` are swapped per group/task."""

    def __init__(self, now: datetime) -> None:
        self.now = now.astimezone(UTC)
        self.today = self.now.date()
        self.rng = stream("members")
        self.work_rng = stream("work")
        self.seq = itertools.count()
        self.partnership: Partnership
        self.orgs: dict[str, Organisation] = {}
        self.members: dict[str, Membership] = {}
        self.info: dict[str, tuple] = {}  # key -> its MEMBERS row
        self.tagsets: dict[str, set[str]] = {}
        self.groups: dict[str, WorkingGroup] = {}
        self.ever_in: dict[str, set[str]] = {}

    def at(self, days_ago: int, hour: int = 9, minute: int = 0) -> datetime:
        """A moment on an earlier calendar day than `now`, so always in the past."""
        if days_ago < 1:
            raise ValueError("demo history ends the day before `now`")
        day = self.today - timedelta(days=days_ago)
        return datetime.combine(day, time(hour, minute), tzinfo=UTC)

    def days_ago(self, moment: datetime) -> int:
        """Whole calendar days between `moment` and today."""
        return (self.today - moment.date()).days

    def tier(self, key: str) -> str:
        """The power tier of a member's organisation."""
        return self.orgs[self.info[key][2]].tier
