"""Balance alerts for coordinators, their audit trail, and threshold changes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import Membership
from .types import UTCDateTime, utcnow

ALERT_STATUSES = ("open", "acknowledged", "snoozed", "resolved")
SCOPE_TYPES = ("task", "group", "cluster", "partnership", "sector", "tier")
SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}


class Alert(db.Model):
    """One (kind, scope) of one partnership: created once, then updated by every evaluation.

    `status` is what coordinators decided (or the evaluation, when the measure recovered);
    `active` is whether the measure was past its threshold at the last evaluation. The two
    differ when a coordinator resolved an alert whose measure has not recovered yet.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("partnership_id", "kind", "scope_type", "scope_id",
                         name="uq_alerts_kind_scope"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in ALERT_STATUSES)})",
                        name="status"),
        CheckConstraint(f"scope_type IN ({', '.join(repr(s) for s in SCOPE_TYPES)})",
                        name="scope_type"),
        CheckConstraint("severity IN ('low', 'medium', 'high')", name="severity"),
        Index("ix_alerts_desk", "partnership_id", "status", "severity_rank", "opened_at"),
        # The note on a task or group page looks its alerts up by scope.
        Index("ix_alerts_scope", "partnership_id", "scope_type", "scope_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    kind: Mapped[str] = mapped_column(String(40))
    scope_type: Mapped[str] = mapped_column(String(12))
    # Task id, working-group id, cluster stable id, index into SECTORS or TIERS; 0 for
    # the partnership itself.
    scope_id: Mapped[int] = mapped_column(default=0)
    scope_label: Mapped[str] = mapped_column(String(200), default="")
    severity: Mapped[str] = mapped_column(String(8))
    severity_rank: Mapped[int] = mapped_column(default=2)
    status: Mapped[str] = mapped_column(String(12), default="open")
    active: Mapped[bool] = mapped_column(default=True)
    snoozed_until: Mapped[date | None]
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    thresholds: Mapped[dict] = mapped_column(JSON, default=dict)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    member_ids: Mapped[list] = mapped_column(JSON, default=list)
    task_ids: Mapped[list] = mapped_column(JSON, default=list)
    cluster_ids: Mapped[list] = mapped_column(JSON, default=list)
    pattern: Mapped[str] = mapped_column(Text, default="")
    advice: Mapped[str] = mapped_column(Text, default="")
    # [{"member_id", "name", "reasons": [...], "active_tasks"}], people to invite.
    suggestions: Mapped[list] = mapped_column(JSON, default=list)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entries: Mapped[list[AlertEntry]] = relationship(
        back_populates="alert", order_by="AlertEntry.id", passive_deletes=True)

    @property
    def scope_key(self) -> tuple[str, str, int]:
        return (self.kind, self.scope_type, self.scope_id)

    def effective_status(self, today: date) -> str:
        """A snooze that has run out reads as open."""
        if self.status == "snoozed" and (self.snoozed_until is None
                                         or self.snoozed_until <= today):
            return "open"
        return self.status


class AlertEntry(db.Model):
    """One line of an alert's history: written once, never edited or deleted."""

    __tablename__ = "alert_entries"
    __table_args__ = (Index("ix_alert_entries_alert", "alert_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(24))
    # None: Polder's own evaluation did it.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    alert: Mapped[Alert] = relationship(back_populates="entries")
    actor: Mapped[Membership | None] = relationship()


class ThresholdChange(db.Model):
    """A change to a partnership's balance thresholds: who, when, which values."""

    __tablename__ = "threshold_changes"
    __table_args__ = (Index("ix_threshold_changes_partnership", "partnership_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    # field → [old, new]
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(String(200), default="")

    actor: Mapped[Membership | None] = relationship()


class ContingencyProfile(db.Model):
    """Coordinators' scores of the six contingency factors; each save is a new row."""

    __tablename__ = "contingency_profiles"
    __table_args__ = (Index("ix_contingency_profiles_partnership", "partnership_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # factor → 1..5
    note: Mapped[str] = mapped_column(String(500), default="")

    actor: Mapped[Membership | None] = relationship()


class ImmutableRecordError(RuntimeError):
    """An audit row was about to be changed or deleted."""


def _refuse(mapper, connection, target) -> None:
    raise ImmutableRecordError(f"{type(target).__name__} rows are an audit trail: "
                               "they cannot be changed or deleted")


for _model in (AlertEntry, ThresholdChange, ContingencyProfile):
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)
