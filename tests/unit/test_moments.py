"""--now and the jobs' `now`: one parser, ISO 8601 with a UTC offset, kept as UTC."""

from datetime import UTC, datetime

import pytest

from coordinator.domain.moments import parse_moment


@pytest.mark.parametrize("text", ["2026-11-23T08:00:00+00:00", "2026-11-23T08:00Z",
                                  "2026-11-23T09:00:00+01:00"])
def test_an_offset_gives_the_same_utc_moment(text):
    moment = parse_moment(text)
    assert moment == datetime(2026, 11, 23, 8, tzinfo=UTC) and moment.tzinfo is UTC


@pytest.mark.parametrize(("text", "words"), [
    ("2026-11-23T08:00:00", "no UTC offset"),
    ("next tuesday", "not an ISO 8601"),
    ("2026-13-01T08:00:00+00:00", "not an ISO 8601"),
])
def test_a_moment_that_could_be_misread_is_refused_in_words(text, words):
    with pytest.raises(ValueError, match=words):
        parse_moment(text)
