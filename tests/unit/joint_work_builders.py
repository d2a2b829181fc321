"""A fixed clock and small builders shared by the joint-work and joinholism tables."""

from datetime import UTC, datetime, timedelta

from coordinator.domain.balance.findings import window_ending
from coordinator.domain.balance.joint_work import Activity, MembershipEvent

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOUR, SECOND = timedelta(hours=1), timedelta(seconds=1)
WINDOW = window_ending(NOW, 28)  # (2026-02-01 12:00, 2026-03-01 12:00]


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def meeting(at: datetime, minutes: float, *attendees: int, kind: str = "meeting") -> Activity:
    return Activity(at, minutes, frozenset(attendees), kind)


def join(at: datetime, member: int) -> MembershipEvent:
    return MembershipEvent("join", at, member)


def leave(at: datetime, member: int) -> MembershipEvent:
    return MembershipEvent("leave", at, member)


FOUR = [join(ago(40), m) for m in (1, 2, 3, 4)]  # four members since before the window
