"""The digest outbox: plan what is due, and send each planned digest at most once.

Unlike other services this one owns its transactions: every state a row moves through is
committed before the next step starts, so that a crash anywhere leaves a row that is
either redone safely or known to be in doubt. The planner and sender jobs and `flask
send-digests` call `plan_due`, `send_queued` and `send_due`.

A send job takes a batch of one partnership's rows: the partnership's open tasks and
knowledge map are read once per batch, the rows' members and activity a page at a time,
and one SMTP connection carries the batch. Each row still goes through its own states:

pending → rendering: claimed by a conditional UPDATE, safe to redo after a crash.
rendering → skipped: nothing worth saying, or the member left the list.
rendering → submitting: committed *before* talking to the SMTP server.
submitting → sent: the server accepted it.
A 4xx reply puts the row back to pending; a refused connection leaves the rest of the batch
pending too (RQ retries the job; rows already handled are passed over by their claim); a 5xx
refusal marks it failed. A row found in `submitting` by a retry means a crash after
the server may have taken the message: it becomes `unknown` and is never sent again.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from coordinator import mail
from coordinator.database import commit_without_waiting_for_disk
from coordinator.extensions import db
from coordinator.models import DigestDelivery, DigestPreference, utcnow
from coordinator.services.digests.batch import Batch
from coordinator.services.digests.message import build_digest
from coordinator.services.digests.pages import Page, kept_across_commits
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


# The sender's statements on the table itself: a batch runs them tens of thousands of
# times, and the ORM's bulk-update machinery would cost more than the database does.
ROWS = DigestDelivery.__table__
CLAIM = (update(ROWS)
         .where(ROWS.c.id == bindparam("row"), ROWS.c.status.in_(("pending", "rendering")))
         .values(status="rendering", attempts=ROWS.c.attempts + 1)
         .returning(ROWS.c.attempts))
SUBMIT = (update(ROWS)
          .where(ROWS.c.id == bindparam("row"), ROWS.c.status == "rendering",
                 ROWS.c.attempts == bindparam("mine")))


CLAIMED = ("rendering",)
# A sender that handed the message over may still settle the row after another sender,
# finding it `submitting`, called it unknown: it is the one that heard the server.
HANDED = ("submitting", "unknown")
INTERRUPTED = ("interrupted after handing the message to the SMTP server; not sent again, "
               "to never send twice")


def _settle(delivery_id: int, mine: int, states: tuple[str, ...], *, durable: bool = False,
            **values) -> bool:
    """Move on a row this sender still holds (its claim's attempt number, in one of
    `states`); a sender that lost the row changes nothing. Unless `durable`, losing this
    in a database crash leaves the row where it is redone or read as unknown."""
    moved = db.session.execute(
        update(ROWS).where(ROWS.c.id == delivery_id, ROWS.c.attempts == mine,
                           ROWS.c.status.in_(states)).values(**values)).rowcount
    if durable:
        db.session.commit()
    else:
        commit_without_waiting_for_disk()
    return bool(moved)


JOB_ROWS = 500
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
    batch holds one partnership's rows, at most JOB_ROWS, so it reads the partnership once.
    """
    planned = plan(moment)
    stuck = mark_stuck_unknown(moment)
    given_up = give_up_on_stuck_rendering(moment)
    db.session.commit()
    pending = db.session.execute(
        select(DigestDelivery.partnership_id, DigestDelivery.id, DigestDelivery.attempts)
        .where(DigestDelivery.due_at <= moment,
               or_(DigestDelivery.status == "pending",
                   (DigestDelivery.status == "rendering")
                   & (DigestDelivery.due_at <= moment - STUCK_AFTER)))
        .order_by(DigestDelivery.partnership_id, DigestDelivery.id)).all()
    batches = []
    for _, rows in groupby(pending, key=lambda row: row.partnership_id):
        rows = [(row.id, row.attempts) for row in rows]
        batches += [rows[start:start + JOB_ROWS] for start in range(0, len(rows), JOB_ROWS)]
    counts = {**planned.planned, **({"marked unknown": stuck} if stuck else {}),
              **({"given up": given_up} if given_up else {})}
    return Planned(counts, batches)


def give_up_on_stuck_rendering(now: datetime) -> int:
    """Rows whose sender died while rendering them, again and again (a digest too big for
    the machine, say): failed, with the reason, instead of being queued forever."""
    return db.session.execute(
        update(ROWS)
        .where(ROWS.c.status == "rendering", ROWS.c.attempts >= GIVE_UP_AFTER,
               ROWS.c.due_at <= now - STUCK_AFTER)
        .values(status="failed", last_error=f"gave up after {GIVE_UP_AFTER} attempts that "
                                            "never finished rendering")).rowcount


def mark_stuck_unknown(now: datetime) -> int:
    """Rows left `submitting` by a process that died with no retry to come (no Redis)."""
    return db.session.execute(
        update(DigestDelivery)
        .where(DigestDelivery.status == "submitting",
               DigestDelivery.submitted_at < now - STUCK_AFTER)
        .values(status="unknown", last_error=INTERRUPTED)).rowcount


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


WRITTEN_OFF = {"marked unknown": "marked unknown (interrupted while sending)",
               "given up": "given up (never finished rendering)"}


def send_due(now: datetime, progress_bar: Callable[[int], ContextManager] | None = None
             ) -> dict[str, Counter]:
    """Plan what is due at `now` and send every row due, here and now (no queue): what
    happened, per kind. `progress_bar(total)` gives a context whose `update(1)` hears of
    each row."""
    planned = plan_due(now)
    counts: dict[str, Counter] = defaultdict(Counter)
    for what, n in planned.counts.items():
        if what in WRITTEN_OFF:
            counts["any"][WRITTEN_OFF[what]] = n
        else:
            counts[what]["planned"] = n
    kinds = dict(db.session.execute(select(DigestDelivery.id, DigestDelivery.kind).where(
        DigestDelivery.status.in_(("pending", "rendering")),
        DigestDelivery.due_at <= now).order_by(DigestDelivery.id)).all())
    with Batch() as batch, (progress_bar(len(kinds)) if progress_bar
                            else nullcontext()) as bar:
        outcomes = send_batch(list(kinds), now, batch, progress=bar.update if bar else None)
    for delivery_id, outcome in outcomes.items():
        status = "failed, will retry" if outcome.status == "pending" else outcome.status
        counts[kinds[delivery_id]][status] += 1
    return counts


def preview_due(now: datetime) -> dict[str, Counter]:
    """What `send_due` would plan and send at `now`, per kind; changes nothing."""
    planned = plan(now)
    counts: dict[str, Counter] = defaultdict(Counter)
    for kind, n in planned.planned.items():
        counts[kind]["planned"] = n
    ids = list(db.session.scalars(select(DigestDelivery.id).where(
        DigestDelivery.status == "pending", DigestDelivery.due_at <= now)
        .order_by(DigestDelivery.id)))
    batch = Batch()
    for start in range(0, len(ids), Page.SIZE):
        page = Page(ids[start:start + Page.SIZE], now, batch)
        for row in page.deliveries.values():
            counts[row.kind]["would skip" if page.content(row, now).empty
                             else "would send"] += 1
    db.session.rollback()
    return counts


def send_batch(delivery_ids: list[int], now: datetime | None = None,
               batch: Batch | None = None,
               progress: Callable[[int], None] | None = None,
               deadline: float | None = None) -> dict[int, Outcome]:
    """Send rows in order, reading what they need a page at a time. A row the server
    answered "not now" is `pending` again and the batch goes on. When the server cannot be
    reached at all, or the `deadline` (time.monotonic()) has passed, the batch stops there
    and the rest stay `pending`, untouched. The caller closes the `batch` it passes."""
    now = now or utcnow()
    if batch is None:
        with Batch() as own:
            return send_batch(delivery_ids, now, own, progress, deadline)
    outcomes: dict[int, Outcome] = {}
    with kept_across_commits():
        for start in range(0, len(delivery_ids), Page.SIZE):
            ids = delivery_ids[start:start + Page.SIZE]
            page = Page(ids, now, batch)
            for delivery_id in ids:
                stop = None
                if deadline is not None and time.monotonic() > deadline:
                    stop = "out of time; the job's retry goes on"
                else:
                    try:
                        outcomes[delivery_id] = _send_one(delivery_id, now, batch, page)
                    except TryAgainLater as later:
                        outcomes[delivery_id] = Outcome("pending", str(later))
                        stop = str(later) if later.unreachable else None
                if stop is not None:
                    outcomes.update((i, Outcome("pending", f"not tried: {stop}"))
                                    for i in delivery_ids if i not in outcomes)
                    return outcomes
                if progress:
                    progress(1)
    return outcomes


def send(delivery_id: int, now: datetime | None = None, batch: Batch | None = None) -> Outcome:
    """One row; raises TryAgainLater when the server says "not now" or cannot be reached."""
    now = now or utcnow()
    if batch is None:
        with Batch() as own:
            return send(delivery_id, now, own)
    with kept_across_commits():
        return _send_one(delivery_id, now, batch, Page([delivery_id], now, batch))


def _send_one(delivery_id: int, now: datetime, batch: Batch, page: Page) -> Outcome:
    """Commits as it goes: each state is on disk before the next step starts."""
    # The attempt number this claim wrote is its fencing token: a second sender claiming the
    # row (a retry racing a re-queue, or the CLI) takes a higher number, and only the
    # holder of the latest number may move the row on (`_settle`).
    mine = db.session.execute(CLAIM, {"row": delivery_id}).scalar()
    commit_without_waiting_for_disk()  # a lost claim is claimed again
    if mine is None:
        return _not_claimed(delivery_id)
    delivery = page.deliveries[delivery_id]
    if _left(delivery):
        _settle(delivery_id, mine, CLAIMED, status="skipped", last_error="unsubscribed")
        return Outcome("skipped", "unsubscribed")
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
        _settle(delivery_id, mine, CLAIMED, status="failed",
                last_error=f"could not be put together: {type(error).__name__}: {error}"[:500])
        return Outcome("failed", "could not be put together")
    if message is None:
        _settle(delivery_id, mine, CLAIMED, status="skipped", last_error="nothing worth saying")
        return Outcome("skipped", "nothing worth saying")
    smtp = None
    if not mail.uses_folder():
        try:
            smtp = batch.connection()
        except (OSError, smtplib.SMTPException) as down:
            # Refused, unresolvable, TLS or login trouble: nothing was handed over.
            _settle(delivery_id, mine, CLAIMED, durable=True, status="pending",
                    last_error=f"{type(down).__name__}: {down}"[:500])
            raise TryAgainLater(str(down), unreachable=True) from None
    still_mine = db.session.execute(SUBMIT.values(
        status="submitting", submitted_at=now, summary=_summary(content),
        message_id=message["Message-ID"]), {"row": delivery_id, "mine": mine}).rowcount
    db.session.commit()  # on disk before the server hears of it: the one that must be
    if not still_mine:
        return Outcome("taken over", "another sender claimed this digest")
    if smtp is None:
        mail.write_to_folder(message)
    else:
        refused = _hand_over(delivery_id, mine, batch, message)
        if refused is not None:
            return refused
    _settle(delivery_id, mine, HANDED, status="sent", sent_at=utcnow())
    page.sent(delivery, now)
    batch.mark_used()
    return Outcome("sent")


# Read again for every row, not once per page: a member who has just clicked "unsubscribe"
# gets nothing more, even from a batch already under way.
LEFT = select(DigestPreference.frequency, DigestPreference.alerts).where(
    DigestPreference.membership_id == bindparam("member"))


def _left(delivery: DigestDelivery) -> bool:
    saved = db.session.execute(LEFT, {"member": delivery.membership_id}).first()
    if saved is None:  # never changed anything: the defaults send both
        return False
    if delivery.kind == "coordinator":
        return not saved.alerts
    return saved.frequency == "off"


def _hand_over(delivery_id: int, mine: int, batch: Batch, message) -> Outcome | None:
    """SMTP's part: None when the server took the message, else what became of the row."""
    try:
        batch.smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as refused:
        _settle(delivery_id, mine, HANDED, status="failed",
                last_error=repr(refused.recipients)[:500])
        return Outcome("failed", "recipient refused")
    except smtplib.SMTPResponseException as refused:
        batch.drop()
        error = f"{refused.smtp_code} {refused.smtp_error!r}"[:500]
        if 400 <= refused.smtp_code < 500:
            # Durable: lost, the row would read as unknown and never go out.
            _settle(delivery_id, mine, HANDED, durable=True, status="pending",
                    submitted_at=None, last_error=error)
            raise TryAgainLater(error) from None
        _settle(delivery_id, mine, HANDED, status="failed", last_error=error)
        return Outcome("failed", str(refused.smtp_code))
    except (OSError, smtplib.SMTPException) as lost:
        # The line dropped mid-conversation: the server may have taken the message.
        batch.drop()
        _settle(delivery_id, mine, HANDED, status="unknown",
                last_error=f"connection lost while sending ({type(lost).__name__}); "
                           "not sent again, to never send twice")
        return Outcome("unknown")
    return None


def _not_claimed(delivery_id: int) -> Outcome:
    """Someone else has the row, or had it: say which, and turn a row left `submitting`
    (its sender died, or is still talking to the server) into `unknown`. A live sender
    that then hears back from the server still settles it (`HANDED`)."""
    status = db.session.scalar(select(ROWS.c.status).where(ROWS.c.id == delivery_id))
    if status is None:
        return Outcome("gone")
    if status != "submitting":
        return Outcome(status, ALREADY)
    db.session.execute(update(ROWS).where(ROWS.c.id == delivery_id,
                                          ROWS.c.status == "submitting")
                       .values(status="unknown", last_error=INTERRUPTED))
    commit_without_waiting_for_disk()
    return Outcome("unknown")


def _summary(content) -> dict:
    if hasattr(content, "fit"):
        return {"fit": len(content.fit), "bridge": len(content.bridge),
                "news": sum(len(n.items) for n in content.news), "due": len(content.due)}
    return {"new": len(content.new),
            "open": sum(len(v) for v in content.open_by_severity.values())}
