"""Fixtures after flaskr: app, client, runner, auth; one database per test session.

The suite runs on SQLite by default. With DATABASE_URL pointing at PostgreSQL it creates
its own database next to the one named, and drops it at the end.
"""

import contextvars

import pytest
from flask.testing import FlaskClient

from config import TestConfig
from coordinator import create_app
from coordinator.extensions import db, limiter
from tests.databases import empty_tables, throwaway_database
from tests.factories import Factory
from tests.services import require_redis


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory):
    with throwaway_database(tmp_path_factory.mktemp("db")) as uri:
        yield uri


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
        # Buffered, as a server does, so jobs queued to run after the response is sent
        # (call_on_close) have run when the call returns.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(_schema, tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=_schema,
                     MAIL_FOLDER=str(tmp_path / "mail"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        limiter.reset()  # one limiter object serves every app: no counts carry over
    yield app
    with app.app_context():
        db.session.remove()
        empty_tables(db)
        db.engine.dispose()


@pytest.fixture
def make_app(app, _schema, tmp_path):
    """Build more apps on the test database (other settings); `app` empties the tables."""
    made = []

    def factory(config=TestConfig, **overrides):
        other = create_app(config, **({"SQLALCHEMY_DATABASE_URI": _schema,
                                        "MAIL_FOLDER": str(tmp_path / "mail")} | overrides))
        other.test_client_class = IsolatedClient
        made.append(other)
        return other

    yield factory
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


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


@pytest.fixture
def redis_url():
    """The test Redis, emptied before and after; down, it fails the test in CI and skips it
    elsewhere."""
    from redis import Redis

    url = require_redis()
    Redis.from_url(url).flushdb()
    yield url
    Redis.from_url(url).flushdb()
