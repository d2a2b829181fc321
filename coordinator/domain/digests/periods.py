"""Digest periods: which day or ISO week a digest belongs to, and when it falls due.

The outbox keeps one row per (member, kind, period_key), so the key is what makes a
digest "exactly once": `2026-11-23` for a daily digest, `2026-W48` for a weekly one,
always reckoned in the member's own time zone. A digest falls due at the member's local
send hour on that day (daily) or on the chosen weekday of that week (weekly).

The planner runs every 15 minutes with an injected `now` and may have been down for a
while; `due_periods` tells it which periods to insert. Nothing here reads a clock.

Daylight saving, the rule in one place: a send hour that does not exist that day (the
clocks skip it in spring) is sent at the first instant after the gap (02:00 or 02:30
in Amsterdam on the last Sunday of March becomes 03:00); a send hour that happens twice
(the clocks fall back in autumn) is sent at its first occurrence (fold=0). Either way
the digest still goes out that day, once.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

OFF, DAILY, WEEKLY = "off", "daily", "weekly"
FREQUENCIES = (OFF, DAILY, WEEKLY)
DEFAULT_FREQUENCY = WEEKLY
DEFAULT_TIMEZONE = "UTC"
DEFAULT_HOUR = 7  # local 07:00
DEFAULT_WEEKDAY = 0  # Monday, as in date.weekday(): weekly digests open the week

TIMEZONE_WANTED = "Choose a time zone, such as Europe/Amsterdam."
TIMEZONE_UNKNOWN = "Unknown time zone: choose one from the list, such as Europe/Amsterdam."
TIMEZONE_NOT_LOCAL = ("Choose a named time zone, such as Europe/Amsterdam: "
                      "the server's local time is not yours.")
HOUR_WANTED = "Enter a whole hour from 0 to 23."
HOUR_ON_THE_HOUR = "Digests go out on the hour: choose a time such as 07:00."

# Present in the zoneinfo folder on many systems but not places people live: "localtime"
# is whatever the server is set to, "posixrules" a template, "Factory" a placeholder.
_SERVER_LOCAL = frozenset({"local", "localtime"})
_NOT_PLACES = _SERVER_LOCAL | {"posixrules", "Factory"}
_DAY_KEY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_WEEK_KEY = re.compile(r"(\d{4})-W(\d{2})", re.ASCII)
# A typed hour ("7", "07") or what an <input type="time"> sends ("07:00", "07:00:00").
_HOUR_TEXT = re.compile(r"(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?", re.ASCII)


@cache
def _known_timezones() -> frozenset[str]:
    # available_timezones() walks the zoneinfo folders on every call; the set is fixed
    # for the life of the process.
    return frozenset(available_timezones()) - _NOT_PLACES


def validate_timezone(name: object) -> str | None:
    """A message for the time zone field, or None when `name` is an IANA zone people live in.

    Only exact names from the IANA database pass: no surrounding spaces, no paths, no
    "localtime" (it would silently follow the server's clock, not the member's).
    """
    if not isinstance(name, str) or not name.strip():
        return TIMEZONE_WANTED
    if name in _SERVER_LOCAL:
        return TIMEZONE_NOT_LOCAL
    # Membership of the known set already refuses paths; the explicit check keeps that
    # true even if a system's zoneinfo folder holds something odd.
    if name.startswith("/") or "\\" in name or ".." in name:
        return TIMEZONE_UNKNOWN
    return None if name in _known_timezones() else TIMEZONE_UNKNOWN


def validate_hour(value: object) -> tuple[int | None, str | None]:
    """A typed send hour → (hour, None), or (None, message for the field).

    Accepts 0–23 as a number or as text ("7", "07", "07:00"); digests go out on the hour,
    so "07:30" is refused rather than quietly rounded.
    """
    if isinstance(value, bool):  # True is an int to Python, not an hour to anyone
        return None, HOUR_WANTED
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None, HOUR_WANTED
        value = int(value)
    if isinstance(value, str):
        match = _HOUR_TEXT.fullmatch(value.strip())
        if match is None:
            return None, HOUR_WANTED
        hour, minutes, seconds = match.groups()
        if int(hour) > 23 or int(minutes or 0) > 59 or int(seconds or 0) > 59:
            return None, HOUR_WANTED
        if int(minutes or 0) or int(seconds or 0):
            return None, HOUR_ON_THE_HOUR
        value = int(hour)
    if not isinstance(value, int) or not 0 <= value <= 23:
        return None, HOUR_WANTED
    return value, None


def period_key(frequency: str, moment_utc: datetime, tz: str) -> str:
    """The period `moment_utc` falls in, in zone `tz`: "2026-11-23" or "2026-W48".

    Weeks are ISO weeks with the ISO year, so 2027-01-01 is "2026-W53", not "2027-W53".
    """
    if moment_utc.tzinfo is None or moment_utc.utcoffset() is None:
        raise ValueError("period_key needs an aware datetime, not a naive one")
    local = moment_utc.astimezone(_zone(tz)).date()
    return _key_of(_checked_frequency(frequency), local)


def send_moment(frequency: str, key: str, tz: str, hour: int,
                weekday: int = DEFAULT_WEEKDAY) -> datetime:
    """The UTC instant at which the digest of period `key` falls due.

    Local `hour`:00 on that day (daily) or on `weekday` (0 = Monday) of that ISO week
    (weekly), with the daylight-saving rule of the module docstring.
    """
    frequency = _checked_frequency(frequency)
    _check_hour(hour)
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday!r}")
    day = _period_start(frequency, key) + timedelta(days=weekday if frequency == WEEKLY else 0)
    return _local_instant(day, hour, _zone(tz))


def due_periods(frequency: str, now_utc: datetime, tz: str, hour: int,
                since_utc: datetime | None, weekday: int = DEFAULT_WEEKDAY,
                max_catch_up: int = 1) -> list[str]:
    """Period keys to plan now, oldest first: send moment ≤ now and > since.

    `since_utc` is when the member's last digest was planned; None for a member who never
    had one, who then gets only the current period, once its moment has passed. After
    downtime at most `max_catch_up` of the most recent missed periods come back, and
    older ones are skipped on purpose: a digest summarises what is new, so five stale
    ones arriving at once would be noise, and the newest already covers their news.
    """
    if max_catch_up < 1:
        raise ValueError("max_catch_up must be at least 1")
    if now_utc.tzinfo is None or (since_utc is not None and since_utc.tzinfo is None):
        raise ValueError("due_periods needs aware datetimes, not naive ones")
    if frequency == OFF:
        return []
    current = period_key(frequency, now_utc, tz)
    if since_utc is None:
        # A new member has missed nothing: a digest for last week on the day they join
        # would be about a time before they were here.
        return [current] if send_moment(frequency, current, tz, hour, weekday) <= now_utc else []
    start = _period_start(frequency, current)
    step = timedelta(days=7 if frequency == WEEKLY else 1)
    due: list[str] = []
    # Walk back from the current period. Send moments only move earlier as we go, so
    # the walk ends at `since`; the bound covers a current period not yet due, plus one
    # spare for a moment pushed past midnight by a daylight-saving gap.
    for back in range(max_catch_up + 2):
        key = _key_of(frequency, start - back * step)
        moment = send_moment(frequency, key, tz, hour, weekday)
        if moment <= since_utc or len(due) == max_catch_up:
            break
        if moment <= now_utc:
            due.append(key)
    return due[::-1]


def _checked_frequency(frequency: str) -> str:
    if frequency not in (DAILY, WEEKLY):
        raise ValueError(f"no digest periods for frequency {frequency!r}")
    return frequency


def _check_hour(hour: int) -> None:
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ValueError(f"hour must be a whole hour from 0 to 23, not {hour!r}")


def _zone(tz: str) -> ZoneInfo:
    # Stored preferences were validated on the way in; refusing here as well keeps a
    # bad row from being planned against the server's local time.
    message = validate_timezone(tz)
    if message is not None:
        raise ValueError(f"{tz!r}: {message}")
    return ZoneInfo(tz)


def _key_of(frequency: str, day: date) -> str:
    if frequency == DAILY:
        return day.isoformat()
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _period_start(frequency: str, key: str) -> date:
    """The day of a daily key, or the Monday of a weekly key."""
    # Regexes first: date.fromisoformat also takes "20261123" and "2026-W48-1", which
    # would let two spellings of one period past the UNIQUE constraint.
    pattern = _DAY_KEY if frequency == DAILY else _WEEK_KEY
    match = pattern.fullmatch(key) if isinstance(key, str) else None
    if match is None:
        raise ValueError(f"{key!r} is not a {frequency} period key")
    numbers = [int(part) for part in match.groups()]
    try:
        if frequency == DAILY:
            return date(*numbers)
        return date.fromisocalendar(numbers[0], numbers[1], 1)
    except ValueError as error:  # 2026-02-30, or week 53 of a 52-week year
        raise ValueError(f"{key!r} is not a {frequency} period key: {error}") from None


def _local_instant(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """Local `hour`:00 on `day` in UTC; a skipped hour moves to the end of the gap."""
    wall = datetime.combine(day, time(hour), tzinfo=zone)  # fold=0: first if ambiguous
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return instant
    # In a gap, fold=0 reads the wall time with the offset before the change and fold=1
    # with the offset after; the change itself lies between the two readings.
    before = wall.utcoffset() or timedelta()  # a ZoneInfo always has an offset
    after = wall.replace(fold=1).utcoffset() or timedelta()
    naive = wall.replace(tzinfo=None)
    low = (naive - after).replace(tzinfo=UTC)  # still on the old offset
    high = (naive - before).replace(tzinfo=UTC)  # already on the new one
    # Bisect to the second: a gap is at most a day, so this takes ≤ 17 halvings.
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) // 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high
