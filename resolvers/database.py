"""Running statements: short-lived connections, plain rows, and a per-request statement count.

Each batch function opens a connection from the pool, runs one statement and gives the
connection back before any ``await``: no session is ever held across awaits or shared by
concurrent tasks.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any, ParamSpec, TypeVar

import anyio.to_thread
from sqlalchemy import Engine, Row, event
from sqlalchemy.sql import Executable

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
