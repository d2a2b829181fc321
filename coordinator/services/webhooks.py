"""Webhooks: admins register an HTTPS endpoint; task and alert events are delivered to it,
signed, through the background queue, and retried with backoff until it answers.

An event becomes one `webhook_deliveries` row per subscribed webhook, in the same
transaction as the change it tells of, so nothing is announced that did not happen and
nothing that happened is lost when the receiver or the queue is down. After the commit a
job sends the partnership's due rows (`deliver_due`); every minute the scheduler queues it
again for rows whose retry has come. Delivery is at least once: a receiver tells repeats
apart by the `Polder-Delivery` header.

This module's `deliver_due` owns its transactions (each claim and result is committed
before the next row), like the digest outbox.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import or_, select, update

from ..errors import InvalidInputError
from ..extensions import db
from ..models import (
    WEBHOOK_EVENTS,
    Membership,
    Partnership,
    Webhook,
    WebhookDelivery,
    utcnow,
)

PENDING = "webhooks pending"  # session.info: partnerships with rows to send after commit
COMMITTED = "webhooks committed"
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=6), timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1  # over about a day
STALE_CLAIM = timedelta(minutes=5)
TIMEOUT_S = 10
BATCH = 100


# --- Registering ---------------------------------------------------------------------


def register(partnership: Partnership, actor: Membership, url: str,
             events: Iterable[str]) -> Webhook:
    url, chosen = url.strip(), sorted(set(events))
    parts = urlsplit(url)
    plain_allowed = current_app.config["WEBHOOK_ALLOW_HTTP"]
    if parts.scheme != "https" and not (plain_allowed and parts.scheme == "http"):
        raise InvalidInputError("Give an https:// address.", field="url")
    if not parts.hostname or len(url) > 500:
        raise InvalidInputError("Give a full address, as https://example.org/hooks/polder.",
                                field="url")
    if not chosen or any(event not in WEBHOOK_EVENTS for event in chosen):
        raise InvalidInputError("Choose the events to send.", field="events")
    hook = Webhook(partnership_id=partnership.id, url=url, secret=Webhook.new_secret(),
                   events=chosen, created_by_id=actor.id)
    db.session.add(hook)
    db.session.flush()
    return hook


def of_partnership(partnership_id: int) -> list[Webhook]:
    return list(db.session.scalars(select(Webhook).where(
        Webhook.partnership_id == partnership_id).order_by(Webhook.id)))


def recent_deliveries(partnership_id: int, limit: int = 50) -> list[WebhookDelivery]:
    return list(db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.partnership_id == partnership_id)
        .order_by(WebhookDelivery.id.desc()).limit(limit)))


def remove(hook: Webhook) -> None:
    db.session.delete(hook)
    db.session.flush()


def send_again(delivery: WebhookDelivery, now: datetime | None = None) -> None:
    """A failed delivery goes out once more, with a fresh set of attempts."""
    delivery.status, delivery.attempts = "pending", 0
    delivery.next_attempt_at = now or utcnow()
    db.session.flush()
    db.session.info.setdefault(PENDING, set()).add(delivery.partnership_id)


# --- Events --------------------------------------------------------------------------


def emit(partnership_id: int, event: str, data: dict, now: datetime | None = None) -> int:
    """Queue `event` for every webhook of the partnership that wants it; the rows land
    with the caller's transaction. Returns how many."""
    return emit_many(partnership_id, [(event, data)], now)


def emit_many(partnership_id: int, events: Iterable[tuple[str, dict]],
              now: datetime | None = None) -> int:
    """`emit` for many (event, data) at once, in their order: the webhooks are read once
    and the deliveries get their ids in one flush (an evaluation announces thousands)."""
    now = now or utcnow()
    events = list(events)
    hooks = of_partnership(partnership_id) if events else []
    deliveries = []
    for event, data in events:
        for hook in hooks:
            if event not in (hook.events or []):
                continue
            # Sent at once by the clock, whatever moment an evaluation was asked to judge.
            delivery = WebhookDelivery(webhook_id=hook.id, partnership_id=partnership_id,
                                       event=event, body="", next_attempt_at=utcnow(),
                                       created_at=now)
            db.session.add(delivery)
            deliveries.append((delivery, event, data))
    if not deliveries:
        return 0
    db.session.flush()
    for delivery, event, data in deliveries:
        delivery.body = json.dumps({"id": delivery.id, "event": event,
                                    "created_at": now.isoformat(), "data": data},
                                   separators=(",", ":"), default=str)
    db.session.info.setdefault(PENDING, set()).add(partnership_id)
    return len(deliveries)


def task_payload(task, actor: Membership) -> dict:
    """What a webhook says of a task: enough to show it, and its id to ask the API."""
    return {"task": {"id": task.id, "title": task.title, "status": task.status,
                     "tags": task.tag_names, "capacity": task.capacity,
                     "outcome": task.outcome or None},
            "by": {"id": actor.id, "name": actor.user.name}}


def alert_payload(alert, actor: Membership | None = None) -> dict:
    """What a webhook says of an alert; its id asks the API for the evidence."""
    payload = {"alert": {"id": alert.id, "kind": alert.kind, "scope_type": alert.scope_type,
                         "scope_id": alert.scope_id, "scope_label": alert.scope_label,
                         "severity": alert.severity, "status": alert.status}}
    if actor is not None:
        payload["by"] = {"id": actor.id, "name": actor.user.name}
    return payload


def move_after_commit(session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        session.info.setdefault(COMMITTED, set()).update(pending)


def forget_after_rollback(session, previous_transaction=None) -> None:
    session.info.pop(PENDING, None)


def take_committed() -> set[int]:
    """Partnerships whose committed transactions queued deliveries since the last call."""
    return db.session.info.pop(COMMITTED, set())


# --- Delivering ----------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: str) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver recomputes it
    with the shared secret, and refuses a timestamp too far from its clock (replays)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def partnerships_due(now: datetime | None = None) -> list[int]:
    now = now or utcnow()
    return list(db.session.scalars(select(WebhookDelivery.partnership_id).where(
        _due(now)).distinct().order_by(WebhookDelivery.partnership_id)))


def _due(now: datetime):
    return or_((WebhookDelivery.status == "pending") & (WebhookDelivery.next_attempt_at <= now),
               (WebhookDelivery.status == "sending")
               & (WebhookDelivery.claimed_at < now - STALE_CLAIM))


def deliver_due(partnership_id: int, now: datetime | None = None) -> dict[str, int]:
    """Send the partnership's due rows, oldest first; commits per row."""
    now = now or utcnow()
    ids = list(db.session.scalars(select(WebhookDelivery.id).where(
        WebhookDelivery.partnership_id == partnership_id, _due(now))
        .order_by(WebhookDelivery.id).limit(BATCH)))
    db.session.rollback()
    counts: dict[str, int] = {}
    for delivery_id in ids:
        outcome = _deliver_one(delivery_id, now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _deliver_one(delivery_id: int, now: datetime) -> str:
    claimed = db.session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, _due(now))
        .values(status="sending", claimed_at=utcnow(),
                attempts=WebhookDelivery.attempts + 1)).rowcount
    db.session.commit()
    if not claimed:
        return "taken"
    delivery = db.session.get(WebhookDelivery, delivery_id)
    hook = delivery.webhook
    code, error = _post(hook, delivery)
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", utcnow(), ""
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
    else:
        delivery.status = "pending"
        delivery.next_attempt_at = utcnow() + BACKOFF[delivery.attempts - 1]
    delivery.last_status_code, delivery.claimed_at = code, None
    if error:
        delivery.last_error = error[:500]
    db.session.commit()
    return delivery.status


def _post(hook: Webhook, delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = delivery.body.encode()
    request = urllib.request.Request(hook.url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "Polder-Webhooks/1",
        "Polder-Event": delivery.event, "Polder-Delivery": str(delivery.id),
        "Polder-Signature": sign(hook.secret, int(time.time()), delivery.body)})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as refused:
        return refused.code, f"the receiver answered {refused.code}"
    except (urllib.error.URLError, OSError) as down:
        reason = getattr(down, "reason", down)
        return None, f"could not reach the receiver: {reason}"
