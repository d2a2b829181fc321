"""Throw-away databases for tests: created next to DATABASE_URL, or SQLite files."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from config import database_url

SHARED_POSTGRES = os.environ.get("TEST_POSTGRES_URL",
                                 "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def throwaway_database(folder: Path, prefix: str = "polder_test") -> Iterator[str]:
    """A fresh, empty database URI, dropped afterwards; PostgreSQL when DATABASE_URL says so."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql")):
        yield f"sqlite:///{folder / f'{prefix}.db'}"
        return
    with _created_beside(database_url(url), prefix) as created:
        yield created


@contextmanager
def shared_postgres_database(prefix: str) -> Iterator[str]:
    """A fresh database on the shared PostgreSQL server (TEST_POSTGRES_URL), whatever
    DATABASE_URL says, for tests of what production runs on; down, it fails the test in
    CI and skips it elsewhere."""
    probe = create_engine(SHARED_POSTGRES)
    try:
        with probe.connect():
            pass
    except OperationalError as down:
        message = f"PostgreSQL is not reachable at {SHARED_POSTGRES}: {down}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    finally:
        probe.dispose()
    with _created_beside(SHARED_POSTGRES, prefix) as created:
        yield created


@contextmanager
def _created_beside(url: str, prefix: str) -> Iterator[str]:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{url.rpartition('/')[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_tables(db) -> None:
    """Delete every row of every table, keeping the schema."""
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
