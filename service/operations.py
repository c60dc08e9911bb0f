"""The operational routes: ``/healthz`` (the process answers), ``/readyz`` (the database
answers), ``/metrics`` (Prometheus: prometheus-client's own ASGI app, which chooses the
OpenMetrics or the classic text format from ``Accept``).

``/readyz`` also says whether Redis answers (``"redis"``: ``ok``, ``unavailable`` or ``not
configured``), but stays 200 without it: the service still answers, from local state."""

import logging

import anyio
from prometheus_client import make_asgi_app
from sqlalchemy import Engine, text
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from service.observability import Metrics
from service.redis_guard import RedisGuard

logger = logging.getLogger("iom_graph")
READY_TIMEOUT_SECONDS = 5


def routes(engine: Engine, metrics: Metrics, redis: RedisGuard | None = None) -> list[BaseRoute]:
    async def healthz(_request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(_request: Request) -> Response:
        def check() -> None:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        redis_state = await redis.readiness() if redis is not None else "not configured"
        try:
            with anyio.fail_after(READY_TIMEOUT_SECONDS):
                await anyio.to_thread.run_sync(check, abandon_on_cancel=True)
        except Exception as error:
            logger.warning("not ready", extra={"reason": type(error).__name__})
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable", "redis": redis_state},
                status_code=503,
            )
        return JSONResponse({"status": "ready", "database": "ok", "redis": redis_state})

    return [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", MetricsPage(metrics), methods=["GET"]),
    ]


class MetricsPage:
    """``/metrics`` as an ASGI app (a class, so Starlette routes to it as one). Compression
    is left to the service's gzip middleware."""

    def __init__(self, metrics: Metrics) -> None:
        self.app = make_asgi_app(metrics.exposed, disable_compression=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
