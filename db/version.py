"""The loaded dataset's version, known to a running server without a query per request.

Caches key their entries by this version, so it must change the moment a load commits:
- PostgreSQL: the loader sends ``NOTIFY iom_graph_dataset, '<hash>'`` inside its transaction
  (delivered on commit); a listener thread in each server process receives it.
- SQLite: every commit goes through the write-ahead log (the engine keeps WAL mode), so a
  ``stat`` of that file per request (about a microsecond) notices a load; the version is
  then read again.
"""

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
from sqlalchemy import Connection, Engine, func, select

from db.models import DatasetVersion

logger = logging.getLogger("iom_graph.version")
CHANNEL = "iom_graph_dataset"


def read_version(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return connection.execute(select(DatasetVersion.content_hash)).scalar_one_or_none()  # type: ignore[call-overload]


def announce(connection: Connection, content_hash: str) -> None:
    """Tell listening servers about a new version (PostgreSQL; delivered on commit)."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_notify(CHANNEL, content_hash)))


class DatasetVersionWatcher:
    """``current()`` is the dataset version now; ``on_change`` callbacks run when it moves."""

    def __init__(
        self, engine: Engine, on_change: Callable[[str | None], None] | None = None
    ) -> None:
        self.engine = engine
        self.on_change = on_change
        self.version: str | None = None
        self._files: list[Path] = []
        self._signature: tuple[tuple[int, int], ...] = ()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            database = Path(str(engine.url.database))
            self._files = [database.with_name(database.name + "-wal")]

    def start(self) -> None:
        self._set(read_version(self.engine))
        self._signature = self._stat()
        if self.engine.dialect.name == "postgresql":
            self._thread = threading.Thread(
                target=self._listen, name="dataset-version", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def current(self) -> str | None:
        if self._files:
            signature = self._stat()
            if signature != self._signature:
                self._signature = signature
                self._set(read_version(self.engine))
        return self.version

    def _set(self, version: str | None) -> None:
        changed = version != self.version
        self.version = version
        if changed and self.on_change is not None:
            self.on_change(version)

    def _stat(self) -> tuple[tuple[int, int], ...]:
        signature = []
        for path in self._files:
            try:
                status = os.stat(path)
            except FileNotFoundError:
                signature.append((0, 0))
            else:
                signature.append((status.st_mtime_ns, status.st_size))
        return tuple(signature)

    def _listen(self) -> None:
        """LISTEN for new versions; after any (re)connection, read the version again."""
        url = self.engine.url.set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True, connect_timeout=2) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._set(read_version(self.engine))
                    while not self._stop.is_set():
                        for notification in connection.notifies(timeout=1.0):
                            self._set(notification.payload or None)
            except Exception as error:
                logger.warning(
                    "dataset version listener reconnecting", extra={"reason": type(error).__name__}
                )
                self._stop.wait(1.0)
