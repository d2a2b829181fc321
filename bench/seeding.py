"""What the benchmarks share: a throwaway database, and bulk inserts that count rows."""

from __future__ import annotations

import os
import sys

PG_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
CHUNK = 10_000


def server_url() -> str:
    """The PostgreSQL server to use: $DATABASE_URL when it names one, else the local one."""
    from config import database_url

    env = os.environ.get("DATABASE_URL", "")
    return database_url(env if env.startswith(("postgres://", "postgresql")) else PG_SERVER)


def throwaway_database(kind: str, folder: str, pg_name: str) -> str:
    """A fresh database URL: a file in `folder`, or `pg_name` (re)created on the server."""
    if kind == "sqlite":
        return f"sqlite:///{folder}/bench.db"
    server = server_url()
    base, _, name = server.rpartition("/")
    if name.split("?")[0] == pg_name:
        sys.exit(f"DATABASE_URL names {pg_name}, the database this bench drops; "
                 "point it at another database on the server")
    admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)', f'CREATE DATABASE "{pg_name}"')
    return f"{base}/{pg_name}"


def drop_database(pg_name: str) -> None:
    admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def admin(*statements: str) -> None:
    """Run statements on the server's own database (never dropped), in autocommit."""
    from sqlalchemy import create_engine, text

    engine = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def put(counts: dict[str, int], model, rows) -> None:
    """Insert rows (any iterable of dicts) with executemany, CHUNK at a time; count them."""
    from sqlalchemy import insert

    from coordinator.extensions import db

    table = getattr(model, "__table__", model)
    statement, batch, total = insert(table), [], 0
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            db.session.execute(statement, batch)
            total += len(batch)
            batch = []
    if batch:
        db.session.execute(statement, batch)
        total += len(batch)
    counts[table.name] = counts.get(table.name, 0) + total
