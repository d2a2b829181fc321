"""Tasks, working groups and who takes part in them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    DDL,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import Membership, Tag
from .types import UTCDateTime, postgresql_only, utcnow

TASK_STATUSES = ("open", "active", "done", "cancelled")
JOIN_POLICIES = ("open", "approval")
REQUEST_STATUSES = ("pending", "accepted", "declined", "withdrawn")

task_tags = Table(
    "task_tags",
    db.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
    # Covers "tasks with these tags" (board fit sort, tag filter) without reading the table.
    Index("ix_task_tags_tag_task", "tag_id", "task_id"),
)


class WorkingGroup(db.Model):
    __tablename__ = "working_groups"
    __table_args__ = (UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[GroupMember]] = relationship(
        back_populates="working_group", cascade="all, delete-orphan"
    )


class GroupMember(db.Model):
    __tablename__ = "group_members"

    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True
    )
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    working_group: Mapped[WorkingGroup] = relationship(back_populates="members")
    membership: Mapped[Membership] = relationship()


class Task(db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 50", name="capacity_range"),
        CheckConstraint("filled >= 0 AND filled <= capacity", name="filled_within_capacity"),
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in TASK_STATUSES)})", name="status"
        ),
        CheckConstraint(
            f"join_policy IN ({', '.join(repr(p) for p in JOIN_POLICIES)})", name="join_policy"
        ),
        Index("ix_tasks_board", "partnership_id", "status", "id"),
        # Newest first with a status filter, read in order: no sort, cheap deep pages.
        Index("ix_tasks_newest", "partnership_id", "id", "status"),
        Index("ix_tasks_due", "partnership_id", "due_on"),
        # The board's search (ILIKE '%words%') reads these instead of every task's text.
        postgresql_only(Index("ix_tasks_title_trigrams", "title", postgresql_using="gin",
                              postgresql_ops={"title": "gin_trgm_ops"})),
        postgresql_only(Index("ix_tasks_description_trigrams", "description",
                              postgresql_using="gin",
                              postgresql_ops={"description": "gin_trgm_ops"})),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    initiator_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    # Contributors only: the initiator never takes a place.
    capacity: Mapped[int] = mapped_column(default=3)
    filled: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    due_on: Mapped[date | None]
    effort_hours: Mapped[float | None]
    join_policy: Mapped[str] = mapped_column(String(10), default="open")
    # A decision the partnership takes here: critical stakeholders must be heard.
    is_decision: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(10), default="open")
    outcome: Mapped[str] = mapped_column(Text, default="")
    outcome_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who posted it; initiator_id moves with a hand-over, this does not.
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    # A contributor's proposal to mark the task done, waiting for the initiator.
    proposed_outcome: Mapped[str] = mapped_column(Text, default="", server_default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    initiator: Mapped[Membership] = relationship(foreign_keys=[initiator_id])
    started_by: Mapped[Membership | None] = relationship(foreign_keys=[started_by_id])
    proposed_by: Mapped[Membership | None] = relationship(foreign_keys=[proposed_by_id])
    working_group: Mapped[WorkingGroup | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=task_tags, order_by=Tag.name)
    participations: Mapped[list[Participation]] = relationship(
        back_populates="task", order_by="Participation.id"
    )

    @property
    def has_room(self) -> bool:
        return self.is_joinable and self.filled < self.capacity

    @property
    def is_joinable(self) -> bool:
        return self.status in ("open", "active")

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.filled, 0)

    @property
    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags]


event.listen(Task.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


class Participation(db.Model):
    """A current member of a task's team; leaving deletes the row (events keep history)."""

    __tablename__ = "participations"
    __table_args__ = (
        UniqueConstraint("task_id", "membership_id"),
        CheckConstraint("role IN ('initiator', 'contributor')", name="role"),
        Index("ix_participations_quiet", "last_active_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    role: Mapped[str] = mapped_column(String(12), default="contributor")
    note: Mapped[str] = mapped_column(String(280), default="")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The person's latest log, comment, meeting or edit on this task (joining counts):
    # a place silent for the partnership's stale_place_days gets a reminder, and a week
    # after the reminder goes to the head of the waitlist (services.places).
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    task: Mapped[Task] = relationship(back_populates="participations")
    membership: Mapped[Membership] = relationship()


class WaitlistEntry(db.Model):
    """A place in the FIFO queue of a full task; the lowest id is promoted first."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (UniqueConstraint("task_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    note: Mapped[str] = mapped_column(String(280), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[Task] = relationship()
    membership: Mapped[Membership] = relationship()


class JoinRequest(db.Model):
    __tablename__ = "join_requests"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in REQUEST_STATUSES)})", name="status"
        ),
        # One pending request per person and task; decided ones stay as history.
        Index(
            "uq_join_requests_pending",
            "task_id",
            "membership_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    note: Mapped[str] = mapped_column(String(280), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    reason: Mapped[str] = mapped_column(String(280), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))

    task: Mapped[Task] = relationship()
    membership: Mapped[Membership] = relationship(foreign_keys=[membership_id])
