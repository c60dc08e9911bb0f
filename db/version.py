"""The loaded dataset's version, known to a running server without a query per request.

Caches are looked up by this version, so it must move the moment a load commits:
- PostgreSQL: the loader sends ``NOTIFY iom_graph_dataset, '<hash>'`` inside its transaction
  (delivered on commit); a listener thread in each server process receives it and reads the
  version committed last (a backlog of notifications never moves it back).
- SQLite: the watcher holds one connection of its own and asks it ``PRAGMA data_version``
  (about a microsecond, no file system call). SQLite changes that number whenever another
  connection commits, and only once the commit is visible, so a check that runs while a load
  is mid-commit is answered again at the next check. (A ``stat`` of the WAL file missed loads:
  the log is written before the commit is visible, so a check in between kept the new file
  state with the old version, and nothing later changed the file's mtime and size.)

The watcher is a hint for cache lookups and for when to read the dataset into memory again.
What a response holds is decided by the in-memory dataset the request takes
(``service.dataset``), whose version was read in the transaction that read it.
"""

import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import cast

from sqlalchemy import Connection, Engine, PoolProxiedConnection, func, select

from db.derived import DatasetVersion

logger = logging.getLogger("iom_graph.version")
CHANNEL = "iom_graph_dataset"
_VERSION_SQL = f"SELECT content_hash FROM {DatasetVersion.__tablename__}"


def read_version(bind: Engine | Connection) -> str | None:
    """The version in the database; on a ``Connection``, in its current transaction."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return read_version(connection)
    return bind.execute(select(DatasetVersion.content_hash)).scalar_one_or_none()  # type: ignore[call-overload]


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
        self._pooled: PoolProxiedConnection | None = None
        self._probe: sqlite3.Connection | None = None
        self._data_version: int | None = None
        # current() may be called from the event loop and from worker threads at once; one
        # sqlite3 connection must not run two statements together.
        self._probe_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._watches_sqlite_file():
            # Out of the pool for good: the engine's own connect arguments, never checked in.
            pooled = self.engine.raw_connection()
            self._probe = cast(sqlite3.Connection, pooled.driver_connection)
            pooled.detach()
            self._pooled = pooled
            self.current()
            return
        self._set(read_version(self.engine))
        if self.engine.dialect.name == "postgresql":
            self._thread = threading.Thread(
                target=self._listen, name="dataset-version", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._probe_lock:
            if self._pooled is not None:
                self._pooled.close()  # detached: really closed
            self._pooled = self._probe = None

    def current(self) -> str | None:
        if self._probe is not None:
            with self._probe_lock:
                probe = self._probe
                if probe is None:  # stopped meanwhile
                    return self.version
                (data_version,) = probe.execute("PRAGMA data_version").fetchone()
                if data_version != self._data_version:
                    # The counter is read before the version: a commit after this point moves
                    # the counter again, so the version kept is never older than the data.
                    self._data_version = data_version
                    row = probe.execute(_VERSION_SQL).fetchone()
                    self._set(row[0] if row else None)
        return self.version

    def _watches_sqlite_file(self) -> bool:
        url = self.engine.url
        return self.engine.dialect.name == "sqlite" and url.database not in (None, "", ":memory:")

    def _set(self, version: str | None) -> None:
        previous, self.version = self.version, version
        if version == previous:
            return
        # One line per change: an operator compares them with the loads that ran.
        logger.info(
            "dataset version changed",
            extra={"dataset_version": version, "previous_dataset_version": previous},
        )
        if self.on_change is not None:
            self.on_change(version)

    def _listen(self) -> None:
        """LISTEN for new versions; after any (re)connection, read the version again."""
        # Imported here, only on PostgreSQL: psycopg is 10 MB of a process's memory, which a
        # server on SQLite never needs (benchmark/README.md, "Memory at ten times the data").
        import psycopg

        url = self.engine.url.set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True, connect_timeout=2) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._set(read_version(self.engine))
                    while not self._stop.is_set():
                        if not list(connection.notifies(timeout=1.0, stop_after=1)):
                            continue
                        # Notifications of quick successive loads queue up while on_change
                        # runs: take them all, then the version committed last (taking each
                        # payload in turn would move the hint back to an older load).
                        list(connection.notifies(timeout=0.0))
                        self._set(read_version(self.engine))
            except Exception as error:
                logger.warning(
                    "dataset version listener reconnecting", extra={"reason": type(error).__name__}
                )
                self._stop.wait(1.0)
