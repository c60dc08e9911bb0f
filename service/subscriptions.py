"""Live dataset events for the ``datasetChanged`` subscription (served over WebSocket by
``service.websocket``), fed by the version watcher of this process.

Every replica has a watcher (``db.version``) that learns of each load: PostgreSQL's
``NOTIFY`` reaches every process listening on the database, SQLite's ``data_version`` is
polled here once a second. On each new version this process reads the load's record once and
hands it to each of its subscribers; a burst of loads faster than the watcher may arrive as
one event, of the version loaded last.

Bounded (settings, documented in docs/following-changes.md):
- connections and subscriptions per client address and per process; one more subscription is
  refused with ``TOO_MANY_SUBSCRIPTIONS``, one more connection is closed (4429) at once;
- a client that sends nothing for ``subscription_idle_seconds`` (graphql-transport-ws clients
  ping) is disconnected (4408);
- a subscriber whose queue of unsent events is full is dropped with ``SLOW_CONSUMER``.
Gauges and counters: ``iom_graph_subscriptions``, ``iom_graph_websocket_connections``,
``iom_graph_subscriptions_refused_total``, ``iom_graph_subscriptions_dropped_total``,
``iom_graph_subscription_events_total``.
"""

import asyncio
import logging
from collections import Counter as Tally
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from prometheus_client import CollectorRegistry, Counter, Gauge

from resolvers.database import Database
from resolvers.dataset_history import VersionRecord, version_by_hash
from schema.errors import ErrorCode

logger = logging.getLogger("iom_graph.subscriptions")
SQLITE_POLL_SECONDS = 1.0


class SubscriptionRefusedError(Exception):
    """A subscription refused or ended by a bound; its code reaches the client."""

    def __init__(self, message: str, code: ErrorCode) -> None:
        super().__init__(message)
        self.extensions = {"code": code.value}


@dataclass(frozen=True)
class Caps:
    per_client: int
    per_process: int
    queue: int
    idle_seconds: float


class SubscriptionMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.open = Gauge(
            "iom_graph_subscriptions",
            "Open datasetChanged subscriptions.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.connections = Gauge(
            "iom_graph_websocket_connections",
            "Open WebSocket connections.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.refused = Counter(
            "iom_graph_subscriptions_refused",
            "Subscriptions and connections refused by a cap (reason: client, process).",
            ["reason"],
            registry=registry,
        )
        self.dropped = Counter(
            "iom_graph_subscriptions_dropped",
            "WebSocket clients dropped (reason: idle, slow).",
            ["reason"],
            registry=registry,
        )
        self.events = Counter(
            "iom_graph_subscription_events",
            "datasetChanged events handed to subscribers.",
            registry=registry,
        )


_SLOW = object()  # put in a full queue's place: the subscriber is dropped


class DatasetBroadcast:
    """This process's subscribers, and the new versions handed to them."""

    def __init__(self, database: Database, caps: Caps, metrics: SubscriptionMetrics) -> None:
        self.database, self.caps, self.metrics = database, caps, metrics
        self._queues: set[asyncio.Queue[Any]] = set()
        self._per_client: Tally[str] = Tally()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._seen: str | None = None

    def start(self, seen: str | None) -> None:
        """Bind to the running loop; ``seen`` is the version now (no event for it)."""
        self._loop, self._seen = asyncio.get_running_loop(), seen

    def version_changed(self, version: str | None) -> None:
        """The watcher's callback: from its thread or from the loop."""
        if self._loop is not None and version is not None:
            self._loop.call_soon_threadsafe(self._loop.create_task, self.publish(version))

    async def poll(self, current: Callable[[], str | None]) -> None:
        """SQLite has no notification: ask the watcher (a microsecond) once a second."""
        while True:
            await asyncio.sleep(SQLITE_POLL_SECONDS)
            current()

    async def publish(self, version: str) -> None:
        """Hand the record of ``version`` to every subscriber (once per version)."""
        if version == self._seen:
            return
        self._seen = version
        record = await anyio.to_thread.run_sync(version_by_hash, self.database, version)
        if record is None:  # written outside ``python -m db load``: no history to tell
            logger.warning("new dataset version without history", extra={"version": version})
            return
        for queue in list(self._queues):
            if queue.full():
                # Handed nothing more: the subscriber ends when it reads this far.
                self._queues.discard(queue)
                queue.get_nowait()
                queue.put_nowait(_SLOW)
            else:
                queue.put_nowait(record)
                self.metrics.events.inc()

    @asynccontextmanager
    async def subscribe(self, client: str) -> AsyncIterator[AsyncIterator[VersionRecord]]:
        if len(self._queues) >= self.caps.per_process:
            self.metrics.refused.labels("process").inc()
            raise SubscriptionRefusedError(
                f"this server holds its maximum of {self.caps.per_process} subscriptions: "
                "retry later",
                ErrorCode.TOO_MANY_SUBSCRIPTIONS,
            )
        if self._per_client[client] >= self.caps.per_client:
            self.metrics.refused.labels("client").inc()
            raise SubscriptionRefusedError(
                f"a client may hold {self.caps.per_client} subscriptions at once: close one",
                ErrorCode.TOO_MANY_SUBSCRIPTIONS,
            )
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=self.caps.queue)
        self._queues.add(queue)
        self._per_client[client] += 1
        self.metrics.open.inc()
        try:
            yield self._events(queue)
        finally:
            self._queues.discard(queue)
            self._per_client[client] -= 1
            if not self._per_client[client]:
                del self._per_client[client]
            self.metrics.open.dec()

    async def _events(self, queue: "asyncio.Queue[Any]") -> AsyncIterator[VersionRecord]:
        while True:
            item = await queue.get()
            if item is _SLOW:
                self.metrics.dropped.labels("slow").inc()
                raise SubscriptionRefusedError(
                    f"more than {self.caps.queue} events waited for this subscriber: "
                    "dropped; subscribe again and catch up with datasetChanges(since:)",
                    ErrorCode.SLOW_CONSUMER,
                )
            yield item
