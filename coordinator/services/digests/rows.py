"""The sender's statements on the outbox table: claims, the submit, and settling rows.

Each row moves through its states under a fencing token, the attempt number its claim
wrote: a second sender claiming the row (a retry racing a re-queue, or the CLI) takes a
higher number, and only the holder of the latest number may move the row on.

Statements run on the table itself, each for a group of rows: the ORM's bulk-update
machinery would cost more than the database does. Every commit of a sender happens here,
so what the outbox spends on its own bookkeeping is what these functions take.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from sqlalchemy import and_, bindparam, exists, false, or_, select, tuple_, update

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
    """Give back claims never acted on, rows never handed over (the server cannot be
    reached): pending as before, the attempt not counted. Durable, as every return to
    pending is: lost, a `submitting` row would read as unknown and never go out."""
    if claimed:
        db.session.execute(
            update(ROWS).where(ROWS.c.id == bindparam("row"),
                               ROWS.c.attempts == bindparam("mine"),
                               or_(ROWS.c.status == "rendering", ROWS.c.status == "submitting"))
            .values(status="pending", attempts=ROWS.c.attempts - 1, submitted_at=None),
            [{"row": row, "mine": mine} for row, mine in claimed.items()])
    db.session.commit()


def submit(ready: dict[int, tuple[int, dict, str]], at: datetime,
           moves: list[Move]) -> set[int]:
    """Commit rows as `submitting` in one statement, the `moves` settled so far riding
    along, and wait for the disk: the server must not hear of a message the database
    could forget. `ready` maps each row to (its claim's attempt number, summary,
    Message-ID). The rows moved: those still this sender's whose member is still on the
    list."""
    settle(moves, commit=False)
    moved = set(db.session.execute(
        update(ROWS).where(tuple_(ROWS.c.id, ROWS.c.attempts).in_(
                               [(row, mine) for row, (mine, _, _) in ready.items()]),
                           ROWS.c.status == "rendering", ~LEFT_THE_LIST)
        .values(status="submitting", submitted_at=at)
        .returning(ROWS.c.id)).scalars())
    if moved:
        db.session.execute(
            update(ROWS).where(ROWS.c.id == bindparam("row"))
            .values(summary=bindparam("new_summary", type_=ROWS.c.summary.type),
                    message_id=bindparam("new_message_id")),
            [{"row": row, "new_summary": ready[row][1], "new_message_id": ready[row][2]}
             for row in sorted(moved)])
    db.session.commit()
    return moved


def still_mine(claimed: dict[int, int]) -> set[int]:
    """Of rows a submit did not move, those still this sender's (their member left the
    list meanwhile); the others were taken over by another sender."""
    found = db.session.execute(select(ROWS.c.id, ROWS.c.status, ROWS.c.attempts)
                               .where(ROWS.c.id.in_(list(claimed)))).all()
    return {row.id for row in found
            if (row.status, row.attempts) == ("rendering", claimed[row.id])}


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


def interrupted(submitted_before: datetime) -> int:
    """Rows left `submitting` by a process that died with no retry to come (no Redis):
    unknown, never sent again."""
    return db.session.execute(
        update(ROWS).where(ROWS.c.status == "submitting",
                           ROWS.c.submitted_at < submitted_before)
        .values(status="unknown", last_error=INTERRUPTED)).rowcount


def give_up(due_before: datetime, attempts: int) -> int:
    """Rows whose sender died while rendering them, again and again (a digest too big for
    the machine, say): failed, with the reason, instead of being queued forever."""
    return db.session.execute(
        update(ROWS).where(ROWS.c.status == "rendering", ROWS.c.attempts >= attempts,
                           ROWS.c.due_at <= due_before)
        .values(status="failed", last_error=f"gave up after {attempts} attempts that "
                                            "never finished rendering")).rowcount
