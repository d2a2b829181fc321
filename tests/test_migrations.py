"""The Alembic migrations build exactly the schema the models describe."""

from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect

from config import TestConfig
from coordinator import create_app
from coordinator.extensions import db
from tests.databases import throwaway_database


def test_upgrade_matches_the_models_and_downgrades(tmp_path):
    with throwaway_database(tmp_path, prefix="polder_migrations") as uri:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=uri)
        with app.app_context():
            upgrade()
            check()  # raises if the models and the migrated schema differ
            tables = set(inspect(db.engine).get_table_names())
            assert {table.name for table in db.metadata.sorted_tables} <= tables
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
