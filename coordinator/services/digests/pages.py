"""What a batch of digest rows needs, read a page at a time (the outbox sends them)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coordinator.extensions import db
from coordinator.models import DigestDelivery, DigestPreference, Membership
from coordinator.services.digests.batch import Batch
from coordinator.services.digests.content import (
    Activity,
    coordinator_digest,
    last_sent_before,
    member_digest,
    since_for,
)
from coordinator.services.digests.preferences import defaults


@contextmanager
def kept_across_commits():
    """A batch commits several times per group of rows; expiring the page's members,
    users and preferences at each commit would reload them one by one. Row states are never read
    from these objects: the claim's RETURNING and fresh queries give them."""
    session = db.session()
    kept, session.expire_on_commit = session.expire_on_commit, False
    try:
        yield
    finally:
        session.expire_on_commit = kept
        session.expire_all()  # as the last commit would have: nobody reads a stale state


class Page:
    """What a page of rows needs, read in a few queries: the rows, their members (with
    user and partnership), preferences, last digests and the members' task activity."""

    SIZE = 200

    def __init__(self, delivery_ids: list[int], now: datetime, batch: Batch) -> None:
        self.deliveries = {d.id: d for d in db.session.scalars(
            select(DigestDelivery).where(DigestDelivery.id.in_(delivery_ids)))}
        member_ids = {d.membership_id for d in self.deliveries.values()}
        self.members = {m.id: m for m in db.session.scalars(
            select(Membership).options(joinedload(Membership.user),
                                       joinedload(Membership.partnership))
            .where(Membership.id.in_(member_ids)))}
        saved = {p.membership_id: p for p in db.session.scalars(
            select(DigestPreference).where(DigestPreference.membership_id.in_(member_ids)))}
        self.prefs = {m: saved.get(m) or defaults(m) for m in self.members}
        last = last_sent_before(list(self.deliveries))
        self.since = {d.id: since_for(d.due_at, d.frequency, last.get(d.id))
                      for d in self.deliveries.values()}
        readers = [d for d in self.deliveries.values() if d.kind == "member"]
        self.activity = Activity({d.membership_id for d in readers},
                                 min((self.since[d.id] for d in readers), default=None), now)
        self.batch = batch

    def content(self, delivery: DigestDelivery, now: datetime):
        member = self.members[delivery.membership_id]
        since = self.since[delivery.id]
        if delivery.kind == "coordinator":
            return coordinator_digest(member, since)
        return member_digest(member, since, now, self.batch.source(member.partnership_id),
                             self.activity,
                             self.prefs[member.id])

    def has_left(self, delivery: DigestDelivery) -> bool:
        """Whether the member had stopped this kind of digest when the page was read (the
        submit checks again, for a click since)."""
        prefs = self.prefs[delivery.membership_id]
        return not prefs.alerts if delivery.kind == "coordinator" else prefs.frequency == "off"

    def sent(self, delivery: DigestDelivery, at: datetime) -> None:
        """A later row of the same member and kind on this page (a period that waited,
        as after a day of "not now") tells only what happened after this one."""
        for other in self.deliveries.values():
            if (other.membership_id == delivery.membership_id and other.kind == delivery.kind
                    and other.due_at > delivery.due_at):
                self.since[other.id] = max(self.since[other.id], at)


def summary(content) -> dict:
    """What a digest held, section by section, for the admins' outbox page."""
    if hasattr(content, "fit"):
        return {"fit": len(content.fit), "bridge": len(content.bridge),
                "news": sum(len(n.items) for n in content.news), "due": len(content.due)}
    return {"new": len(content.new),
            "open": sum(len(v) for v in content.open_by_severity.values())}
