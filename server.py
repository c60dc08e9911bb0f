"""The iom-graph HTTP service: ``uvicorn server:app`` or ``python server.py``.

Wires the process: settings, engine and first-start bootstrap (lifespan), middleware (request
ids, JSON access logs, metrics, body-size limit, gzip, CORS), and routes: ``/graphql`` (API and
GraphiQL), ``/graphiql/*`` (GraphiQL's own assets), ``/healthz``, ``/readyz``, ``/metrics``.
"""

import gc
import itertools
import json
import logging
import secrets
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, ClassVar

import anyio
import uvicorn
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from redis.asyncio import Redis
from sqlalchemy import Engine, text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.engine import build_engine
from db.migrate import bootstrap, migration_lock
from db.settings import Settings, get_settings
from db.version import DatasetVersionWatcher
from resolvers.bounds import list_sizes
from resolvers.database import Database
from schema import graphiql
from schema.build import build_schema
from schema.cache import (
    PERSISTED_PREFIX,
    RESPONSE_PREFIX,
    LocalStore,
    PersistedQueries,
    RedisStore,
    ResponseCache,
)
from schema.http import Caching, GraphQLEndpoint, Guards, RequestOutcome
from schema.ratelimit import LocalTokenBuckets, RateLimiter, RedisTokenBuckets

logger = logging.getLogger("iom_graph")
access_logger = logging.getLogger("iom_graph.access")


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line; ``extra=`` fields are kept."""

    _standard: ClassVar[set[str]] = set(vars(logging.LogRecord("", 0, "", 0, "", None, None)))

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self._standard})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger("iom_graph")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


class Metrics:
    """Prometheus metrics of one app (own registry, so several apps can live in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "iom_graph_requests",
            "GraphQL requests by operation name and outcome.",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "iom_graph_request_duration_seconds",
            "GraphQL request latency.",
            ["operation"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self.statements = Histogram(
            "iom_graph_sql_statements_per_request",
            "SQL statements run by one GraphQL request.",
            registry=self.registry,
            buckets=(0, 1, 2, 4, 8, 12, 16, 24, 32, 64, 128),
        )
        self._children: dict[tuple[str, str], tuple[Any, Any]] = {}
        self.dataset = Gauge(
            "iom_graph_dataset_info",
            "The loaded dataset version (label), always 1.",
            ["version"],
            registry=self.registry,
        )

    def observe(self, outcome: RequestOutcome, duration: float) -> None:
        """Count one GraphQL request (label children are looked up once per label pair)."""
        key = (outcome.operation_name, outcome.outcome)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self.requests.labels(*key),
                self.latency.labels(outcome.operation_name),
            )
        children[0].inc()
        children[1].observe(duration)
        self.statements.observe(outcome.statements)


class BodySizeLimit:
    """Refuse request bodies above ``max_bytes`` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit():
            if int(declared) > self.max_bytes:
                await self._refuse(scope, receive, send)
            else:  # the HTTP parser never delivers more than the declared length
                await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLargeError:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {
                "errors": [
                    {
                        "message": f"request body above the limit of {self.max_bytes} bytes",
                        "extensions": {"code": "PAYLOAD_TOO_LARGE"},
                    }
                ]
            },
            status_code=413,
        )
        await response(scope, receive, send)


class _BodyTooLargeError(Exception):
    pass


class GZipWhenAccepted(GZipMiddleware):
    """Starlette's gzip, entered only by clients that accept gzip (no wrapper for others)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"gzip" in dict(scope["headers"]).get(
            b"accept-encoding", b""
        ):
            await super().__call__(scope, receive, send)
        else:
            await self.app(scope, receive, send)


# Generated request ids: random per process, then a counter (unique across replicas, and
# cheaper than a uuid4 per request).
_PROCESS_ID = secrets.token_hex(6)
_REQUEST_COUNTER = itertools.count(1)


class RequestContext:
    """Request id (``X-Request-ID`` honoured or generated), JSON access log and metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        valid = 0 < len(incoming) <= 128 and incoming.isprintable()
        request_id = incoming if valid else f"{_PROCESS_ID}-{next(_REQUEST_COUNTER):x}"
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, request_id, status, time.perf_counter() - started)

    def _record(self, scope: Scope, request_id: str, status: int, duration: float) -> None:
        outcome: RequestOutcome | None = scope.get("state", {}).get("graphql")
        if outcome is not None:
            self.metrics.observe(outcome, duration)
        if not access_logger.isEnabledFor(logging.INFO):
            return
        entry: dict[str, Any] = {
            "request_id": request_id,
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round(duration * 1000, 2),
        }
        if outcome is not None:
            entry.update(
                operation=outcome.operation_name,
                outcome=outcome.outcome,
                sql_statements=outcome.statements,
                error_codes=outcome.error_codes,
            )
        access_logger.info("request", extra=entry)


def build_rate_limiter(settings: Settings, redis: Redis | None) -> RateLimiter | None:
    """Token buckets per client: shared through Redis when configured; none when rate is 0."""
    if settings.rate_limit_per_second <= 0:
        return None
    if redis is not None:
        return RedisTokenBuckets(redis, settings.rate_limit_per_second, settings.rate_limit_burst)
    return LocalTokenBuckets(settings.rate_limit_per_second, settings.rate_limit_burst)


def build_caching(
    settings: Settings, redis: Redis | None, versions: Callable[[], str | None]
) -> Caching:
    """Response cache and persisted queries: in Redis when configured, else in-process."""
    responses: ResponseCache | None = None
    if redis is not None:
        responses = ResponseCache(RedisStore(redis, RESPONSE_PREFIX))
        persisted = PersistedQueries(RedisStore(redis, PERSISTED_PREFIX))
    else:
        if settings.response_cache_bytes > 0:
            responses = ResponseCache(LocalStore(settings.response_cache_bytes))
        persisted = PersistedQueries(LocalStore(16 * 1024 * 1024))
    return Caching(
        versions=versions,
        responses=responses,
        persisted=persisted,
        cache_control=f"public, max-age={settings.cache_max_age_seconds}, must-revalidate",
    )


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> Starlette:
    """The application; ``engine`` defaults to the configured database."""
    settings = settings or get_settings()
    engine = engine or build_engine(settings.database_url)
    database = Database(engine)
    metrics = Metrics()
    schema = build_schema(settings)
    redis = (
        Redis.from_url(settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
        if settings.redis_url
        else None
    )
    guards = Guards(
        timeout_seconds=settings.request_timeout_seconds,
        max_concurrent_executions=settings.max_concurrent_executions
        or (2 if database.threaded else 1),
        api_key_header=settings.api_key_header.lower(),
        rate_limiter=build_rate_limiter(settings, redis),
    )

    def dataset_changed(version: str | None) -> None:
        """A new dataset: its list sizes bound query costs; /metrics shows its version."""
        guards.list_sizes = list_sizes(database)
        metrics.dataset.clear()
        metrics.dataset.labels(version or "none").set(1)
        logger.info("dataset version", extra={"dataset_version": version})

    watcher = DatasetVersionWatcher(engine, on_change=dataset_changed)
    caching = build_caching(settings, redis, watcher.current)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if settings.auto_migrate:

            def prepare() -> None:
                with migration_lock(engine):
                    bootstrap(engine, progress=lambda message: logger.info(message))

            await anyio.to_thread.run_sync(prepare)
        await anyio.to_thread.run_sync(watcher.start)
        # Objects alive after start-up (modules, schema, pools) live as long as the process:
        # keep them out of every garbage collection.
        gc.collect()
        gc.freeze()
        logger.info("ready", extra={"dataset_version": watcher.version, "graphql_path": "/graphql"})
        yield
        watcher.stop()
        if redis is not None:
            await redis.aclose()
        engine.dispose()

    async def graphiql_page(_request: Request) -> Response:
        return FileResponse(
            graphiql.INDEX_HTML,
            media_type="text/html; charset=utf-8",
            headers={
                "Content-Security-Policy": graphiql.CONTENT_SECURITY_POLICY,
                "Cache-Control": "no-cache",
            },
        )

    async def graphiql_init(_request: Request) -> Response:
        return FileResponse(
            graphiql.GRAPHIQL_DIR / "graphiql-init.js", media_type="text/javascript; charset=utf-8"
        )

    async def graphiql_examples(_request: Request) -> Response:
        return Response(graphiql.examples_json(), media_type="application/json")

    async def healthz(_request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(_request: Request) -> Response:
        def check() -> None:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        try:
            with anyio.fail_after(5):
                await anyio.to_thread.run_sync(check, abandon_on_cancel=True)
        except Exception as error:
            logger.warning("not ready", extra={"reason": type(error).__name__})
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"}, status_code=503
            )
        return JSONResponse({"status": "ready", "database": "ok"})

    async def metrics_endpoint(_request: Request) -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    endpoint = GraphQLEndpoint(schema, database, guards, caching, graphiql=graphiql_page)
    routes = [
        Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
        Route("/graphiql/graphiql-init.js", graphiql_init),
        Route("/graphiql/examples.json", graphiql_examples),
        Mount("/graphiql/vendor", StaticFiles(directory=graphiql.GRAPHIQL_DIR / "vendor")),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint),
    ]
    middleware = [
        Middleware(RequestContext, metrics=metrics),
        Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
        Middleware(GZipWhenAccepted, minimum_size=1024),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["content-type", "accept", "x-request-id"],
            )
        )
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.engine, app.state.metrics, app.state.settings = engine, metrics, settings
    return app


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    print(f"iom-graph: GraphiQL at http://{settings.host}:{settings.port}/graphql", flush=True)
    uvicorn.run(
        "server:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        timeout_graceful_shutdown=10,
        access_log=False,
    )


# Each request allocates tens of thousands of short-lived objects; the default threshold
# (700) runs the collector dozens of times per request (profiled at 46% of CPU under load).
GC_THRESHOLDS = (20_000, 10, 10)
gc.set_threshold(*GC_THRESHOLDS)
configure_logging(get_settings().log_level)
app = create_app()

if __name__ == "__main__":
    main()
