"""Running statements: one snapshot per request, plain rows, and a per-request statement count.

A request reads through a ``Snapshot``: one pooled connection and one read-only transaction,
so every batch statement of the response sees the same committed state of the database, and
the dataset version read first in that transaction is the version of the whole response.
``Database`` itself runs each statement on a short-lived connection of its own (start-up work
such as list sizes, and tests). No connection is ever used by two statements at once or by two
requests.
"""

import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any, ParamSpec, TypeVar

import anyio
import anyio.to_thread
from sqlalchemy import Connection, Engine, Row, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable

from db.version import read_version

AnyRow = Row[*tuple[Any, ...]]


class StatementCounter:
    """Counts the SQL statements run while it is active (see ``count_statements``)."""

    def __init__(self) -> None:
        self.count = 0


_active_counter: ContextVar[StatementCounter | None] = ContextVar("statement_counter", default=None)


def _on_execute(*_args: Any, **_kwargs: Any) -> None:
    counter = _active_counter.get()
    if counter is not None:
        counter.count += 1


def instrument(engine: Engine) -> Engine:
    """Make ``count_statements`` see statements run on ``engine`` (idempotent)."""
    if not event.contains(engine, "before_cursor_execute", _on_execute):
        event.listen(engine, "before_cursor_execute", _on_execute)
    return engine


@contextmanager
def count_statements() -> Iterator[StatementCounter]:
    """Count the statements this task (and the tasks it starts) runs inside the block."""
    counter = StatementCounter()
    token = _active_counter.set(counter)
    try:
        yield counter
    finally:
        _active_counter.reset(token)


P = ParamSpec("P")
T = TypeVar("T")


class Database:
    """The query side's handle on an engine.

    ``run`` calls a batch function off the event loop when the database is across a network
    (PostgreSQL), so a slow statement never freezes other requests and a request timeout can
    give up on it; SQLite statements are in-process work and run inline.
    """

    # The dataset version every statement through this handle reads; None: not known (here
    # each statement reads the newest commit).
    version: str | None = None
    # Whether a statement ran: a result that read nothing depends on no dataset version.
    read_data: bool = False

    def __init__(self, engine: Engine) -> None:
        self.engine = instrument(engine)
        self.threaded = engine.dialect.name != "sqlite"

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        if not self.threaded:
            return function(*args, **kwargs)
        call = partial(function, *args, **kwargs)
        return await anyio.to_thread.run_sync(call, abandon_on_cancel=True)

    def fetch(self, statement: Executable) -> Sequence[AnyRow]:
        with self.engine.connect() as connection:
            return connection.execute(statement).all()

    def scalar(self, statement: Executable) -> Any:
        with self.engine.connect() as connection:
            return connection.execute(statement).scalar()

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator["Database"]:
        """One request's consistent view; its connection goes back however the block ends."""
        snapshot = Snapshot(self)
        try:
            yield snapshot
        finally:
            await snapshot.close()


class SnapshotClosedError(RuntimeError):
    """A statement was started on a snapshot whose request has ended (e.g. timed out)."""


class Snapshot(Database):
    """A ``Database`` whose statements all run on one connection in one read transaction.

    The first statement opens it: checks out a connection, begins the transaction and reads
    the dataset version in it, so a request that never reads data (a parse error, a refused
    operation, ``__typename``) holds no connection, and a database that is down fails that
    statement like any other (``SERVICE_UNAVAILABLE``). ``version`` is then the version of
    every row the request reads (``read_data`` says whether there were any).

    Statements run one at a time: a DataLoader tick may dispatch several batch functions
    together, and a connection runs one statement at a time. A statement abandoned by a
    cancelled request still owns the connection until it returns (PostgreSQL's
    ``statement_timeout`` bounds that); its worker thread then gives the connection back, and
    any later statement of that request is refused instead of running on it.
    """

    def __init__(self, database: Database) -> None:
        self.engine = database.engine
        self.threaded = database.threaded
        self.version: str | None = None
        self._connection: Connection | None = None
        self._one_statement_at_a_time = anyio.Lock()
        self._state = threading.Lock()
        self._busy = False
        self._closed = False
        self._failed: DBAPIError | None = None

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        call = partial(function, *args, **kwargs)
        if not self.threaded:
            return self._guarded(call)
        async with self._one_statement_at_a_time:
            return await anyio.to_thread.run_sync(self._guarded, call, abandon_on_cancel=True)

    def fetch(self, statement: Executable) -> Sequence[AnyRow]:
        return self._open().execute(statement).all()

    def scalar(self, statement: Executable) -> Any:
        return self._open().execute(statement).scalar()

    async def close(self) -> None:
        """Give the connection back, unless a statement still runs on it (it gives it back)."""
        with self._state:
            self._closed = True
            release = not self._busy and self._connection is not None
        if not release:
            return
        if not self.threaded:
            self._release()
            return
        # Off the event loop (closing rolls back over the network), even when the request is
        # being cancelled.
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(self._release)

    def _open(self) -> Connection:
        if self._connection is None:
            raise SnapshotClosedError("a statement outside Snapshot.run")
        return self._connection

    def _guarded(self, call: Callable[[], T]) -> T:
        with self._state:
            if self._closed:
                raise SnapshotClosedError("the request this snapshot belonged to has ended")
            self._busy = True
        try:
            if self._failed is not None:
                # PostgreSQL aborts the transaction at the first error: every later statement
                # would fail as "transaction aborted", hiding why (a timeout, a lost server).
                raise self._failed
            if self._connection is None:
                self._connection, self.version = begin_read_snapshot(self.engine)
                self.read_data = True
            return call()
        except DBAPIError as error:
            self._failed = error
            raise
        finally:
            with self._state:
                self._busy = False
                release = self._closed
            if release:  # the request ended while this statement ran
                self._release()

    def _release(self) -> None:
        """Close the connection, rolling the read transaction back. When that rollback fails
        (the server went away mid-request), SQLAlchemy still returns the connection to the
        pool, which resets it or invalidates it (sqlalchemy#13657), and the error is raised:
        ``service.execution`` answers it SERVICE_UNAVAILABLE like any other outage."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


class _Pinned(Database):
    """A ``Database`` whose statements all run on one connection (see ``read_transaction``)."""

    def __init__(self, database: Database, connection: Connection, version: str | None) -> None:
        self.engine, self.threaded = database.engine, database.threaded
        self.connection, self.version, self.read_data = connection, version, True

    def fetch(self, statement: Executable) -> Sequence[AnyRow]:
        return self.connection.execute(statement).all()

    def scalar(self, statement: Executable) -> Any:
        return self.connection.execute(statement).scalar()


@contextmanager
def read_transaction(database: Database) -> Iterator[Database]:
    """One read transaction, synchronously (building the in-memory dataset): every statement
    run through the handle yielded sees the same commit, whose dataset version it holds."""
    connection, version = begin_read_snapshot(database.engine)
    with connection:  # closing rolls the read transaction back
        yield _Pinned(database, connection, version)


def begin_read_snapshot(engine: Engine) -> tuple[Connection, str | None]:
    """A connection in a read transaction of its own, and the dataset version read in it."""
    connection = engine.connect()
    if connection.dialect.name == "sqlite":
        # pysqlite's legacy transaction control never sends BEGIN before a SELECT, so each
        # SELECT would read the newest commit. A deferred BEGIN sent to the driver directly
        # (not a counted statement, like psycopg's implicit BEGIN) makes the first SELECT fix
        # the WAL snapshot for the whole transaction; closing the connection rolls it back.
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("BEGIN DEFERRED")
    else:
        connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return connection, read_version(connection)
