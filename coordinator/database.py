"""Database set-up: SQLite pragmas for safe concurrent writers, migrations."""

import os

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from . import models  # noqa: F401  (register tables with the metadata)
from .extensions import db, migrate
from .services import dirty, webhooks


def init_database(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("timeout", 30)  # busy_timeout: writers queue, not fail
        options["connect_args"] = connect_args
        options.pop("pool_pre_ping", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
        path = uri.removeprefix("sqlite:///")
        if path and path != uri and not path.startswith(":memory:"):
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    db.init_app(app)
    for name, hook in (("before_commit", dirty.stamp_before_commit),
                       ("after_commit", dirty.move_after_commit),
                       ("after_soft_rollback", dirty.forget_after_rollback),
                       ("after_commit", webhooks.move_after_commit),
                       ("after_soft_rollback", webhooks.forget_after_rollback)):
        if not event.contains(db.session, name, hook):
            event.listen(db.session, name, hook)

    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..",
                                                     "migrations"),
                     render_as_batch=True, compare_type=True)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def commit_without_waiting_for_disk() -> None:
    """Commit, letting PostgreSQL answer before the commit record is on disk
    (`synchronous_commit` off for this transaction only; it resets at commit).

    For states whose loss in a database crash is harmless, as when it leaves a row in an
    earlier state that is safe to redo or is read as "unknown". The log is written in
    order, so the next ordinary commit makes this one durable too. SQLite has no
    per-transaction setting: there it is an ordinary commit.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    db.session.commit()
