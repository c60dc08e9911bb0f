"""One edge of the graph: how it is declared (``one``, ``many``, ``one_from``, ``many_from``),
the keys it has (``KeySource``) and its answers in one dataset version (``Lookup``). The edges
themselves are declared in ``resolvers.edges``.

``one`` and ``many`` derive an edge's batch function from its entity's ``Records`` and the one
column the edge is keyed by (records named like the columns, so a record's key is its
attribute of that name); ``one_from`` and ``many_from`` take a hand-written one, for a read
that differs (a join, several key columns, values that are not an entity's records).
"""

from collections.abc import Callable, Hashable, Mapping, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from sqlalchemy import select
from sqlalchemy.orm import Mapped

from resolvers.bounds import Bound, largest_group
from resolvers.database import Database
from resolvers.records import Records, group_pairs

if TYPE_CHECKING:  # the class holding the edges, for the descriptor's types only
    from resolvers.edges import Edges

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")
R = TypeVar("R")


class Lookup(Generic[K, V, D]):
    """One edge's answers: ``load(key)`` is the value for ``key``, or ``default`` (None for a
    record, an empty tuple for a list) when the dataset has none."""

    __slots__ = ("default", "found")

    def __init__(self, found: Mapping[K, V], default: D) -> None:
        self.found, self.default = found, default

    def load(self, key: K) -> V | D:
        return self.found.get(key, self.default)

    def load_many(self, keys: Sequence[K]) -> list[V | D]:
        found, default = self.found, self.default
        return [found.get(key, default) for key in keys]


class KeySource:
    """Every key of an edge that exists, read by ``statements`` statements."""

    __slots__ = ("read", "statements")

    def __init__(self, read: Callable[[Database], list[Any]], statements: int) -> None:
        self.read, self.statements = read, statements


def values_of(*columns: Any) -> KeySource:
    """Every distinct value of ``columns`` (each a key of the edge): a statement each."""

    def read(db: Database) -> list[Any]:
        return [row[0] for column in columns for row in db.fetch(select(column).distinct())]

    return KeySource(read, len(columns))


class Edge(Generic[K, V, D]):
    """One edge: ``fetch`` answers a batch of keys in one statement; ``keys`` are all there
    are; ``default`` answers a key with none; ``bound`` is a list edge's. On ``Edges`` (the
    class) the attribute is the edge, on an instance its ``Lookup``."""

    name: str

    def __init__(
        self,
        fetch: Callable[[Database, Sequence[K]], Mapping[K, Any]],
        keys: KeySource,
        default: D,
        bound: Bound | None,
    ) -> None:
        self.fetch, self.keys, self.default, self.bound = fetch, keys, default, bound

    def __set_name__(self, owner: type, name: str) -> None:
        # Named where it is declared (``Edges``), not again where a schema type holds it.
        if not hasattr(self, "name"):
            self.name = name

    def __repr__(self) -> str:
        return f"Edge({self.name!r})"

    @property
    def is_list(self) -> bool:
        return self.bound is not None

    @overload
    def __get__(self, edges: None, owner: type) -> "Edge[K, V, D]": ...
    @overload
    def __get__(self, edges: "Edges", owner: type) -> Lookup[K, V, D]: ...
    def __get__(self, edges: "Edges | None", owner: type) -> "Edge[K, V, D] | Lookup[K, V, D]":
        if edges is not None:  # not reached: the instance's __dict__ answers first
            lookup: Lookup[K, V, D] = edges.__dict__[self.name]
            return lookup
        return self


def one(records: Records[R], column: Mapped[K | None]) -> Edge[K, R, None]:
    """The edge to the record whose ``column`` (``col(Model.name)``, unique) is the key: its
    batch function reads ``records`` where ``column`` is one of the keys; its keys are every
    value of ``column``."""
    key_column = records.column(column)
    key = attrgetter(key_column.name)

    def fetch(db: Database, keys: Sequence[K]) -> dict[K, R]:
        return {key(record): record for record in records.read(db, key_column.in_(keys))}

    return one_from(fetch, values_of(key_column))


def many(records: Records[R], column: Mapped[K | None]) -> Edge[K, tuple[R, ...], tuple[R, ...]]:
    """The edge to the records whose ``column`` (``col(Model.name)``, a foreign key) is the key,
    in their entity's order: its batch function reads ``records`` where ``column`` is one of the
    keys and groups them by it; its keys are every value of the column it references (a key
    none refers to has an empty list); its bound is the largest group sharing ``column``."""
    key_column = records.column(column)
    key = attrgetter(key_column.name)
    references = [foreign_key.column for foreign_key in key_column.foreign_keys]
    if len(references) != 1:
        raise TypeError(f"{key_column} references no one column to take its keys from")

    def fetch(db: Database, keys: Sequence[K]) -> dict[K, list[R]]:
        found = records.read(db, key_column.in_(keys))
        return group_pairs(((key(record), record) for record in found), keys)

    return many_from(fetch, values_of(references[0]), key_column)


def one_from(
    fetch: Callable[[Database, Sequence[K]], Mapping[K, R]], keys: KeySource
) -> Edge[K, R, None]:
    """An edge to at most one record per key, read by a hand-written batch function ``fetch``
    (where ``one`` cannot derive it: a join, several key columns)."""
    return Edge(fetch, keys, None, None)


def many_from(
    fetch: Callable[[Database, Sequence[K]], Mapping[K, Sequence[R]]],
    keys: KeySource,
    *grouped_by: Any,
) -> Edge[K, tuple[R, ...], tuple[R, ...]]:
    """An edge to a list per key (a tuple: lists are shared by every request of a version),
    read by ``fetch`` (hand-written where ``many`` cannot derive it), each list a group of rows
    sharing the columns ``grouped_by``: at most as long as the largest such group (its bound)."""
    empty: tuple[R, ...] = ()
    return Edge(fetch, keys, empty, Bound("", largest_group(*grouped_by)))
