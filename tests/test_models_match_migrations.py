"""The tables as the models declare them are the tables the migrations build: a change to a
model needs its migration, and moving a declaration (``db.tables.loaded``) changes no schema."""

from datetime import UTC, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, select

import db.api_keys
import db.derived
import db.models
from db.migrate import upgrade
from tests.conftest import DatabaseFactory

# Migration 0010 gave api_key's timestamps the time zone the model declares (0009 had left
# them without one on PostgreSQL): no difference is known on either engine.
KNOWN_DRIFT: dict[str, set[tuple[str, ...]]] = {"sqlite": set(), "postgresql": set()}


def _named(difference: Any) -> tuple[str, ...]:
    """A difference as (operation, table, column) for a column's, else (operation, details)."""
    if isinstance(difference, list):  # alembic groups the modifications of one column
        (difference,) = difference
    operation = difference[0]
    if operation.startswith("modify_"):
        return (operation, difference[2], difference[3])
    return (operation, repr(difference[1:]))


def test_migrations_build_the_tables_the_models_declare(empty_engine: Engine) -> None:
    with empty_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    named = {_named(difference) for difference in differences}
    assert named == KNOWN_DRIFT[empty_engine.dialect.name]


def test_an_api_key_keeps_its_instant_through_migration_0010(databases: DatabaseFactory) -> None:
    """A key written under 0009 (a timestamp without zone on PostgreSQL) reads back as the same
    UTC instant once 0010 has given the column its zone."""
    engine = databases.new()
    upgrade(engine, "0009")
    issued = datetime(2026, 12, 6, 12, 30, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO api_key (name, digest, created_at) VALUES ('k', 'd', :at)"),
            {"at": issued},
        )
    upgrade(engine)
    with Session(engine) as session:
        key = session.exec(select(db.api_keys.ApiKey)).one()
    created = key.created_at
    if created.tzinfo is None:  # SQLite gives the UTC wall-clock time back, without a zone
        created = created.replace(tzinfo=UTC)
    assert created == issued
