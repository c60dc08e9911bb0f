"""The process entry point: ``python server.py`` or ``uvicorn server:app``.

Settings are read from the environment here, once, and handed down; nothing imports this
module. The service itself is built by ``service.create_app``.

``python server.py`` applies the connection settings to uvicorn and, with several workers,
gives them one prometheus-client multiprocess directory (``PROMETHEUS_MULTIPROC_DIR``, a
fresh temporary directory unless it is already set), so that ``/metrics`` adds up every
worker. ``uvicorn server:app`` takes uvicorn's own options instead, and with ``--workers N``
needs ``PROMETHEUS_MULTIPROC_DIR`` set to an empty directory by whoever starts it.
"""

import os
import shutil
import tempfile
from socket import socket
from typing import Any

import uvicorn

from service import create_app, gc_tuning
from service.accepting import AcceptingServer, AcceptingWorkers
from service.observability import configure_logging, log_config
from service.protocol import BoundedHttpToolsProtocol
from service.settings import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def ready_message(settings: Settings) -> str:
    """What a person starting the service needs next: where to point the browser."""
    base = f"http://{settings.host}:{settings.port}"
    return (
        "iom-graph is ready:\n"
        f"  map             {base}/\n"
        f"  GraphiQL        {base}/graphql\n"
        f"  data downloads  {base}/data/"
    )


class AnnouncingServer(AcceptingServer):
    """``AcceptingServer``, printing ``ready_message`` once it listens: after the migration,
    the seed, the dataset read and uvicorn's own start-up lines, so that it is the last
    thing ``make run`` shows."""

    def __init__(self, config: uvicorn.Config, message: str) -> None:
        super().__init__(config)
        self.message = message

    async def startup(self, sockets: list[socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            print(self.message, flush=True)


def main(settings: Settings) -> None:
    shared_metrics = None
    if settings.workers > 1 and not os.environ.get(MULTIPROC_ENV):
        # The workers are spawned (fresh interpreters): they inherit this before they
        # import prometheus-client.
        shared_metrics = os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="iom-graph-metrics-")
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        "log_level": settings.log_level,
        # JSON lines, uvicorn's own included, in the parent and every worker.
        "log_config": log_config(settings.log_level),
        "access_log": False,
        # uvicorn's connection limits (docs/limits-and-connections.md); with httptools,
        # service/protocol.py adds what uvicorn lacks (head size, read timeout).
        "http": BoundedHttpToolsProtocol if settings.http == "httptools" else "h11",
        # The app applies X-Forwarded-For itself, from settings.forwarded_allow_ips only.
        "proxy_headers": False,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "timeout_keep_alive": settings.keep_alive_seconds,
        "limit_concurrency": settings.limit_concurrency,
        "timeout_graceful_shutdown": settings.graceful_shutdown_seconds,
    }
    try:
        if settings.workers == 1:
            config = uvicorn.Config("server:app", **options)
            AnnouncingServer(config, ready_message(settings)).run()
        else:
            # The workers start on their own, each its app: say where to go once, now.
            print(ready_message(settings).replace("is ready", "is starting"), flush=True)
            config = uvicorn.Config("server:app", **options)
            AcceptingWorkers(config, sockets=[config.bind_socket()]).run()
    finally:
        if shared_metrics is not None:
            shutil.rmtree(shared_metrics, ignore_errors=True)


settings = Settings()
# In every worker (each imports this module): uvicorn builds protocols from the class alone.
BoundedHttpToolsProtocol.read_timeout_seconds = settings.read_timeout_seconds
after_start = gc_tuning.tune(settings.gc_tuning, settings.gc_young_threshold)
configure_logging(settings.log_level)
if __name__ == "__main__":
    main(settings)
else:
    # Imported as ``server`` by uvicorn ("server:app"), in the process that serves or in each
    # worker: only there is the app built (``python server.py`` built one more before, in
    # ``__main__``, never started and kept for the process's life).
    if settings.tracing:
        from service.tracing import install_otlp_provider

        install_otlp_provider()
    app = create_app(settings, after_start=after_start)
