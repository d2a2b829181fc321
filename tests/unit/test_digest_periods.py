"""Digest periods as tables: keys at midnight and week edges, send moments across
daylight-saving changes, what the planner finds due, and the preference validators.

Every instant is written in UTC ("Z"); the comments give the local wall time. In late
November Amsterdam is UTC+1, New York UTC−5, Kolkata UTC+5:30 and Auckland UTC+13.
"""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from coordinator.domain.digests.periods import (
    DEFAULT_HOUR,
    DEFAULT_WEEKDAY,
    FREQUENCIES,
    HOUR_ON_THE_HOUR,
    HOUR_WANTED,
    TIMEZONE_NOT_LOCAL,
    TIMEZONE_UNKNOWN,
    TIMEZONE_WANTED,
    due_periods,
    period_key,
    send_moment,
    validate_hour,
    validate_timezone,
)

AMS, NYC, KOL, AKL = "Europe/Amsterdam", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"


def utc(text: str) -> datetime:
    """"2026-11-22T23:30" → that instant, aware, in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_defaults():
    assert FREQUENCIES == ("off", "daily", "weekly")
    assert (DEFAULT_HOUR, DEFAULT_WEEKDAY) == (7, 0)


@pytest.mark.parametrize("moment, tz, day, week", [
    # Sunday 2026-11-22 23:30 UTC: Monday already in Amsterdam and Kolkata, not in New York.
    ("2026-11-22T23:30", "UTC", "2026-11-22", "2026-W47"),
    ("2026-11-22T23:30", AMS, "2026-11-23", "2026-W48"),  # Mon 00:30
    ("2026-11-22T23:30", NYC, "2026-11-22", "2026-W47"),  # Sun 18:30
    ("2026-11-22T23:30", KOL, "2026-11-23", "2026-W48"),  # Mon 05:00
    ("2026-11-22T23:30", AKL, "2026-11-23", "2026-W48"),  # Mon 12:30
    # Local midnight, to the second: the new day starts at 00:00:00 exactly.
    ("2026-11-22T22:59:59", AMS, "2026-11-22", "2026-W47"),  # Sun 23:59:59
    ("2026-11-22T23:00", AMS, "2026-11-23", "2026-W48"),  # Mon 00:00
    ("2026-11-22T18:29:59", KOL, "2026-11-22", "2026-W47"),  # Sun 23:59:59
    ("2026-11-22T18:30", KOL, "2026-11-23", "2026-W48"),  # Mon 00:00
    ("2026-11-22T10:59", AKL, "2026-11-22", "2026-W47"),  # Sun 23:59
    ("2026-11-22T11:00", AKL, "2026-11-23", "2026-W48"),  # Mon 00:00
    ("2026-11-23T04:59", NYC, "2026-11-22", "2026-W47"),  # Sun 23:59
    ("2026-11-23T05:00", NYC, "2026-11-23", "2026-W48"),  # Mon 00:00
    ("2026-11-23T05:00", "UTC", "2026-11-23", "2026-W48"),
    # ISO years: 2026 has 53 weeks, so New Year's Day 2027 is in 2026-W53 ...
    ("2026-12-31T23:30", "UTC", "2026-12-31", "2026-W53"),
    ("2026-12-31T23:30", AMS, "2027-01-01", "2026-W53"),  # Fri 00:30
    ("2026-12-31T23:30", NYC, "2026-12-31", "2026-W53"),
    ("2027-01-03T11:30", NYC, "2027-01-03", "2026-W53"),  # Sun 06:30
    ("2027-01-03T11:30", AKL, "2027-01-04", "2027-W01"),  # Mon 00:30
    ("2027-01-03T23:30", AMS, "2027-01-04", "2027-W01"),  # Mon 00:30
    ("2027-01-04T04:59", NYC, "2027-01-03", "2026-W53"),  # Sun 23:59
    # ... and the last days of 2025 are already in 2026-W01.
    ("2025-12-28T23:30", "UTC", "2025-12-28", "2025-W52"),
    ("2025-12-28T23:30", AMS, "2025-12-29", "2026-W01"),  # Mon 00:30
    ("2025-12-31T12:00", NYC, "2025-12-31", "2026-W01"),
    ("2025-12-31T12:00", AKL, "2026-01-01", "2026-W01"),
])
def test_period_key(moment, tz, day, week):
    assert period_key("daily", utc(moment), tz) == day
    assert period_key("weekly", utc(moment), tz) == week


def test_period_key_takes_any_aware_moment():
    new_york = timezone(timedelta(hours=-5))
    assert period_key("daily", datetime(2026, 11, 22, 18, 30, tzinfo=new_york), AMS) \
        == "2026-11-23"


@pytest.mark.parametrize("frequency, moment, tz", [
    ("daily", datetime(2026, 11, 22, 23, 30), AMS),  # naive
    ("off", utc("2026-11-22T23:30"), AMS),
    ("monthly", utc("2026-11-22T23:30"), AMS),
    ("daily", utc("2026-11-22T23:30"), "localtime"),
    ("daily", utc("2026-11-22T23:30"), "Mars/Olympus_Mons"),
])
def test_period_key_refuses(frequency, moment, tz):
    with pytest.raises(ValueError):
        period_key(frequency, moment, tz)


@pytest.mark.parametrize("frequency, key, tz, hour, weekday, expected", [
    ("daily", "2026-11-23", AMS, 7, 0, "2026-11-23T06:00"),
    ("daily", "2026-11-23", NYC, 7, 0, "2026-11-23T12:00"),
    ("daily", "2026-11-23", KOL, 7, 0, "2026-11-23T01:30"),
    ("daily", "2026-11-23", AKL, 7, 0, "2026-11-22T18:00"),  # the day before, in UTC
    ("daily", "2026-11-23", "UTC", 0, 0, "2026-11-23T00:00"),
    ("daily", "2026-11-23", AMS, 23, 0, "2026-11-23T22:00"),
    # Weekly: the weekday of the ISO week (0 = Monday), weekday ignored for daily.
    ("daily", "2026-11-23", AMS, 7, 4, "2026-11-23T06:00"),
    ("weekly", "2026-W48", AMS, 7, 0, "2026-11-23T06:00"),  # Monday
    ("weekly", "2026-W48", AMS, 7, 4, "2026-11-27T06:00"),  # Friday
    ("weekly", "2026-W48", AMS, 7, 6, "2026-11-29T06:00"),  # Sunday
    ("weekly", "2026-W48", AKL, 7, 0, "2026-11-22T18:00"),
    ("weekly", "2026-W53", AMS, 7, 0, "2026-12-28T06:00"),
    ("weekly", "2026-W53", AMS, 7, 4, "2027-01-01T06:00"),  # 2027's first day, 2026's week
    ("weekly", "2027-W01", AMS, 7, 0, "2027-01-04T06:00"),
    ("weekly", "2026-W01", AMS, 7, 0, "2025-12-29T06:00"),
])
def test_send_moment(frequency, key, tz, hour, weekday, expected):
    assert send_moment(frequency, key, tz, hour, weekday) == utc(expected)


@pytest.mark.parametrize("tz, day, hour, expected, local", [
    # Spring forward, Amsterdam: 02:00 CET → 03:00 CEST at 01:00 UTC; 02:xx never happens.
    (AMS, "2026-03-29", 1, "2026-03-29T00:00", "01:00+01:00"),
    (AMS, "2026-03-29", 2, "2026-03-29T01:00", "03:00+02:00"),  # gap: end of the gap
    (AMS, "2026-03-29", 3, "2026-03-29T01:00", "03:00+02:00"),
    (AMS, "2026-03-29", 7, "2026-03-29T05:00", "07:00+02:00"),
    # Fall back, Amsterdam: 03:00 CEST → 02:00 CET at 01:00 UTC; 02:xx happens twice.
    (AMS, "2026-10-25", 1, "2026-10-24T23:00", "01:00+02:00"),
    (AMS, "2026-10-25", 2, "2026-10-25T00:00", "02:00+02:00"),  # ambiguous: the first
    (AMS, "2026-10-25", 3, "2026-10-25T02:00", "03:00+01:00"),
    (AMS, "2026-10-25", 7, "2026-10-25T06:00", "07:00+01:00"),
    # Spring forward, New York: 02:00 EST → 03:00 EDT at 07:00 UTC.
    (NYC, "2026-03-08", 1, "2026-03-08T06:00", "01:00-05:00"),
    (NYC, "2026-03-08", 2, "2026-03-08T07:00", "03:00-04:00"),  # gap
    (NYC, "2026-03-08", 3, "2026-03-08T07:00", "03:00-04:00"),
    # Fall back, New York: 02:00 EDT → 01:00 EST at 06:00 UTC; 01:xx happens twice.
    (NYC, "2026-11-01", 0, "2026-11-01T04:00", "00:00-04:00"),
    (NYC, "2026-11-01", 1, "2026-11-01T05:00", "01:00-04:00"),  # ambiguous: the first
    (NYC, "2026-11-01", 2, "2026-11-01T07:00", "02:00-05:00"),
    # Auckland, where spring is in September.
    (AKL, "2026-09-27", 2, "2026-09-26T14:00", "03:00+13:00"),  # gap
    (AKL, "2026-04-05", 2, "2026-04-04T13:00", "02:00+13:00"),  # ambiguous: the first
    # Lord Howe moves its clocks by half an hour: the gap ends at 02:30, not on the hour.
    ("Australia/Lord_Howe", "2026-10-04", 2, "2026-10-03T15:30", "02:30+11:00"),
    # Kolkata has no daylight saving: nothing moves.
    (KOL, "2026-03-29", 2, "2026-03-28T20:30", "02:00+05:30"),
])
def test_send_moment_across_daylight_saving(tz, day, hour, expected, local):
    moment = send_moment("daily", day, tz, hour)
    assert moment == utc(expected)
    assert moment.tzinfo is UTC
    assert moment.astimezone(ZoneInfo(tz)).isoformat(timespec="minutes") == f"{day}T{local}"


@pytest.mark.parametrize("tz, day, hour, expected, local", [
    # Gaps that do not start on the hour, where reading the wall time with the old offset
    # would land inside the new day or an hour late; the send moment is the gap's end.
    # St. John's, 1987: 00:01 NST → 01:01 NDT, so 01:00 is skipped and 01:01 comes next.
    ("America/St_Johns", "1987-04-05", 1, "1987-04-05T03:31", "1987-04-05T01:01-02:30"),
    # Samoa skipped 30 December 2011 entirely: its digest goes out at 31 December 00:00.
    ("Pacific/Apia", "2011-12-30", 7, "2011-12-30T10:00", "2011-12-31T00:00+14:00"),
])
def test_send_moment_at_the_end_of_odd_gaps(tz, day, hour, expected, local):
    moment = send_moment("daily", day, tz, hour)
    assert moment == utc(expected)
    assert moment.astimezone(ZoneInfo(tz)).isoformat(timespec="minutes") == local


def test_a_skipped_day_is_still_planned_by_a_member_with_history():
    since, now = utc("2011-12-29T17:00"), utc("2011-12-30T12:00")  # 31 Dec 02:00 in Apia
    assert due_periods("daily", now, "Pacific/Apia", 7, since, max_catch_up=2) \
        == ["2011-12-30"]


def test_weekly_send_moment_on_a_daylight_saving_sunday():
    assert send_moment("weekly", "2026-W13", AMS, 2, weekday=6) == utc("2026-03-29T01:00")
    assert send_moment("weekly", "2026-W43", AMS, 2, weekday=6) == utc("2026-10-25T00:00")


@pytest.mark.parametrize("frequency, key, hour, weekday", [
    ("daily", "2026-W48", 7, 0),
    ("weekly", "2026-11-23", 7, 0),
    ("daily", "20261123", 7, 0),  # another spelling of the same day
    ("weekly", "2026-W48-1", 7, 0),
    ("weekly", "2026-w48", 7, 0),
    ("daily", "2026-02-30", 7, 0),
    ("weekly", "2027-W53", 7, 0),  # 2027 has 52 weeks
    ("weekly", "2026-W00", 7, 0),
    ("off", "2026-11-23", 7, 0),
    ("daily", "2026-11-23", 24, 0),
    ("daily", "2026-11-23", -1, 0),
    ("daily", "2026-11-23", True, 0),
    ("weekly", "2026-W48", 7, 7),
    ("weekly", "2026-W48", 7, -1),
])
def test_send_moment_refuses(frequency, key, hour, weekday):
    with pytest.raises(ValueError):
        send_moment(frequency, key, AMS, hour, weekday)


# Daily digests at 07:00 in Amsterdam: 06:00 UTC in November.
@pytest.mark.parametrize("now, since, catch_up, expected", [
    # A new member (no digest yet): nothing before the send hour, today's after it.
    ("2026-11-23T05:59", None, 1, []),
    ("2026-11-23T06:00", None, 1, ["2026-11-23"]),
    ("2026-11-23T06:15", None, 1, ["2026-11-23"]),
    ("2026-11-23T05:59", None, 3, []),  # catch-up never reaches back for a new member
    # Yesterday's was planned: nothing before the send hour, today's after it.
    ("2026-11-23T05:45", "2026-11-22T06:00", 1, []),
    ("2026-11-23T06:00", "2026-11-22T06:00", 1, ["2026-11-23"]),
    ("2026-11-23T06:15", "2026-11-22T06:15", 1, ["2026-11-23"]),
    # Nothing twice: today's was planned at its moment, or at a later tick.
    ("2026-11-23T06:00", "2026-11-23T06:00", 1, []),
    ("2026-11-23T06:15", "2026-11-23T06:00", 1, []),
    ("2026-11-23T23:45", "2026-11-23T06:15", 3, []),
    # Down from Friday's tick to Monday 10:00: three days missed.
    ("2026-11-23T09:00", "2026-11-20T06:15", 1, ["2026-11-23"]),
    ("2026-11-23T09:00", "2026-11-20T06:15", 2, ["2026-11-22", "2026-11-23"]),
    ("2026-11-23T09:00", "2026-11-20T06:15", 5, ["2026-11-21", "2026-11-22", "2026-11-23"]),
    # Back before Monday's send hour: Sunday's is the most recent missed one.
    ("2026-11-23T05:00", "2026-11-20T06:15", 1, ["2026-11-22"]),
    ("2026-11-23T05:00", "2026-11-20T06:15", 2, ["2026-11-21", "2026-11-22"]),
    # A clock that went backwards finds nothing.
    ("2026-11-23T09:00", "2026-11-24T06:00", 1, []),
])
def test_due_daily(now, since, catch_up, expected):
    since_utc = None if since is None else utc(since)
    assert due_periods("daily", utc(now), AMS, 7, since_utc, max_catch_up=catch_up) == expected


# Weekly digests on Monday at 07:00 in Amsterdam (Monday 06:00 UTC), unless told otherwise.
@pytest.mark.parametrize("now, since, weekday, catch_up, expected", [
    ("2026-11-23T05:59", None, 0, 1, []),
    ("2026-11-23T06:00", None, 0, 1, ["2026-W48"]),
    ("2026-11-29T22:59", None, 0, 1, ["2026-W48"]),  # Sunday 23:59: still this week's
    ("2026-11-23T06:15", "2026-11-16T06:15", 0, 1, ["2026-W48"]),
    ("2026-11-26T12:00", "2026-11-23T06:15", 0, 1, []),  # planned on Monday already
    ("2026-11-22T20:00", "2026-11-16T06:05", 0, 1, []),  # Sunday: next one is Monday's
    # Friday digests: a member who joins on Wednesday waits for Friday.
    ("2026-11-25T12:00", None, 4, 1, []),
    ("2026-11-27T06:00", None, 4, 1, ["2026-W48"]),
    ("2026-11-25T12:00", "2026-11-20T06:15", 4, 1, []),
    # Down from W45's tick to Wednesday of W48: W46, W47 and W48 missed.
    ("2026-11-25T12:00", "2026-11-02T06:15", 0, 1, ["2026-W48"]),
    ("2026-11-25T12:00", "2026-11-02T06:15", 0, 2, ["2026-W47", "2026-W48"]),
    # Across the ISO year: W53 of 2026, then W01 of 2027.
    ("2027-01-05T08:00", "2026-12-21T06:15", 0, 2, ["2026-W53", "2027-W01"]),
    ("2027-01-03T08:00", "2026-12-21T06:15", 0, 2, ["2026-W53"]),
])
def test_due_weekly(now, since, weekday, catch_up, expected):
    since_utc = None if since is None else utc(since)
    assert due_periods("weekly", utc(now), AMS, 7, since_utc, weekday=weekday,
                       max_catch_up=catch_up) == expected


def test_due_in_other_zones():
    # 21:00 in New York on Sunday is 02:00 UTC on Monday: the period is still Sunday.
    assert due_periods("daily", utc("2026-11-23T03:00"), NYC, 21, None) == ["2026-11-22"]
    # 07:00 in Auckland on Monday is 18:00 UTC on Sunday.
    assert due_periods("daily", utc("2026-11-22T18:00"), AKL, 7, None) == ["2026-11-23"]
    assert due_periods("weekly", utc("2026-11-22T18:00"), AKL, 7, None) == ["2026-W48"]
    assert due_periods("daily", utc("2026-11-23T01:29"), KOL, 7, None) == []
    assert due_periods("daily", utc("2026-11-23T01:30"), KOL, 7, None) == ["2026-11-23"]


def test_due_when_off_is_nothing():
    assert due_periods("off", utc("2026-11-23T09:00"), AMS, 7, None) == []


@pytest.mark.parametrize("now, since, catch_up", [
    (datetime(2026, 11, 23, 9), None, 1),
    (utc("2026-11-23T09:00"), datetime(2026, 11, 22, 9), 1),
    (utc("2026-11-23T09:00"), None, 0),
])
def test_due_refuses(now, since, catch_up):
    with pytest.raises(ValueError):
        due_periods("daily", now, AMS, 7, since, max_catch_up=catch_up)


@pytest.mark.parametrize("frequency, tz, hour, start, days, first, last, count", [
    # Through spring forward with a send hour that does not exist that night.
    ("daily", AMS, 2, "2026-03-25T00:00", 8, "2026-03-25", "2026-04-01", 8),
    ("daily", NYC, 2, "2026-03-05T05:00", 8, "2026-03-05", "2026-03-12", 8),
    # Through fall back with a send hour that happens twice.
    ("daily", AMS, 2, "2026-10-22T00:00", 8, "2026-10-22", "2026-10-29", 8),
    ("daily", NYC, 1, "2026-10-29T04:00", 8, "2026-10-29", "2026-11-05", 8),
    ("weekly", AMS, 7, "2026-12-14T00:00", 28, "2026-W51", "2027-W01", 4),
])
def test_planner_every_quarter_hour_plans_each_period_once(frequency, tz, hour, start,
                                                           days, first, last, count):
    """Run the planner as cron would: every period once, in order, none skipped."""
    planned: list[str] = []
    since = None
    tick = utc(start)
    for _ in range(days * 96):
        due = due_periods(frequency, tick, tz, hour, since)
        if due:
            planned.extend(due)
            since = tick
        tick += timedelta(minutes=15)
    assert len(planned) == len(set(planned)) == count
    assert (planned[0], planned[-1]) == (first, last)
    assert planned == sorted(planned)


@pytest.mark.parametrize("name, message", [
    ("Europe/Amsterdam", None),
    ("America/New_York", None),
    ("Asia/Kolkata", None),
    ("UTC", None),
    ("", TIMEZONE_WANTED),
    ("   ", TIMEZONE_WANTED),
    (None, TIMEZONE_WANTED),
    (1, TIMEZONE_WANTED),
    ("local", TIMEZONE_NOT_LOCAL),
    ("localtime", TIMEZONE_NOT_LOCAL),
    ("/etc/localtime", TIMEZONE_UNKNOWN),
    ("../../etc/passwd", TIMEZONE_UNKNOWN),
    ("Europe/../UTC", TIMEZONE_UNKNOWN),
    ("Europe\\Amsterdam", TIMEZONE_UNKNOWN),
    ("europe/amsterdam", TIMEZONE_UNKNOWN),
    (" Europe/Amsterdam", TIMEZONE_UNKNOWN),
    ("Europe/Atlantis", TIMEZONE_UNKNOWN),
    ("Europe", TIMEZONE_UNKNOWN),
    ("posixrules", TIMEZONE_UNKNOWN),
])
def test_validate_timezone(name, message):
    assert validate_timezone(name) == message


@pytest.mark.parametrize("value, expected", [
    (0, (0, None)),
    (7, (7, None)),
    (23, (23, None)),
    (7.0, (7, None)),
    ("7", (7, None)),
    (" 07 ", (7, None)),
    ("07:00", (7, None)),
    ("7:00", (7, None)),
    ("23:00:00", (23, None)),
    ("00:00", (0, None)),
    (24, (None, HOUR_WANTED)),
    (-1, (None, HOUR_WANTED)),
    ("24", (None, HOUR_WANTED)),
    ("24:00", (None, HOUR_WANTED)),
    ("-1", (None, HOUR_WANTED)),
    (7.5, (None, HOUR_WANTED)),
    ("7.5", (None, HOUR_WANTED)),
    (float("nan"), (None, HOUR_WANTED)),
    (True, (None, HOUR_WANTED)),
    (None, (None, HOUR_WANTED)),
    ("", (None, HOUR_WANTED)),
    ("seven", (None, HOUR_WANTED)),
    ("٧", (None, HOUR_WANTED)),  # an Arabic-Indic seven: int() would take it
    ("007", (None, HOUR_WANTED)),
    ("07:60", (None, HOUR_WANTED)),
    ("07:30", (None, HOUR_ON_THE_HOUR)),
    ("07:00:30", (None, HOUR_ON_THE_HOUR)),
])
def test_validate_hour(value, expected):
    assert validate_hour(value) == expected
