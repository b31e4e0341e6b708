"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from nec import create_app
from nec.core.db import render_migration_item
from nec.extensions import db
from tests.conftest import TEST_SETTINGS


@pytest.fixture
def empty_database_url(db_kind, request, tmp_path):
    if db_kind == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    return server.create_database(f"nec_mig_{uuid.uuid4().hex[:8]}")


def _diff(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "render_item": render_migration_item})
    return compare_metadata(context, db.metadata)


def test_migrations_produce_the_models_schema(empty_database_url):
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = _diff(connection)
            tables = set(sa.inspect(connection).get_table_names())
        assert diff == [], f"models and migrations differ: {diff}"
        assert {"events", "sessions", "slots", "mail_outbox", "audit_log"} <= tables

        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
