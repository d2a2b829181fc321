"""What the JSON API keeps: personal access tokens, and the answers to requests sent
with an Idempotency-Key."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import Membership, User
from .types import UTCDateTime, utcnow

TOKEN_PREFIX = "pold_"


class ApiToken(db.Model):
    """A member's token for one partnership. Only a hash of the secret is kept: the
    secret itself is shown once, when it is made."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret, so a person can tell their tokens apart.
    hint: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    membership: Mapped[Membership] = relationship()

    @staticmethod
    def new_secret() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash_of(secret: str) -> str:
        # The secret has 256 random bits: a fast hash is as safe as a slow one here, and
        # a lookup by hash needs no per-token salt.
        return hashlib.sha256(secret.encode()).hexdigest()


class IdempotentRequest(db.Model):
    """The first answer to a POST sent with an Idempotency-Key, given again to a repeat."""

    __tablename__ = "api_idempotent_requests"
    __table_args__ = (
        UniqueConstraint("token_id", "key"),
        Index("ix_api_idempotent_requests_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    # Method, path and a hash of the body: a key reused for another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None]
    body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
