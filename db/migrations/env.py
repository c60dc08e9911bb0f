"""Alembic environment: runs on the connection ``db.migrate`` hands it, or, when alembic is run
from the command line, on the configured URL (an entry point, so it may read the settings)."""

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import db.api_keys
import db.derived
import db.evidence
import db.models
import db.vocabulary  # noqa: F401
from db.engine import build_engine
from db.settings import DatabaseSettings

target_metadata = SQLModel.metadata


def _migrate(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    settings = DatabaseSettings()
    url = context.config.get_main_option("sqlalchemy.url") or settings.database_url
    with build_engine(url, settings.statement_timeout_ms).connect() as own_connection:
        _migrate(own_connection)


run_migrations()
