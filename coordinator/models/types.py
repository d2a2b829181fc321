"""Column types and index helpers shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Index
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC")
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return datetime.combine(value.date(), value.time())  # naive UTC

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        # Not value.replace(tzinfo=UTC), which is several times slower (its keyword
        # arguments): an evaluation reads a million of them.
        return datetime.combine(value.date(), value.time(), UTC)

    def result_processor(self, dialect, coltype):
        slow = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite":
            return slow

        # SQLite returns the stored UTC text: parsed with its offset, it is aware in one
        # step, twice as fast again as parsing and then attaching the zone.
        def process(value):
            if value is None:
                return None
            if len(value) >= 19:  # "YYYY-MM-DD HH:MM:SS[.ffffff]", as written
                try:
                    return datetime.fromisoformat(value + "+00:00")
                except ValueError:  # text in another shape: the usual way
                    pass
            return slow(value)
        return process


def postgresql_only(index: Index) -> Index:
    """An index PostgreSQL alone has (a GIN index, say): created there only, and compared
    there only by the migrations' check (`only_on`; Alembic does not read `ddl_if`)."""
    index.info["only_on"] = "postgresql"
    return index.ddl_if(dialect="postgresql")
