"""Fixtures after flaskr: app, client, runner, auth; one database per test session.

The suite runs on SQLite by default. With DATABASE_URL pointing at PostgreSQL it creates
its own database next to the one named, and drops it at the end.
"""

import contextvars
import os
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from config import TestConfig, database_url
from coordinator import create_app
from coordinator.extensions import db
from tests.factories import Factory

IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql")):
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    url = database_url(url)
    name = f"polder_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = url.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _schema(database_uri):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_uri)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return database_uri


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, g and session, as on a real server.

    Without this, a request made while a test holds an app context reuses that context,
    so Flask-Login's cached user and the test's session leak into the request.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(_schema, tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=_schema,
                     MAIL_FOLDER=str(tmp_path / "mail"))
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories bound to an app context: make.member(...), make.task(...)."""
    with app.app_context():
        yield Factory()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = Factory.PASSWORD, **extra):
        return self._client.post("/login", data={"email": email, "password": password,
                                                 **extra})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
