"""Login sessions end on the server: after an idle time, after a lifetime, on request.

A session row is the only thing a cookie names (the cookie holds its token), so ending
the row ends the session in every process at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from ..extensions import db
from ..models import LoginSession, User, utcnow

TOUCH_EVERY = timedelta(minutes=1)  # how stale last_seen_at may be: one write a minute


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    absolute: timedelta

    @classmethod
    def from_config(cls, config) -> Lifetimes:
        return cls(timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
                   timedelta(hours=config["SESSION_MAX_HOURS"]))


def is_over(row: LoginSession, limits: Lifetimes, now: datetime) -> bool:
    return now - row.last_seen_at > limits.idle or now - row.created_at > limits.absolute


def start(user: User, user_agent: str, client: str, now: datetime | None = None) -> str:
    token = LoginSession.new_token()
    now = now or utcnow()
    db.session.add(LoginSession(token=token, user_id=user.id, created_at=now,
                                last_seen_at=now, user_agent=user_agent[:200],
                                client=client[:64]))
    user.session_token = token
    return token


def resume(token: str, limits: Lifetimes, now: datetime | None = None) -> User | None:
    """The user of a live session; an ended one is deleted and gives None."""
    now = now or utcnow()
    row = db.session.get(LoginSession, token)
    if row is None:
        return None
    # On a connection of their own: the user is loaded in the middle of a request, whose
    # own transaction must neither be committed early nor carry this along.
    if is_over(row, limits, now):
        with db.engine.begin() as connection:
            connection.execute(delete(LoginSession).where(LoginSession.token == token))
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        with db.engine.begin() as connection:
            connection.execute(update(LoginSession).where(LoginSession.token == token)
                               .values(last_seen_at=now))
    user = row.user
    user.session_token = token
    return user


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))


def browser_label(user_agent: str) -> str:
    """'Firefox on Windows' from a User-Agent string, for a person to recognise a
    session; the string itself is kept for those who want it."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "An unknown browser"


def of_user(user_id: int) -> list[LoginSession]:
    return list(db.session.scalars(select(LoginSession).where(LoginSession.user_id == user_id)
                                   .order_by(LoginSession.last_seen_at.desc())))


def public_id(token: str) -> str:
    """What a page and its URLs name a session by: the token itself would let anyone who
    reads the page (or a log of its URLs) use the session."""
    return hashlib.sha256(token.encode()).hexdigest()[:20]


def end_other(user_id: int, session_id: str, current: str) -> bool:
    """End one of the user's sessions other than this one; False if there is no such."""
    for row in of_user(user_id):
        if public_id(row.token) == session_id and row.token != current:
            db.session.delete(row)
            return True
    return False


def end_all_others(user_id: int, current: str) -> int:
    return db.session.execute(delete(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.token != current)).rowcount or 0


def sweep(limits: Lifetimes, now: datetime | None = None) -> int:
    """Delete every ended session; returns how many."""
    now = now or utcnow()
    return db.session.execute(delete(LoginSession).where(or_(
        LoginSession.last_seen_at < now - limits.idle,
        LoginSession.created_at < now - limits.absolute))).rowcount or 0
