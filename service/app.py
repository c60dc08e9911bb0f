"""The application factory: wiring only (engine, schema, stores, limits, routes, middleware,
lifespan). Each piece lives in the module named for it."""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING

import anyio
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from db.engine import build_engine
from db.migrate import bootstrap, migration_lock
from db.version import DatasetVersionWatcher
from resolvers.database import Database
from schema.build import build_schema
from service import feed, graphiql, operations, websocket
from service import map as world_map
from service.api_keys import IssuedKeys
from service.caching import build_caching
from service.data_routes import DataFiles
from service.dataset import CurrentDataset, TickVersion
from service.endpoint import GraphQLEndpoint
from service.execution import ExecutionLimits
from service.middleware import ServiceLayer
from service.observability import Metrics, multiprocess_dir
from service.ratelimit import build_rate_limits
from service.redis_guard import RedisGuard, connect
from service.settings import Settings
from service.subscriptions import Caps, DatasetBroadcast, SubscriptionMetrics

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider

    from service.tracing import Tracing

logger = logging.getLogger("iom_graph")


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    *,
    after_start: Callable[[], None] | None = None,
    tracer_provider: "TracerProvider | None" = None,
) -> Starlette:
    """The application for ``settings`` (default: all defaults); ``engine`` defaults to
    ``settings.database_url``; ``after_start`` runs once start-up is done (the process entry
    point tunes the garbage collector there). With ``settings.tracing``, spans go to
    ``tracer_provider`` (default: OpenTelemetry's global one, which ``server.py`` sets up)."""
    settings = settings or Settings()
    engine = engine or build_engine(settings.database_url, settings.statement_timeout_ms)
    database = Database(engine)
    metrics = Metrics([*graphiql.operation_names(), *world_map.OPERATION_NAMES], multiprocess_dir())
    tracing = _tracing(metrics, tracer_provider) if settings.tracing else None
    limits = settings.limits()
    schema = build_schema(limits, planned=settings.planned_execution)
    metrics.plan.state(schema.plan_state)
    # One client and one circuit breaker for every Redis user of this app.
    redis = (
        RedisGuard(connect(settings.redis_url), metrics.registry) if settings.redis_url else None
    )
    broadcast = DatasetBroadcast(
        database,
        Caps(
            settings.subscriptions_per_client,
            settings.subscriptions_per_process,
            settings.subscription_queue,
            settings.subscription_idle_seconds,
        ),
        SubscriptionMetrics(metrics.registry),
    )

    def version_changed(version: str | None) -> None:
        # /metrics shows a new version at once, as cache lookups use it (the watcher logs it).
        metrics.dataset_loaded(version)
        broadcast.version_changed(version)

    watcher = DatasetVersionWatcher(engine, on_change=version_changed)
    # One answer per event-loop iteration, for the cached and the executed path alike.
    versions = TickVersion(watcher.current)
    datasets = CurrentDataset(database, versions)
    rate_limits = build_rate_limits(
        settings.rate_limit_per_second,
        settings.rate_limit_burst,
        settings.api_key_header,
        redis,
        IssuedKeys.of(engine, settings.api_key_refresh_seconds),
    )
    caching = build_caching(
        settings.response_cache_bytes, settings.cache_max_age_seconds, redis, versions
    )
    endpoint = GraphQLEndpoint(
        schema,
        database,
        caching,
        execution=ExecutionLimits(
            timeout_seconds=settings.request_timeout_seconds,
            max_concurrent_executions=settings.max_concurrent_executions
            or (2 if database.threaded else 1),
        ),
        page_limits=limits.page,
        datasets=datasets,
        rate_limits=rate_limits,
        graphiql=graphiql.page,
        trace_operation=tracing.operation if tracing is not None else None,
    )

    lifespan = _lifespan(
        settings, engine, watcher, datasets, broadcast, redis, metrics, tracing, after_start
    )
    routes = [
        # An ASGI app, so every method reaches it: it refuses others with a coded 405.
        Route("/graphql", endpoint),
        websocket.route(schema, datasets, limits.page, broadcast),
        *graphiql.routes(),
        *world_map.routes(),
        *DataFiles(datasets, caching, rate_limits).routes(),
        *operations.routes(engine, metrics, redis),
        *feed.routes(database),
    ]
    middleware = _middleware(settings, metrics, endpoint, tracing, routes)
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.engine, app.state.metrics, app.state.settings = engine, metrics, settings
    return app


def _middleware(
    settings: Settings,
    metrics: Metrics,
    graphql: ASGIApp,
    tracing: "Tracing | None",
    routes: list[BaseRoute],
) -> list[Middleware]:
    """Around every route, one layer (``service.middleware``): request ids with logs and
    metrics, the header limit, CORS (when origins are configured), the body limit, gzip.
    Outside it, when configured: the request spans, then (outermost, so that every layer
    sees the client's address) the trusted proxies' X-Forwarded-For (uvicorn's own
    application of these headers is off: server.py passes proxy_headers=False)."""
    cors = None
    if settings.cors_origins:
        cors = CORSMiddleware(
            _no_app,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            # What a browser client sends beyond the CORS-safelisted headers: JSON bodies
            # (a non-safelisted Content-Type), its key, its request id, revalidation, the
            # day to answer for.
            allow_headers=[
                "Content-Type",
                settings.api_key_header,
                "X-Request-ID",
                "If-None-Match",
                "Accept-Datetime",
            ],
            # The headers the service sets that a browser hides from scripts unless
            # exposed (Cache-Control and Content-Type are safelisted).
            expose_headers=[
                "ETag",
                "X-Request-ID",
                "X-Dataset-Version",
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset",
                "Retry-After",
            ],
        )
    layer = Middleware(
        ServiceLayer,
        metrics=metrics,
        max_header_bytes=settings.max_header_bytes,
        max_body_bytes=settings.max_body_bytes,
        cors=cors,
        graphql=graphql,
    )
    middleware = [layer]
    if tracing is not None:
        from service.tracing import RequestSpans

        paths = frozenset(route.path for route in routes if isinstance(route, Route))
        middleware.insert(0, Middleware(RequestSpans, tracing=tracing, routes=paths))
    if settings.forwarded_allow_ips:
        trusted = settings.forwarded_allow_ips
        middleware.insert(0, Middleware(ProxyHeadersMiddleware, trusted_hosts=trusted))
    return middleware


async def _no_app(_scope: Scope, _receive: Receive, _send: Send) -> None:
    """The app of the CORS middleware, used only for its preflight answers and headers."""
    raise AssertionError("never called")


def _lifespan(
    settings: Settings,
    engine: Engine,
    watcher: DatasetVersionWatcher,
    datasets: CurrentDataset,
    broadcast: DatasetBroadcast,
    redis: RedisGuard | None,
    metrics: Metrics,
    tracing: "Tracing | None",
    after_start: Callable[[], None] | None,
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """Start-up (migrations when asked, the version watcher, the dataset, the broadcast) and
    shutdown (the watcher, Redis, the engine, metrics, buffered spans)."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if settings.auto_migrate:

            def prepare() -> None:
                with migration_lock(engine):
                    bootstrap(engine, progress=lambda message: logger.info(message))

            await anyio.to_thread.run_sync(prepare)
        await anyio.to_thread.run_sync(watcher.start)
        await anyio.to_thread.run_sync(datasets.read_now)
        broadcast.start(watcher.version)
        if after_start is not None:
            after_start()
        logger.info("ready", extra={"dataset_version": watcher.version, "graphql_path": "/graphql"})
        async with anyio.create_task_group() as background:
            if engine.dialect.name == "sqlite":
                background.start_soon(broadcast.poll, watcher.current)
            yield
            background.cancel_scope.cancel()
        watcher.stop()
        if redis is not None:
            await redis.client.aclose()
        engine.dispose()
        metrics.process_stopped()
        if tracing is not None:
            await anyio.to_thread.run_sync(tracing.flush)

    return lifespan


def _tracing(metrics: Metrics, provider: "TracerProvider | None") -> "Tracing":
    """The app's spans (OpenTelemetry is imported only when tracing is on)."""
    from opentelemetry import trace

    from service.tracing import Tracing

    return Tracing(provider or trace.get_tracer_provider(), metrics.labels)
