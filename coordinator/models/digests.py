"""Email digests: each member's preferences, and the outbox that sends each digest once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.domain.digests.periods import (
    DEFAULT_FREQUENCY,
    DEFAULT_HOUR,
    DEFAULT_TIMEZONE,
    FREQUENCIES,
)

from ..extensions import db
from .people import Membership
from .types import UTCDateTime, utcnow

DIGEST_KINDS = ("member", "coordinator")
# pending → rendering → submitting → sent; or skipped (nothing to say, unsubscribed),
# failed (refused for good), unknown (a crash after handing it to the SMTP server).
DELIVERY_STATUSES = ("pending", "rendering", "submitting", "sent", "skipped", "failed",
                     "unknown")


class DigestPreference(db.Model):
    """How often a member of one partnership wants a digest, when, and with what.

    No row means the defaults: weekly, UTC, 07:00, everything on.
    """

    __tablename__ = "digest_preferences"
    __table_args__ = (
        CheckConstraint(f"frequency IN ({', '.join(repr(f) for f in FREQUENCIES)})",
                        name="frequency"),
        CheckConstraint("send_hour BETWEEN 0 AND 23", name="send_hour"),
    )

    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(8), default=DEFAULT_FREQUENCY)
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    send_hour: Mapped[int] = mapped_column(default=DEFAULT_HOUR)
    fit_tasks: Mapped[bool] = mapped_column(default=True)
    bridge_tasks: Mapped[bool] = mapped_column(default=True)
    task_news: Mapped[bool] = mapped_column(default=True)
    due_dates: Mapped[bool] = mapped_column(default=True)
    alerts: Mapped[bool] = mapped_column(default=True)  # coordinators' alerts digest
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    membership: Mapped[Membership] = relationship()


class DigestDelivery(db.Model):
    """One digest for one member, kind and period: the row exists before the email does."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (
        UniqueConstraint("membership_id", "kind", "period_key", name="uq_digest_once"),
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in DIGEST_KINDS)})", name="kind"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in DELIVERY_STATUSES)})",
                        name="status"),
        Index("ix_digest_deliveries_outbox", "partnership_id", "status", "id"),
        Index("ix_digest_deliveries_member", "membership_id", "kind", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    kind: Mapped[str] = mapped_column(String(12))
    frequency: Mapped[str] = mapped_column(String(8))
    period_key: Mapped[str] = mapped_column(String(10))  # 2026-11-23 or 2026-W48
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str] = mapped_column(String(200), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[dict] = mapped_column(JSON, default=dict)  # section → items, for admins

    membership: Mapped[Membership] = relationship()
