"""Marking a partnership's knowledge map as out of date.

Services call mark_dirty(); the stamp itself is written just before the transaction
commits, so every transaction touches the partnership row last (a fixed lock order on
PostgreSQL) and once, however many changes it holds. After the commit, queue.py asks
for a recompute of each partnership marked.
"""

from sqlalchemy import update

from ..extensions import db
from ..models import Partnership, utcnow

DIRTY = "dirty_partnerships"
COMMITTED = "recompute_due"


def mark_dirty(partnership_id: int) -> None:
    db.session.info.setdefault(DIRTY, set()).add(partnership_id)


def stamp_before_commit(session) -> None:
    dirty = session.info.get(DIRTY)
    if dirty:
        session.execute(update(Partnership).where(Partnership.id.in_(sorted(dirty)))
                        .values(recompute_requested_at=utcnow()))


def move_after_commit(session) -> None:
    dirty = session.info.pop(DIRTY, None)
    if dirty:
        session.info.setdefault(COMMITTED, set()).update(dirty)


def forget_after_rollback(session, previous_transaction=None) -> None:
    session.info.pop(DIRTY, None)


def take_committed() -> set[int]:
    """Partnerships changed by transactions committed since the last call."""
    return db.session.info.pop(COMMITTED, set())
