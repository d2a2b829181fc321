"""Weekly readings of the balance and power measures, as the evaluations took them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Reading(db.Model):
    """One measure of one scope in one week (services.readings).

    The week's row is rewritten by each evaluation in that week and frozen once an
    evaluation of a later week has run; only a backfill rewrites a past week.
    """

    __tablename__ = "readings"
    __table_args__ = (
        # With the value in it, a chart or a preview reads the index alone.
        Index("ix_readings_series", "partnership_id", "metric", "scope_type", "scope_key",
              "week", "value"),
        Index("ix_readings_week", "partnership_id", "week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    week: Mapped[date]  # the Monday the week starts on (UTC)
    metric: Mapped[str] = mapped_column(String(40))
    # partnership, task, group, cluster (stable id), sector or tier (by name)
    scope_type: Mapped[str] = mapped_column(String(12))
    scope_key: Mapped[str] = mapped_column(String(40))
    value: Mapped[float | None]  # None: not measurable that week (too few people, no ties)
    # When this value was first measured: an evaluation that reads the same keeps the row.
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LatestFigures(db.Model):
    """What the health and power pages show now, as the latest evaluation measured it
    (services.figures): one row per partnership, rewritten by each evaluation, so a page
    reads one row instead of measuring the partnership again."""

    __tablename__ = "latest_figures"

    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"),
                                                primary_key=True)
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int]  # of the documents' shape: another version is measured afresh
    health: Mapped[dict] = mapped_column(JSON)
    power: Mapped[dict] = mapped_column(JSON)
