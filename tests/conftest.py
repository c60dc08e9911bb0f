"""Shared fixtures: the same tests run on SQLite and on PostgreSQL.

PostgreSQL must be reachable (``IOM_GRAPH_TEST_POSTGRES_URL``, default: the local server's
``test`` database); the suite fails rather than skipping when it is not. Each test session
works in databases of its own, created and dropped here.
"""

import os
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from strawberry.types import ExecutionResult

from db.engine import build_engine, normalise_url
from db.loader import load_dataset
from db.migrate import upgrade
from resolvers.database import Database
from schema import build_schema
from schema.build import IomSchema
from schema.context import Context
from service.dataset import CurrentDataset
from tests import generated  # noqa: F401  (the hypothesis profiles, before the plugin loads one)

POSTGRES_URL = normalise_url(
    os.environ.get("IOM_GRAPH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
)
BACKENDS = ["sqlite", "postgresql"]

Execute = Callable[..., Awaitable[ExecutionResult]]


def answer_date() -> dict[str, str]:
    """What every response states in ``extensions``: the day it answered for (UTC today)."""
    return {"asOf": datetime.now(UTC).date().isoformat()}


class DatabaseFactory:
    """Creates empty databases for one backend and removes them at the end of the session."""

    def __init__(self, backend: str, directory: Path) -> None:
        self.backend, self.directory = backend, directory
        self.created: list[tuple[Engine, str]] = []

    def new(self) -> Engine:
        name = f"iom_graph_test_{uuid.uuid4().hex[:12]}"
        if self.backend == "sqlite":
            engine = build_engine(f"sqlite:///{self.directory / name}.sqlite3")
        else:
            with admin_connection() as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            engine = build_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(False))
        self.created.append((engine, name))
        return engine

    def close(self) -> None:
        for engine, name in self.created:
            engine.dispose()
            if self.backend == "postgresql":
                with admin_connection() as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def admin_connection() -> psycopg.Connection[Any]:
    url = make_url(POSTGRES_URL)
    try:
        return psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database,
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is required for the test suite and is not reachable at {POSTGRES_URL}: "
            f"{error}. Start it (see README) or set IOM_GRAPH_TEST_POSTGRES_URL.",
            pytrace=False,
        )


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def databases(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(backend, tmp_path_factory.mktemp(f"db-{backend}"))
    yield factory
    factory.close()


@pytest.fixture(scope="session")
def seeded_engine(databases: DatabaseFactory) -> Engine:
    """A database holding the real dataset, shared by read-only tests. Do not write to it."""
    engine = databases.new()
    upgrade(engine)
    load_dataset(engine)
    return engine


@pytest.fixture
def empty_engine(databases: DatabaseFactory) -> Engine:
    """A fresh, migrated, empty database for a test that writes."""
    engine = databases.new()
    upgrade(engine)
    return engine


DEFAULT_SCHEMA = build_schema()


def _version_uncounted(engine: Engine) -> str | None:
    """The dataset version, read past SQLAlchemy's events: tests counting an operation's
    statements do not count this check of the test harness."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT content_hash FROM dataset_version")
        row = cursor.fetchone()
        return row[0] if row else None
    finally:
        raw.close()


def current_dataset(engine: Engine) -> CurrentDataset:
    """The dataset in memory of the version ``engine`` holds, as the server keeps it
    (``service.dataset.CurrentDataset``, with the database's version read directly instead of
    by the watcher): each request checks the version, and a load is read anew."""
    datasets = CurrentDataset(Database(engine), lambda: _version_uncounted(engine))
    datasets.read_now()
    return datasets


def make_execute(
    engine: Engine, executable: IomSchema = DEFAULT_SCHEMA, datasets: CurrentDataset | None = None
) -> Execute:
    """In-process execution as the server does it: on the dataset in memory of the version the
    database holds (``datasets``, or read from ``engine`` now)."""
    datasets = datasets or current_dataset(engine)
    database = datasets.database

    async def execute(
        query: str,
        variables: dict[str, Any] | None = None,
        languages: tuple[str, ...] = (),
        extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        dataset = await datasets.for_request()
        context = Context(db=database, dataset=dataset, languages=languages, request_id="test")
        return await executable.execute(
            query,
            variable_values=variables,
            context_value=context,
            operation_extensions=extensions,
        )

    return execute


@pytest.fixture(scope="session")
def seeded_datasets(seeded_engine: Engine) -> CurrentDataset:
    """The seeded database's dataset in memory, read once per session and backend (the
    database is read-only; each request still checks its version, as the server does)."""
    return current_dataset(seeded_engine)


@pytest.fixture
def execute(seeded_engine: Engine, seeded_datasets: CurrentDataset) -> Execute:
    """Run a GraphQL operation in-process against the seeded database."""
    return make_execute(seeded_engine, datasets=seeded_datasets)
