"""What the background worker computes: knowledge-map snapshots and the runs behind them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

RUN_STATUSES = ("running", "succeeded", "skipped", "failed", "interrupted")


class RecomputeRun(db.Model):
    """One attempt at recomputing a partnership's knowledge map, as coordinators see it."""

    __tablename__ = "recompute_runs"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in RUN_STATUSES)})",
                        name="status"),
        Index("ix_recompute_runs_partnership", "partnership_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    trigger: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_s: Mapped[float | None]
    error: Mapped[str] = mapped_column(Text, default="")
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("cluster_snapshots.id"))


class ClusterSnapshot(db.Model):
    __tablename__ = "cluster_snapshots"
    __table_args__ = (Index("ix_cluster_snapshots_partnership", "partnership_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The partnership's change stamp this snapshot covers; equal stamps mean nothing new.
    data_version: Mapped[datetime | None] = mapped_column(UTCDateTime)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    quality: Mapped[dict] = mapped_column(JSON, default=dict)
    # Term weights and cluster centroids for placing profiles this snapshot has not seen
    # (domain.knowledge.placement); deferred, as only placement reads it.
    placement_model: Mapped[dict | None] = mapped_column(JSON, deferred=True)

    clusters: Mapped[list[Cluster]] = relationship(
        back_populates="snapshot", order_by="Cluster.size.desc()", cascade="all, delete-orphan")


class Cluster(db.Model):
    __tablename__ = "clusters"
    __table_args__ = (UniqueConstraint("snapshot_id", "stable_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("cluster_snapshots.id",
                                                        ondelete="CASCADE"))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    stable_id: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    top_tags: Mapped[list] = mapped_column(JSON, default=list)
    x: Mapped[float] = mapped_column(default=0.0)
    y: Mapped[float] = mapped_column(default=0.0)
    r: Mapped[float] = mapped_column(default=0.0)

    snapshot: Mapped[ClusterSnapshot] = relationship(back_populates="clusters")


class ClusterAssignment(db.Model):
    """A member's cluster in a snapshot (none: unclustered) and nearest colleagues."""

    __tablename__ = "cluster_assignments"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_snapshots.id", ondelete="CASCADE"), primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), primary_key=True,
                                               index=True)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id",
                                                              ondelete="CASCADE"), index=True)
    neighbours: Mapped[list] = mapped_column(JSON, default=list)  # [[membership_id, cosine]]


class ClusterTie(db.Model):
    """How many member pairs from two clusters shared a task team in the window."""

    __tablename__ = "cluster_ties"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_snapshots.id", ondelete="CASCADE"), primary_key=True)
    cluster_a: Mapped[int] = mapped_column(primary_key=True)  # stable ids, a < b
    cluster_b: Mapped[int] = mapped_column(primary_key=True)
    weight: Mapped[int]
