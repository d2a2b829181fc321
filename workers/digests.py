"""Digest jobs: plan what is due, and send one planned digest at most once
(reliability.md §4.2). Jobs commit; the services they call only flush.

pending → rendering: claimed by a conditional UPDATE, safe to redo after a crash.
rendering → skipped: nothing worth saying, or the member left the list.
rendering → submitting: committed *before* talking to the SMTP server.
submitting → sent: the server accepted it.
A 4xx reply or a refused connection puts the row back to pending (RQ retries the job);
a 5xx refusal marks it failed. A row found in `submitting` by a retry means a crash after
the server may have taken the message: it becomes `unknown` and is never sent again.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from coordinator import mail
from coordinator.digest_mail import build_digest
from coordinator.extensions import db
from coordinator.models import DigestDelivery, Membership, utcnow
from coordinator.services.digest_content import (
    Source,
    coordinator_digest,
    last_sent,
    member_digest,
    since_for,
)
from coordinator.services.digest_planner import plan
from coordinator.services.digest_prefs import preference

from .context import job_context


class TryAgainLater(Exception):
    """The SMTP server said "not now": the row is pending again; RQ retries the job."""


@dataclass(frozen=True)
class Outcome:
    status: str
    detail: str = ""


def _set(delivery_id: int, **values) -> None:
    db.session.execute(update(DigestDelivery).where(DigestDelivery.id == delivery_id)
                       .values(**values))
    db.session.commit()


def plan_digests(now: str | None = None) -> dict:
    """Every 15 minutes: insert what is due, and queue a send job per new row."""
    from coordinator.queue import enqueue_digest

    with job_context():
        moment = datetime.fromisoformat(now) if now else utcnow()
        planned = plan(moment)
        stuck = mark_stuck_unknown(moment)
        db.session.commit()
        # Rows still pending from earlier ticks (the queue was down, or a server kept
        # saying "not now" past RQ's retries) go out again; the claim keeps it to once.
        for delivery_id, attempts in db.session.execute(
                select(DigestDelivery.id, DigestDelivery.attempts)
                .where(DigestDelivery.status == "pending", DigestDelivery.due_at <= moment)
                .order_by(DigestDelivery.id)):
            enqueue_digest(delivery_id, attempts)
        return {**planned.planned, **({"marked unknown": stuck} if stuck else {})}


STUCK_AFTER = timedelta(minutes=15)


def mark_stuck_unknown(now: datetime) -> int:
    """Rows left `submitting` by a process that died with no retry to come (no Redis)."""
    return db.session.execute(
        update(DigestDelivery)
        .where(DigestDelivery.status == "submitting",
               DigestDelivery.submitted_at < now - STUCK_AFTER)
        .values(status="unknown", last_error="interrupted after handing the message to the "
                                             "SMTP server; not sent again")).rowcount


def send_digest(delivery_id: int) -> str:
    """The RQ job: raises TryAgainLater (so RQ retries) when the server says "not now"."""
    with job_context():
        return send(delivery_id).status


def send(delivery_id: int, now: datetime | None = None, sources: dict | None = None) -> Outcome:
    """Commits as it goes: each state is on disk before the next step starts."""
    now = now or utcnow()
    # The attempt number this claim wrote is its fencing token: a second sender claiming the
    # row (a retry racing a re-queue, or the CLI) takes a higher number, and only the
    # holder of the latest number may move the row on to `submitting`.
    mine = db.session.execute(
        update(DigestDelivery)
        .where(DigestDelivery.id == delivery_id,
               DigestDelivery.status.in_(("pending", "rendering")))
        .values(status="rendering", attempts=DigestDelivery.attempts + 1)
        .returning(DigestDelivery.attempts)).scalar()
    db.session.commit()
    delivery = db.session.get(DigestDelivery, delivery_id)
    if delivery is None:
        return Outcome("gone")
    if mine is None:
        if delivery.status == "submitting":
            _set(delivery_id, status="unknown",
                 last_error="interrupted after handing the message to the SMTP server; "
                            "not sent again, to never send twice")
            return Outcome("unknown")
        return Outcome(delivery.status, "already handled")
    member = db.session.get(Membership, delivery.membership_id)
    prefs = preference(member)
    if (delivery.kind == "member" and prefs.frequency == "off") or (
            delivery.kind == "coordinator" and not prefs.alerts):
        _set(delivery_id, status="skipped", last_error="unsubscribed")
        return Outcome("skipped", "unsubscribed")
    content = digest_for(delivery, member, now, sources)
    if content.empty:
        _set(delivery_id, status="skipped", last_error="nothing worth saying")
        return Outcome("skipped", "nothing worth saying")
    message = build_digest(delivery, member, content)
    summary = _summary(content)
    still_mine = db.session.execute(
        update(DigestDelivery)
        .where(DigestDelivery.id == delivery_id, DigestDelivery.status == "rendering",
               DigestDelivery.attempts == mine)
        .values(status="submitting", submitted_at=now, summary=summary,
                message_id=message["Message-ID"])).rowcount
    db.session.commit()
    if not still_mine:
        return Outcome("taken over", "another sender claimed this digest")
    if mail.uses_folder():
        mail.write_to_folder(message)
        _set(delivery_id, status="sent", sent_at=utcnow())
        return Outcome("sent")
    try:
        smtp = _connection(sources)
    except (OSError, smtplib.SMTPException) as down:
        # Nothing was handed over yet (refused, unresolvable, TLS or login trouble).
        _back_to_pending(delivery_id, f"{type(down).__name__}: {down}")
        raise TryAgainLater(str(down)) from None
    try:
        smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as refused:
        _set(delivery_id, status="failed", last_error=repr(refused.recipients)[:500])
        return Outcome("failed", "recipient refused")
    except smtplib.SMTPResponseException as refused:
        _drop_connection(sources, smtp)
        error = f"{refused.smtp_code} {refused.smtp_error!r}"[:500]
        if 400 <= refused.smtp_code < 500:
            _back_to_pending(delivery_id, error)
            raise TryAgainLater(error) from None
        _set(delivery_id, status="failed", last_error=error)
        return Outcome("failed", str(refused.smtp_code))
    except (OSError, smtplib.SMTPException) as lost:
        # The line dropped mid-conversation: the server may have taken the message.
        _drop_connection(sources, smtp)
        _set(delivery_id, status="unknown",
             last_error=f"connection lost while sending ({type(lost).__name__}); "
                        "not sent again, to never send twice")
        return Outcome("unknown")
    finally:
        if sources is None:
            _drop_connection(sources, smtp)
    _set(delivery_id, status="sent", sent_at=utcnow())
    return Outcome("sent")


# In a batch (`sources` given: the CLI, the benchmark) one SMTP connection carries every
# message; a single job opens its own and closes it.
SMTP_KEY = "smtp"


def _connection(sources: dict | None) -> smtplib.SMTP:
    cached = sources.get(SMTP_KEY) if sources is not None else None
    if cached is not None:
        try:
            # A connection the server closed while idle would fail the send after some of
            # it was said; finding out first keeps that case "not sent" instead of unknown.
            if cached.noop()[0] == 250:
                return cached
        except (OSError, smtplib.SMTPException):
            pass
        _drop_connection(sources, cached)
    smtp = mail.connect()
    if sources is not None:
        sources[SMTP_KEY] = smtp
    return smtp


def close_batch(sources: dict) -> None:
    """End a batch: say goodbye to the SMTP server it kept a connection to."""
    smtp = sources.get(SMTP_KEY)
    if smtp is not None:
        _drop_connection(sources, smtp)


def _drop_connection(sources: dict | None, smtp: smtplib.SMTP) -> None:
    if sources is not None and sources.get(SMTP_KEY) is smtp:
        del sources[SMTP_KEY]
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _back_to_pending(delivery_id: int, error: str) -> None:
    _set(delivery_id, status="pending", submitted_at=None, last_error=error[:500])


def digest_for(delivery: DigestDelivery, member: Membership, now: datetime,
               sources: dict | None = None):
    since = since_for(delivery.due_at, delivery.frequency,
                      last_sent(delivery.membership_id, delivery.kind, delivery.due_at))
    if delivery.kind == "coordinator":
        return coordinator_digest(member, since)
    source = None
    if sources is not None:
        source = sources.setdefault(member.partnership_id, Source(member.partnership_id))
    return member_digest(member, since, now, source)


def _summary(content) -> dict:
    if hasattr(content, "fit"):
        return {"fit": len(content.fit), "bridge": len(content.bridge),
                "news": sum(len(n.items) for n in content.news), "due": len(content.due)}
    return {"new": len(content.new),
            "open": sum(len(v) for v in content.open_by_severity.values())}
