"""Counting the SQL statements a request runs, for tests that a page's queries do not grow
with the data (no N+1, no per-row lookups)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def counted_queries(engine) -> Iterator[list[str]]:
    """The statements run on `engine` inside the block, in order."""
    statements: list[str] = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)
