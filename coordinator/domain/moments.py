"""Moments given on the command line or to a job: ISO 8601 with a UTC offset.

Jobs compare a moment with stored UTC times, so one without an offset is refused rather
than guessed: "08:00" on a laptop in Amsterdam is not 08:00 on the server.
"""

from datetime import UTC, datetime

EXAMPLE = "2026-11-23T07:00:00+00:00"


def parse_moment(text: str) -> datetime:
    """An aware UTC datetime; ValueError says what is wrong, in words for a person."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"“{text}” is not an ISO 8601 date and time; use e.g. {EXAMPLE}") \
            from None
    if moment.tzinfo is None:
        raise ValueError(f"“{text}” has no UTC offset; add one, e.g. {EXAMPLE}")
    return moment.astimezone(UTC)
