"""Accounts, partnerships, organisations, memberships and knowledge tags."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
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
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from coordinator.domain.power.sectors import POWER_SOURCES, SECTORS, power_tier

from ..extensions import db
from .types import UTCDateTime, utcnow

ROLES = ("member", "coordinator", "admin")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    # Set from the login session row by the user loader; Flask-Login stores it in the cookie,
    # so deleting that row kills every copy of the cookie.
    session_token = None

    def get_id(self) -> str:
        return self.session_token or ""

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def password_needs_rehash(self) -> bool:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        return not (self.password_hash or "").startswith(method + "$")


class LoginSession(db.Model):
    """One row per logged-in browser; logout deletes it."""

    __tablename__ = "login_sessions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moved forward at most once a minute (services/sessions.py), for the idle limit.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    client: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class Partnership(db.Model):
    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set with every change the knowledge map depends on; the worker compares it with the
    # data_version of the latest snapshot to know whether the map is stale.
    recompute_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A running recompute holds this lease, so two workers never compute one partnership.
    recompute_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recompute_lease_owner: Mapped[str | None] = mapped_column(String(80))
    # Balance thresholds that differ from the defaults (domain.thresholds).
    balance_thresholds: Mapped[dict | None] = mapped_column(JSON)
    # Sectors that must be heard in every decision (power indicator 1), e.g. ["civil_society"].
    critical_sectors: Mapped[list | None] = mapped_column(JSON)
    # Days without activity before a task place gets a reminder (services.places).
    stale_place_days: Mapped[int] = mapped_column(default=21, server_default=text("21"))

    memberships: Mapped[list[Membership]] = relationship(back_populates="partnership")
    organisations: Mapped[list[Organisation]] = relationship(
        back_populates="partnership", order_by="Organisation.name"
    )


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("partnership_id", "name"),
        CheckConstraint(f"sector IN ({', '.join(repr(s) for s in SECTORS)})", name="sector"),
        *(
            CheckConstraint(f"{source} BETWEEN 0 AND 2", name=source)
            for source in POWER_SOURCES
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    sector: Mapped[str] = mapped_column(String(20))
    formal_authority: Mapped[int] = mapped_column(default=0)
    resource_control: Mapped[int] = mapped_column(default=0)
    discursive_legitimacy: Mapped[int] = mapped_column(default=0)
    # A critical stakeholder must be heard in every decision (power indicator 1).
    critical_stakeholder: Mapped[bool] = mapped_column(default=False, server_default=false())

    partnership: Mapped[Partnership] = relationship(back_populates="organisations")
    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")

    @property
    def power_score(self) -> int:
        return self.formal_authority + self.resource_control + self.discursive_legitimacy

    @property
    def tier(self) -> str:
        return power_tier(self.formal_authority, self.resource_control, self.discursive_legitimacy)


membership_tags = Table(
    "membership_tags",
    db.metadata,
    Column("membership_id", ForeignKey("memberships.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    # Both columns, so the knowledge a measure reads comes from the index alone.
    Index("ix_membership_tags_tag_member", "tag_id", "membership_id"),
)


class Tag(db.Model):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))


class Membership(db.Model):
    """A person in one partnership: role, organisation and knowledge profile."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("partnership_id", "user_id"),
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),
        # A page of a member list by name reads this index, whatever the partnership's size.
        Index("ix_memberships_by_name", "partnership_id", "sort_name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    bio: Mapped[str] = mapped_column(Text, default="")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The user's name as lists sort it (name_key), kept with the membership so a list is
    # an index range of one table rather than a sort of every member's user row. Written
    # at every flush that adds a membership or renames a user (_keep_sort_names).
    sort_name: Mapped[str] = mapped_column(String(120), default="", server_default="")

    user: Mapped[User] = relationship(back_populates="memberships")
    partnership: Mapped[Partnership] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation | None] = relationship(back_populates="memberships")
    tags: Mapped[list[Tag]] = relationship(secondary=membership_tags, order_by=Tag.name)

    def has_role(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags]


def name_key(name: str) -> str:
    """How member lists sort a name: case-folded and without accents, in Python, so
    every database sorts "Émile" beside "emil" (SQLite's lower() folds ASCII only, and
    a binary order puts "é" after "z")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))[:120]


@event.listens_for(Session, "before_flush")
def _keep_sort_names(session: Session, context, instances) -> None:
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, Membership):
                user = obj.user or (session.get(User, obj.user_id) if obj.user_id else None)
                if user is not None:
                    obj.sort_name = name_key(user.name)
        for obj in session.dirty:
            if isinstance(obj, User) and inspect(obj).attrs.name.history.has_changes():
                for membership in obj.memberships:
                    membership.sort_name = name_key(obj.name)


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20), default="member")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partnership: Mapped[Partnership] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
