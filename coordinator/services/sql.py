"""Small SQL helpers that differ by dialect."""

from collections.abc import Iterator, Sequence

from sqlalchemy import insert, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db

IN_LIMIT = 500  # values per IN (...), well within SQLite's bound-parameter limit


def insert_ignoring_conflicts(table):
    """INSERT ... ON CONFLICT DO NOTHING for the current database."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def hold_rows(model, *where) -> None:
    """Hold the matching rows until commit, on both databases: a no-op UPDATE takes their
    row locks (PostgreSQL) or the write lock (SQLite), where SELECT ... FOR UPDATE would
    do nothing on SQLite. Whoever takes it before reading sees every earlier writer."""
    db.session.execute(update(model).where(*where).values(id=model.id)
                       .execution_options(synchronize_session=False))


def rows(statement):
    """Run a select of columns on the session's connection: the same rows as
    `db.session.execute`, without the ORM's per-row loading, which costs about a second
    per million rows an evaluation reads."""
    session = db.session
    if session.autoflush:
        session.flush()  # as session.execute would, before reading
    return session.connection().execute(statement)


def insert_many(table, rows: list[dict]) -> None:
    """INSERT `rows` (dicts with the same keys) into `table` in the session's transaction.

    On PostgreSQL through COPY: a new week's readings are a hundred thousand rows, which
    an executemany INSERT sends in batches several times slower."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    # Values as an INSERT would bind them (aware datetimes become naive UTC, say).
    processors = [(name, table.c[name].type.bind_processor(dialect)) for name in names]
    quote = dialect.identifier_preparer.quote
    command = f"COPY {quote(table.name)} ({', '.join(map(quote, names))}) FROM STDIN"
    with connection.connection.dbapi_connection.cursor() as cursor, \
            cursor.copy(command) as copy:
        for row in rows:
            copy.write_row([row[name] if process is None else process(row[name])
                            for name, process in processors])


def in_batches(values: Sequence) -> Iterator[Sequence]:
    """`values` in slices small enough for one IN (...) on every database."""
    for start in range(0, len(values), IN_LIMIT):
        yield values[start:start + IN_LIMIT]
