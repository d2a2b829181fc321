"""Small SQL helpers that differ by dialect."""

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db


def insert_ignoring_conflicts(table):
    """INSERT ... ON CONFLICT DO NOTHING for the current database."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()
