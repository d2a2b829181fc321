"""Small SQL helpers that differ by database, on the database the suite runs against."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from coordinator.domain import weekly
from coordinator.extensions import db
from coordinator.models import Reading
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
