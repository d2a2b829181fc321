"""Personal access tokens: a member makes, names, lists and revokes them on the account
page; the API accepts one per request, in the `Authorization: Bearer` header.

A token acts for its member in one partnership, within its scopes. It is checked against
the database on every request, so a revoked or expired token is refused at once, by
every process.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from ..errors import InvalidInputError
from ..extensions import db
from ..models import ApiToken, IdempotentRequest, Membership, User, utcnow

READ, WRITE = "read", "write"
COORDINATOR_READ, COORDINATOR_WRITE = "coordinator:read", "coordinator:write"
SCOPES = {
    READ: "Read tasks, comments, work logs, members, groups and the knowledge map",
    WRITE: "Post and change tasks, join and leave, log work, comment, edit my profile",
    COORDINATOR_READ: "Read alerts, thresholds, health and power readings (coordinators)",
    COORDINATOR_WRITE: "Act on alerts and change thresholds (coordinators)",
}
COORDINATOR_SCOPES = (COORDINATOR_READ, COORDINATOR_WRITE)
LIFETIMES = {"30": 30, "90": 90, "365": 365, "never": None}  # days
TOUCH_EVERY = timedelta(minutes=1)
REPLAYS_KEPT = timedelta(days=1)  # answers to Idempotency-Keys


def create(member: Membership, name: str, scopes: Iterable[str], lifetime_days: int | None,
           now: datetime | None = None) -> tuple[ApiToken, str]:
    """The new token and its secret, which is never stored and cannot be shown again."""
    now = now or utcnow()
    name = name.strip()
    chosen = sorted(set(scopes))
    if not name or len(name) > 80:
        raise InvalidInputError("Name the token (up to 80 characters).", field="name")
    if not chosen or any(scope not in SCOPES for scope in chosen):
        raise InvalidInputError("Choose what the token may do.", field="scopes")
    if set(chosen) & set(COORDINATOR_SCOPES) and not member.has_role("coordinator"):
        raise InvalidInputError("Only coordinators can give a token the coordinator scopes.",
                                field="scopes")
    if lifetime_days is not None and not 1 <= lifetime_days <= 366:
        raise InvalidInputError("Choose how long the token lasts.", field="lifetime")
    secret = ApiToken.new_secret()
    token = ApiToken(user_id=member.user_id, membership_id=member.id, name=name,
                     secret_hash=ApiToken.hash_of(secret), hint=secret[:9], scopes=chosen,
                     created_at=now,
                     expires_at=now + timedelta(days=lifetime_days) if lifetime_days else None)
    db.session.add(token)
    db.session.flush()
    return token, secret


def of_user(user: User) -> list[ApiToken]:
    """A person's tokens that still work, newest first."""
    now = utcnow()
    return [token for token in db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id.desc()))
        if token.expires_at is None or token.expires_at > now]


def live_of_user(user: User, token_id: int) -> ApiToken | None:
    """One of the person's tokens that is not revoked yet; None for anyone else's."""
    return db.session.scalar(select(ApiToken).where(
        ApiToken.id == token_id, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))


def revoke(user: User, token_id: int, now: datetime | None = None) -> bool:
    """Revoke one of the person's tokens; False when they have no such token."""
    return bool(db.session.execute(
        update(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id,
                               ApiToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())).rowcount)


def authenticate(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The live token with this secret, its membership loaded; None for anything else.

    Marks it used (at most once a minute) on a connection of its own, so the request's
    transaction is neither committed early nor made to carry the write.
    """
    now = now or utcnow()
    # The membership and partnership come with it: every API request reads both.
    token = db.session.scalar(select(ApiToken).options(
        joinedload(ApiToken.membership).joinedload(Membership.partnership)).where(
        ApiToken.secret_hash == ApiToken.hash_of(secret)))
    if (token is None or token.revoked_at is not None
            or (token.expires_at is not None and token.expires_at <= now)):
        return None
    if token.membership is None or token.membership.user_id != token.user_id:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        with db.engine.begin() as connection:
            connection.execute(update(ApiToken).where(ApiToken.id == token.id)
                               .values(last_used_at=now))
    return token


def sweep_replays(now: datetime | None = None) -> int:
    """Delete the answers kept for Idempotency-Keys longer than a day."""
    now = now or utcnow()
    return db.session.execute(delete(IdempotentRequest).where(
        IdempotentRequest.created_at < now - REPLAYS_KEPT)).rowcount or 0


def allows(token: ApiToken, scope: str) -> bool:
    """Whether the token holds `scope`, and its member may still use it (a coordinator
    who stepped down loses the coordinator scopes at once)."""
    if scope not in (token.scopes or []):
        return False
    return scope not in COORDINATOR_SCOPES or token.membership.has_role("coordinator")
