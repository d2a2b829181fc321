"""The Alembic migrations build exactly the schema the models describe."""

import os
import uuid

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from config import TestConfig, database_url
from coordinator import create_app
from coordinator.extensions import db


@pytest.fixture
def empty_database_uri(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql")):
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    url = database_url(url)
    name = f"polder_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{url.rpartition('/')[0]}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_matches_the_models_and_downgrades(empty_database_uri):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_uri)
    with app.app_context():
        upgrade()
        check()  # raises if the models and the migrated schema differ
        tables = set(inspect(db.engine).get_table_names())
        assert {table.name for table in db.metadata.sorted_tables} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
