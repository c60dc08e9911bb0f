"""The reference: iom-graph's own schema executed over its in-memory dataset, no database.

iom-graph itself answers everything, root lists included, from
``resolvers.in_memory.InMemoryDataset``, through ``service.dataset.CurrentDataset``. The
reference reads the dataset once at start-up from the seeded database named by
``IOM_GRAPH_BENCH_REFERENCE_DATABASE`` and keeps it (``CurrentDataset.fixed``), then has no
database at all: a statement is refused, and no version watcher runs. What remains is the
cost of GraphQL execution and JSON serialisation: the best iom-graph could do on the
benchmark's queries.

Requests go through iom-graph's own ``service.endpoint.GraphQLEndpoint`` (parsing, negotiation,
execution slots, timeout, error codes, serialisation) with no response cache, and the same list
sizes, rate-limiter settings and garbage-collector thresholds as the server. Only the middleware
(request ids, access log, metrics, gzip) is left out; it is measured in the ceiling comparison
instead.

    IOM_GRAPH_BENCH_REFERENCE_DATABASE=sqlite:///bench.sqlite3 \
        uvicorn --factory benchmark.reference_app:create_app
"""

import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.sql import Executable
from starlette.applications import Starlette
from starlette.routing import Route

from db.engine import build_engine
from resolvers.database import AnyRow, Database
from resolvers.in_memory import read_in_memory
from schema import build_schema
from service import gc_tuning
from service.caching import build_caching
from service.dataset import CurrentDataset
from service.endpoint import GraphQLEndpoint
from service.execution import ExecutionLimits
from service.ratelimit import build_rate_limits
from service.settings import Settings

DATABASE_ENV = "IOM_GRAPH_BENCH_REFERENCE_DATABASE"


class NoDatabase(Database):
    """Refuses every statement; its engine is an empty in-memory SQLite that nothing reads,
    which makes ``Database`` behave as on SQLite (no thread hop)."""

    def __init__(self) -> None:
        super().__init__(create_engine("sqlite://"))

    def fetch(self, statement: Executable) -> Sequence[AnyRow]:
        raise LookupError("the reference has no database")

    def scalar(self, statement: Executable) -> Any:
        raise LookupError("the reference has no database")


def create_app() -> Starlette:
    settings = Settings()  # an entry point of its own (uvicorn --factory): it reads the env
    engine = build_engine(os.environ[DATABASE_ENV])
    try:
        dataset = read_in_memory(Database(engine))
    finally:
        engine.dispose()
    db = NoDatabase()
    limits = settings.limits()
    endpoint = GraphQLEndpoint(
        build_schema(limits),
        db,
        # No response cache: the reference measures execution.
        build_caching(0, settings.cache_max_age_seconds, None, lambda: dataset.version),
        execution=ExecutionLimits(
            settings.request_timeout_seconds, settings.max_concurrent_executions or 1
        ),
        page_limits=limits.page,
        datasets=CurrentDataset.fixed(dataset, db),
        rate_limits=build_rate_limits(
            settings.rate_limit_per_second, settings.rate_limit_burst, settings.api_key_header, None
        ),
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # The collector tuned as server.py tunes it: both servers pay the same for garbage.
        gc_tuning.tune(enabled=True)
        gc_tuning.freeze_start_up_objects()
        yield

    return Starlette(
        routes=[Route("/graphql", endpoint.handle, methods=["POST", "GET"])], lifespan=lifespan
    )
