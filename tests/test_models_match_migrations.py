"""The tables as the models declare them are the tables the migrations build: a change to a
model needs its migration, and moving a declaration (``db.tables.loaded``) changes no schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel

import db.api_keys
import db.derived
import db.models  # noqa: F401  (with the modules above: every table in SQLModel.metadata)


def test_migrations_build_the_tables_the_models_declare(empty_engine: Engine) -> None:
    with empty_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []
