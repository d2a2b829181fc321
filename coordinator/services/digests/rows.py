"""The sender's statements on the outbox table: claims, the submit, and settling rows.

Each row moves through its states under a fencing token, the attempt number its claim
wrote: a second sender claiming the row (a retry racing a re-queue, or the CLI) takes a
higher number, and only the holder of the latest number may move the row on.

Statements run on the table itself: a batch runs them thousands of times, and the ORM's
bulk-update machinery would cost more than the database does. Every commit happens here,
so what the outbox spends on its own bookkeeping is what these functions take.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from sqlalchemy import and_, bindparam, exists, false, or_, select, update

from coordinator.database import commit_without_waiting_for_disk
from coordinator.extensions import db
from coordinator.models import DigestDelivery, DigestPreference

ROWS = DigestDelivery.__table__
PREFS = DigestPreference.__table__

CLAIMED = ("rendering",)
# A sender that handed the message over may still settle the row after another sender,
# finding it `submitting`, called it unknown: it is the one that heard the server.
HANDED = ("submitting", "unknown")
INTERRUPTED = ("interrupted after handing the message to the SMTP server; not sent again, "
               "to never send twice")

# The member stopped this kind of digest since the row was planned (the one-click link).
LEFT_THE_LIST = exists().where(
    PREFS.c.membership_id == ROWS.c.membership_id,
    or_(and_(ROWS.c.kind == "coordinator", PREFS.c.alerts == false()),
        and_(ROWS.c.kind != "coordinator", PREFS.c.frequency == "off")))
SUBMIT = (update(ROWS)
          .where(ROWS.c.id == bindparam("row"), ROWS.c.status == "rendering",
                 ROWS.c.attempts == bindparam("mine"), ~LEFT_THE_LIST))


@dataclass(frozen=True)
class Move:
    """A row this sender holds (`mine`, in one of `states`), to be given `values`."""

    row: int
    mine: int
    states: tuple[str, ...]
    values: dict = field(hash=False)


def claim(ids: list[int]) -> dict[int, int]:
    """Claim the rows that are pending (or left rendering) in one conditional UPDATE: the
    attempt number each claim wrote, by row. Rows someone else has, or had, are absent."""
    claimed = dict(db.session.execute(
        update(ROWS).where(ROWS.c.id.in_(ids), ROWS.c.status.in_(("pending", "rendering")))
        .values(status="rendering", attempts=ROWS.c.attempts + 1)
        .returning(ROWS.c.id, ROWS.c.attempts)).all())
    commit_without_waiting_for_disk()  # a lost claim is claimed again
    return claimed


def release(claimed: dict[int, int]) -> None:
    """Give back claims never acted on (the server cannot be reached): pending as before,
    with the attempt not counted. Durable, like every return to pending."""
    if claimed:
        db.session.execute(
            update(ROWS).where(ROWS.c.id == bindparam("row"),
                               ROWS.c.attempts == bindparam("mine"),
                               ROWS.c.status == "rendering")
            .values(status="pending", attempts=ROWS.c.attempts - 1),
            [{"row": row, "mine": mine} for row, mine in claimed.items()])
    db.session.commit()


def submit(row: int, mine: int, at: datetime, summary: dict, message_id: str,
           moves: list[Move]) -> bool:
    """Commit the row as `submitting`, with the `moves` settled so far riding along, and
    wait for the disk: the server must not hear of a message the database could forget.
    False when the row is no longer this sender's, or its member left the list."""
    settle(moves, commit=False)
    moved = db.session.execute(SUBMIT.values(
        status="submitting", submitted_at=at, summary=summary, message_id=message_id),
        {"row": row, "mine": mine}).rowcount
    db.session.commit()
    return bool(moved)


def still_mine(row: int, mine: int) -> bool:
    """After a submit that moved nothing: True when the row is still this sender's (so its
    member left the list), False when another sender took it over."""
    found = db.session.execute(select(ROWS.c.status, ROWS.c.attempts)
                               .where(ROWS.c.id == row)).first()
    return found is not None and (found.status, found.attempts) == ("rendering", mine)


def settle(moves: list[Move], *, commit: bool = True, durable: bool = False) -> None:
    """Write `moves` (and empty the list): one executemany per kind of move; a sender that
    lost a row changes nothing of it. Unless `durable`, losing this in a database crash
    leaves the rows where they are redone (rendering) or read as unknown (submitting)."""
    for (states, names), same in groupby(sorted(moves, key=_shape), key=_shape):
        db.session.execute(
            update(ROWS).where(ROWS.c.id == bindparam("row"),
                               ROWS.c.attempts == bindparam("mine"),
                               # no IN: its expanding parameter cannot be executemany'd
                               or_(*(ROWS.c.status == state for state in states)))
            .values({name: bindparam(f"new_{name}", type_=ROWS.c[name].type)
                     for name in names}),
            [{"row": m.row, "mine": m.mine, **{f"new_{k}": v for k, v in m.values.items()}}
             for m in same])
    moves.clear()
    if not commit:
        return
    if durable:
        db.session.commit()
    else:
        commit_without_waiting_for_disk()


def _shape(move: Move) -> tuple:
    return move.states, tuple(sorted(move.values))


def not_claimed(ids: list[int]) -> dict[int, str]:
    """The status of rows another sender has, or had, as found; a row found `submitting`
    (its sender died, or is still talking to the server) is made `unknown`. A live sender
    that then hears back from the server still settles it (`HANDED`)."""
    statuses = dict(db.session.execute(
        select(ROWS.c.id, ROWS.c.status).where(ROWS.c.id.in_(ids))).all())
    submitting = [row for row, status in statuses.items() if status == "submitting"]
    if submitting:
        db.session.execute(update(ROWS).where(ROWS.c.id.in_(submitting),
                                              ROWS.c.status == "submitting")
                           .values(status="unknown", last_error=INTERRUPTED))
        commit_without_waiting_for_disk()
    return statuses
