"""What people do on tasks: work logs, joint activities, comments, and the event log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import Membership
from .tasks import Task, WorkingGroup
from .types import UTCDateTime, utcnow

ACTIVITY_KINDS = ("meeting", "workshop", "call")


class WorkLog(db.Model):
    __tablename__ = "work_logs"
    __table_args__ = (
        CheckConstraint("hours >= 0.25 AND hours <= 24", name="hours_range"),
        # What an evaluation reads of a partnership's last months, from the index alone.
        Index("ix_work_logs_window", "partnership_id", "worked_on", "task_id",
              "membership_id", "hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    hours: Mapped[float]
    worked_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(280), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[Task] = relationship()
    membership: Mapped[Membership] = relationship()


activity_attendees = Table(
    "activity_attendees",
    db.metadata,
    Column("activity_id", ForeignKey("joint_activities.id", ondelete="CASCADE"), primary_key=True),
    Column("membership_id", ForeignKey("memberships.id"), primary_key=True, index=True),
)


class JointActivity(db.Model):
    """A meeting, workshop or call, linked to exactly one task or working group."""

    __tablename__ = "joint_activities"
    __table_args__ = (
        CheckConstraint(
            f"kind IN ({', '.join(repr(k) for k in ACTIVITY_KINDS)})", name="kind"
        ),
        CheckConstraint("duration_minutes BETWEEN 5 AND 1440", name="duration_range"),
        CheckConstraint(
            "(task_id IS NULL) <> (working_group_id IS NULL)", name="one_scope"
        ),
        # With the columns an evaluation reads, so its 200,000 rows at 100,000 members
        # come from the index alone.
        Index("ix_joint_activities_when", "partnership_id", "occurred_at", "duration_minutes",
              "kind", "task_id", "working_group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(160))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int]
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id"), index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[Task | None] = relationship()
    working_group: Mapped[WorkingGroup | None] = relationship()
    attendees: Mapped[list[Membership]] = relationship(secondary=activity_attendees)

    @property
    def person_hours(self) -> float:
        return self.duration_minutes / 60 * len(self.attendees)


class Comment(db.Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    membership: Mapped[Membership] = relationship()


class Event(db.Model):
    """Append-only record of every change a measure may need, with actor and time."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_partnership_when", "partnership_id", "occurred_at"),
        # An evaluation reads a few kinds (joins and leaves) out of the whole log, and
        # of them only what the index holds.
        Index("ix_events_partnership_kind", "partnership_id", "kind", "occurred_at",
              "task_id", "working_group_id", "subject_id"),
        Index("ix_events_task", "task_id", "occurred_at"),
        Index("ix_events_group", "working_group_id", "occurred_at"),
        # "My work" lists what happened to a person's own places.
        Index("ix_events_subject", "subject_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[Membership | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[Membership | None] = relationship(foreign_keys=[subject_id])
    task: Mapped[Task | None] = relationship()
