"""The digest outbox: plan what is due, and send each planned digest at most once.

Unlike other services this one owns its transactions: every state a row moves through is
committed before the next step starts, so that a crash anywhere leaves a row that is
either redone safely or known to be in doubt. The planner and sender jobs and `flask
send-digests` call `plan_due` and `send_queued` (the command through
services.digests.due).

A send job takes a batch of one partnership's rows: the partnership's open tasks and
knowledge map are read once per batch, the rows' members and activity a page at a time,
and one SMTP connection carries the batch. Rows go through their states GROUP at a time,
each statement written for the whole group:

pending → rendering: claimed by one conditional UPDATE, safe to redo after a crash.
rendering → skipped: nothing worth saying, or the member left the list.
rendering → submitting: committed, on disk, *before* the server hears of the first of
  them; how the rows before ended rides along in that commit.
submitting → sent: the server accepted it; written for the group once it is through.
A 4xx reply puts the row back to pending at once; a refused connection leaves the rest
of the batch pending too, their claims given back (RQ retries the job; rows already
handled are passed over by their claim); a 5xx refusal or a refused recipient marks that
row failed. A row found in `submitting` by a retry means a crash after the server may
have taken the message: it becomes `unknown` and is never sent again. So a sender that
dies mid-group leaves that group's rows, at most GROUP, in doubt: never sent twice, and
some of them, those not yet handed over, not sent at all.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError

from coordinator import mail
from coordinator.domain.fair_order import round_robin
from coordinator.extensions import db
from coordinator.models import DigestDelivery, utcnow
from coordinator.services.digests import rows
from coordinator.services.digests.batch import Batch
from coordinator.services.digests.message import build_digest
from coordinator.services.digests.pages import Page, kept_across_commits, summary
from coordinator.services.digests.planner import plan

log = logging.getLogger(__name__)


class TryAgainLater(Exception):
    """The SMTP server said "not now", or could not be reached (`unreachable`): the row is
    pending again; RQ retries the job."""

    def __init__(self, reason: str, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.unreachable = unreachable


ALREADY = "already handled"


@dataclass(frozen=True)
class Outcome:
    status: str
    detail: str = ""


JOB_ROWS = 500
# Rows claimed by one statement and committed `submitting` by one more, before the first
# of them goes out: a sender dying mid-group leaves at most this many in doubt.
GROUP = 20
STUCK_AFTER = timedelta(minutes=15)
GIVE_UP_AFTER = 5  # claims of one row that never got past rendering


@dataclass(frozen=True)
class Planned:
    """What `plan_due` did: rows planned per kind and rows written off, and the pending
    rows to send, as (row id, attempts so far) in batches of one partnership each."""

    counts: dict[str, int]
    batches: list[list[tuple[int, int]]]


def plan_due(moment: datetime) -> Planned:
    """Insert what is due, write off rows left in doubt, and list what is to be sent.

    Rows still pending from earlier runs (the queue was down, or a server kept saying
    "not now" past RQ's retries) are listed again; so are rows a sender died rendering
    once RQ gave up on it, as rendering is safe to redo. The claim keeps each to once. A
    batch holds one partnership's rows, at most JOB_ROWS, so it reads the partnership once;
    the partnerships' batches take turns in the list (domain.fair_order).
    """
    planned = plan(moment)
    stuck = rows.interrupted(submitted_before=moment - STUCK_AFTER)
    given_up = rows.give_up(due_before=moment - STUCK_AFTER, attempts=GIVE_UP_AFTER)
    db.session.commit()
    pending = db.session.execute(
        select(DigestDelivery.partnership_id, DigestDelivery.id, DigestDelivery.attempts)
        .where(DigestDelivery.due_at <= moment,
               or_(DigestDelivery.status == "pending",
                   (DigestDelivery.status == "rendering")
                   & (DigestDelivery.due_at <= moment - STUCK_AFTER)))
        .order_by(DigestDelivery.partnership_id, DigestDelivery.id)).all()
    per_partnership = []
    for _, same in groupby(pending, key=lambda row: row.partnership_id):
        listed = [(row.id, row.attempts) for row in same]
        per_partnership.append([listed[start:start + JOB_ROWS]
                                for start in range(0, len(listed), JOB_ROWS)])
    # Taking turns: a small partnership's digests wait behind one batch of a big one.
    batches = round_robin(per_partnership)
    counts = {**planned.planned, **({"marked unknown": stuck} if stuck else {}),
              **({"given up": given_up} if given_up else {})}
    return Planned(counts, batches)


def send_queued(delivery_ids: list[int], deadline: float | None = None) -> dict[str, int]:
    """A batch of rows a job was given, over one SMTP connection and one read of the
    partnership; the counts of what became of them.

    Raises TryAgainLater (so RQ retries the job) when any row went back to pending; on the
    retry the rows already handled are passed over by their claim.
    """
    with Batch() as batch:
        outcomes = send_batch(delivery_ids, batch=batch, deadline=deadline)
    later = [o.detail for o in outcomes.values() if o.status == "pending"]
    if later:
        raise TryAgainLater(f"{len(later)} digest(s) to try again: {later[0]}")
    return dict(Counter(o.detail if o.detail == ALREADY else o.status
                        for o in outcomes.values()))


def send_batch(delivery_ids: list[int], now: datetime | None = None,
               batch: Batch | None = None,
               progress: Callable[[int], None] | None = None,
               deadline: float | None = None) -> dict[int, Outcome]:
    """Send rows in order, reading what they need a page at a time and claiming them a
    group at a time. A row the server answered "not now" is `pending` again and the batch
    goes on. When the server cannot be reached at all, or the `deadline`
    (time.monotonic()) has passed when a group is to be claimed, the batch stops there
    and the rest stay `pending`. The caller closes the `batch` it passes."""
    now = now or utcnow()
    if batch is None:
        with Batch() as own:
            return send_batch(delivery_ids, now, own, progress, deadline)
    outcomes: dict[int, Outcome] = {}
    with kept_across_commits():
        for start in range(0, len(delivery_ids), Page.SIZE):
            ids = delivery_ids[start:start + Page.SIZE]
            page = Page(ids, now, batch)
            for group in _groups(ids, page):
                if deadline is not None and time.monotonic() > deadline:
                    stop = "out of time; the job's retry goes on"
                else:
                    stop = _send_group(group, now, page, outcomes, progress)
                if stop is not None:
                    outcomes.update((i, Outcome("pending", f"not tried: {stop}"))
                                    for i in delivery_ids if i not in outcomes)
                    return outcomes
    return outcomes


def send(delivery_id: int, now: datetime | None = None, batch: Batch | None = None) -> Outcome:
    """One row; raises TryAgainLater when the server says "not now" or cannot be reached."""
    outcome = send_batch([delivery_id], now, batch)[delivery_id]
    if outcome.status == "pending":
        raise TryAgainLater(outcome.detail)
    return outcome


def _groups(ids: list[int], page: Page) -> Iterator[list[int]]:
    """GROUP rows at a time, in order. A row found `rendering` (its sender died on it, or
    is still at it) makes a group of its own: a digest that kills its sender then uses up
    no other row's attempts (GIVE_UP_AFTER). A member's second row of a kind (a period
    that waited) starts a new group: it tells only what the first did not."""
    group: list[int] = []
    told: set[tuple[int, str] | None] = set()
    for delivery_id in ids:
        row = page.deliveries.get(delivery_id)
        alone = row is not None and row.status == "rendering"
        key = (row.membership_id, row.kind) if row is not None else None
        if group and (alone or len(group) == GROUP or (key is not None and key in told)):
            yield group
            group, told = [], set()
        group.append(delivery_id)
        told.add(key)
        if alone:
            yield group
            group, told = [], set()
    if group:
        yield group


def _send_group(ids: list[int], now: datetime, page: Page, outcomes: dict[int, Outcome],
                progress: Callable[[int], None] | None) -> str | None:
    """Claim `ids` in one statement, put their digests together, commit those to send as
    `submitting` in one statement, then hand them to the server one by one; outcomes into
    `outcomes`, and why the batch must stop, if it must."""
    def done(delivery_id: int, outcome: Outcome) -> None:
        outcomes[delivery_id] = outcome
        if progress:
            progress(1)

    moves: list[rows.Move] = []
    claimed, ready = _claim_and_put_together(ids, now, page, moves, done)
    if not ready:
        rows.settle(moves)
        return None
    try:
        _connect(page.batch)
    except TryAgainLater as down:
        first = next(iter(ready))
        moves.append(rows.Move(first, claimed[first], rows.CLAIMED, {
            "status": "pending", "last_error": str(down)[:500]}))
        outcomes[first] = Outcome("pending", str(down))
        rows.settle(moves, commit=False)
        rows.release({i: claimed[i] for i in ready if i != first})
        return str(down)
    submitted = rows.submit({i: (claimed[i], summary(content), message["Message-ID"])
                             for i, (message, content) in ready.items()}, now, moves)
    left = rows.still_mine({i: claimed[i] for i in ready if i not in submitted}
                           ) if len(submitted) < len(ready) else set()
    for delivery_id, (message, _) in ready.items():
        mine = claimed[delivery_id]
        if delivery_id in left:  # the member left the list since the page was read
            moves.append(rows.Move(delivery_id, mine, rows.CLAIMED, {
                "status": "skipped", "last_error": "unsubscribed"}))
            done(delivery_id, Outcome("skipped", "unsubscribed"))
        elif delivery_id not in submitted:
            done(delivery_id, Outcome("taken over", "another sender claimed this digest"))
        else:
            try:
                done(delivery_id, _deliver(delivery_id, mine, now, page, message, moves))
            except TryAgainLater as down:  # the rest were never handed over
                outcomes[delivery_id] = Outcome("pending", str(down))
                rows.settle(moves, commit=False)
                rows.release({i: claimed[i] for i in submitted if i not in outcomes})
                return str(down)
    rows.settle(moves)
    return None


def _claim_and_put_together(ids: list[int], now: datetime, page: Page,
                            moves: list[rows.Move], done: Callable[[int, Outcome], None]
                            ) -> tuple[dict[int, int], dict[int, tuple]]:
    """The rows claimed (row → attempt number) and, of those, the ones with a message to
    send (row → (message, content)); `done` hears of every other row."""
    claimed = rows.claim(ids)
    found = rows.not_claimed([i for i in ids if i not in claimed]) if len(claimed) < len(
        ids) else {}
    ready: dict[int, tuple] = {}
    for delivery_id in ids:
        if delivery_id in claimed:
            put = _put_together(delivery_id, claimed[delivery_id], now, page, moves)
            if isinstance(put, Outcome):
                done(delivery_id, put)
            else:
                ready[delivery_id] = put
            continue
        status = found.get(delivery_id)
        done(delivery_id, Outcome("gone") if status is None
             else Outcome("unknown") if status == "submitting"
             else Outcome(status, ALREADY))
    return claimed, ready


def _put_together(delivery_id: int, mine: int, now: datetime, page: Page,
                  moves: list[rows.Move]) -> Outcome | tuple:
    """A claimed row's (message, content), or its outcome when there is nothing to send
    (the settle joins `moves`, written with the next commit)."""
    delivery = page.deliveries[delivery_id]

    def settled(status: str, why: str, detail: str | None = None) -> Outcome:
        moves.append(rows.Move(delivery_id, mine, rows.CLAIMED,
                               {"status": status, "last_error": why}))
        return Outcome(status, why if detail is None else detail)

    if page.has_left(delivery):
        return settled("skipped", "unsubscribed")
    try:
        content = page.content(delivery, now)
        message = None if content.empty else build_digest(
            delivery, page.members[delivery.membership_id], content)
    except SQLAlchemyError:
        raise  # the database's trouble, not this digest's: RQ retries the job
    except Exception as error:
        # A digest that cannot be put together must not hold up the rest of the batch
        # retry after retry; admins see why on the outbox page.
        db.session.rollback()
        log.exception("digest %s could not be put together", delivery_id)
        return settled("failed", f"could not be put together: {type(error).__name__}: "
                                 f"{error}"[:500], "could not be put together")
    if message is None:
        return settled("skipped", "nothing worth saying")
    return message, content


def _connect(batch: Batch) -> None:
    """Make sure of the batch's connection, unless mail goes to a folder;
    TryAgainLater(unreachable) when the server cannot be reached."""
    if mail.uses_folder():
        return
    try:
        batch.connection()
    except (OSError, smtplib.SMTPException) as down:
        # Refused, unresolvable, TLS or login trouble: nothing was handed over.
        raise TryAgainLater(f"{type(down).__name__}: {down}", unreachable=True) from None


def _deliver(delivery_id: int, mine: int, now: datetime, page: Page, message,
             moves: list[rows.Move]) -> Outcome:
    """Hand a `submitting` row's message over; how it ended joins `moves`."""
    def settle(**values) -> None:
        moves.append(rows.Move(delivery_id, mine, rows.HANDED, values))

    if mail.uses_folder():
        mail.write_to_folder(message)
    else:
        try:
            _connect(page.batch)  # a connection dropped by the row before is made again
        except TryAgainLater as down:
            settle(status="pending", submitted_at=None, last_error=str(down)[:500])
            raise
        refused = _hand_over(page.batch, message, settle, moves)
        if refused is not None:
            return refused
    settle(status="sent", sent_at=utcnow())
    page.sent(page.deliveries[delivery_id], now)
    page.batch.mark_used()
    return Outcome("sent")


def _hand_over(batch: Batch, message, settle: Callable[..., None],
               moves: list[rows.Move]) -> Outcome | None:
    """SMTP's part: None when the server took the message, else what became of the row."""
    try:
        batch.smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as refused:
        settle(status="failed", last_error=repr(refused.recipients)[:500])
        return Outcome("failed", "recipient refused")
    except smtplib.SMTPResponseException as refused:
        batch.drop()
        error = f"{refused.smtp_code} {refused.smtp_error!r}"[:500]
        if 400 <= refused.smtp_code < 500:
            settle(status="pending", submitted_at=None, last_error=error)
            # At once and durable: lost, the row would read as unknown and never go out.
            rows.settle(moves, durable=True)
            return Outcome("pending", error)
        settle(status="failed", last_error=error)
        return Outcome("failed", str(refused.smtp_code))
    except (OSError, smtplib.SMTPException) as lost:
        # The line dropped mid-conversation: the server may have taken the message.
        batch.drop()
        settle(status="unknown",
               last_error=f"connection lost while sending ({type(lost).__name__}); "
                          "not sent again, to never send twice")
        return Outcome("unknown")
    return None
