"""Running statements: plain rows, one read transaction, and a per-request statement count.

``Database`` runs each statement on a short-lived connection of its own (the dataset's history,
start-up work such as list sizes, and tests); ``read_transaction`` runs a whole read (the
in-memory dataset of one version, ``resolvers.in_memory.read_in_memory``) in one read
transaction, so it sees one commit. No connection is ever used by two statements at once.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any, ParamSpec, TypeVar

import anyio
import anyio.to_thread
from sqlalchemy import Connection, Engine, Row, event
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


class count_statements:  # noqa: N801 (used as ``with count_statements() as counter``)
    """Count the statements this task (and the tasks it starts) runs inside the block.

    A class rather than a ``@contextmanager`` generator: every request enters one, and the
    generator's machinery cost about 1.5 us of it (``timeit``: 2.6-3.9 us, as a class
    1.1-1.7 us)."""

    __slots__ = ("counter", "token")

    def __enter__(self) -> StatementCounter:
        counter = self.counter = StatementCounter()
        self.token = _active_counter.set(counter)
        return counter

    def __exit__(self, *_exc_info: object) -> None:
        _active_counter.reset(self.token)


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
