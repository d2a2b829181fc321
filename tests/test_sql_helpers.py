"""Small SQL helpers that differ by database, on the database the suite runs against."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from coordinator.domain import weekly
from coordinator.extensions import db
from coordinator.models import Partnership, Reading
from coordinator.services.sql import insert_many


def test_readings_go_in_as_written_on_either_database(make):
    """`insert_many` (COPY on PostgreSQL): aware times come back as the same UTC moment,
    an unmeasurable reading stays empty, and the rows join the caller's transaction."""
    partnership = make.partnership(slug="copy")
    make.commit()
    at = datetime(2026, 11, 23, 12, 30, 5, 123456, tzinfo=UTC)
    insert_many(Reading.__table__, [
        {"partnership_id": partnership.id, "week": at.date(), "metric": weekly.EI,
         "scope_type": "partnership", "scope_key": "0", "value": value, "measured_at": at}
        for value in (-0.25, None)])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Reading)) == 0
    insert_many(Reading.__table__, [
        {"partnership_id": partnership.id, "week": at.date(), "metric": weekly.EI,
         "scope_type": key, "scope_key": "0", "value": value, "measured_at": at}
        for key, value in (("partnership", -0.25), ("cluster", None))])
    db.session.commit()
    stored = db.session.execute(select(Reading.scope_type, Reading.value, Reading.measured_at)
                                .order_by(Reading.id)).all()
    assert [tuple(row) for row in stored] == [("partnership", -0.25, at), ("cluster", None, at)]


@pytest.mark.parametrize(("stored", "read"), [
    ("2026-11-23 12:30:05.123456", datetime(2026, 11, 23, 12, 30, 5, 123456, tzinfo=UTC)),
    ("2026-11-23 12:30:05", datetime(2026, 11, 23, 12, 30, 5, tzinfo=UTC)),
    ("2026-11-23", datetime(2026, 11, 23, tzinfo=UTC)),
])
def test_times_come_back_as_aware_utc_however_they_were_stored(make, stored, read):
    """UTCDateTime reads SQLite's text in one step (a fast path); with or without
    fractions of a second, or a bare date written by hand, a time comes back aware."""
    partnership = make.partnership(slug="times")
    make.commit()
    db.session.execute(text("UPDATE partnerships SET created_at = :at WHERE id = :id"),
                       {"at": stored, "id": partnership.id})
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(Partnership.created_at)) == read
    assert db.session.get(Partnership, partnership.id).created_at.tzinfo is UTC
