"""The root lists' records in each order asked for, sorted once per dataset version.

A dataset version never changes, so the order of its countries by alpha-3, say, is the same
for every request of that version: ``Orders`` sorts each list the first time an order is asked
for and keeps the result (``Ordered``: the records in that order and each one's position). A
filtered list is then the records whose ids the filter selects, put in order by their
positions, which is the order the same stable sort gives the filtered records: the records
start in id order either way, and a stable sort keeps ties in that order.

Memory stays bounded: at most ``MAX_ORDERS`` orders are kept per version (an order is one
tuple and one dictionary, each the size of its list); past that, the oldest is dropped. The
keys are a list, a field, a direction and, for orders by a text, the request's languages,
which the service draws from its few supported ones. At ten times the data
(``benchmark/synthetic.py``, 760 institutions), 32 orders of the institutions held 1.8 MB
(tracemalloc) and the indexes (``resolvers.list_indexes``) 1.4 MB beside the dataset's 12 MB.
"""

from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

MAX_ORDERS = 32
# Filtered lists kept per version (``Orders.filtered``): each a tuple of at most its list.
MAX_FILTERED = 128


class HasId(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=HasId)


@dataclass(frozen=True, slots=True)
class Ordered(Generic[R]):
    """A list's records in one order, and the position of each (by id)."""

    records: tuple[R, ...]
    position: dict[int, int]

    @classmethod
    def of(cls, records: Sequence[R]) -> "Ordered[R]":
        in_order = tuple(records)
        return cls(in_order, {record.id: index for index, record in enumerate(in_order)})

    def restricted(self, ids: Collection[int] | None) -> Sequence[R]:
        """The records whose ids are in ``ids`` (all of them for None), in this order; ids
        that are not in this list are ignored."""
        if ids is None:
            return self.records
        position, records = self.position, self.records
        return [records[index] for index in sorted(position[i] for i in ids if i in position)]


class Orders:
    """The orders computed so far, for one dataset version (at most ``limit``), and the
    filtered lists asked for so far (at most ``MAX_FILTERED``)."""

    def __init__(self, limit: int = MAX_ORDERS) -> None:
        self.limit = limit
        self._held: dict[Hashable, Ordered[Any]] = {}
        self._filtered: dict[Hashable, tuple[Any, ...]] = {}

    def get(self, key: Hashable, sort: Callable[[], Sequence[R]]) -> Ordered[R]:
        """The order under ``key``: sorted by ``sort`` the first time, kept afterwards."""
        held = self._held.get(key)
        if held is None:
            held = _kept(self._held, key, Ordered.of(sort()), self.limit)
        return held

    def filtered(self, key: Hashable, select: Callable[[], Sequence[R]]) -> Sequence[R]:
        """The filtered, ordered list under ``key`` (the list, its filter and its order): made
        by ``select`` the first time, kept afterwards. A version never changes, so the same
        filter and order select the same records for every request of it; the page slices
        them. (The filtered list of countries of one office took 8.5 us a request to select
        again, most of it building sets.) A ``select`` that raises keeps nothing."""
        held = self._filtered.get(key)
        if held is None:
            held = _kept(self._filtered, key, tuple(select()), MAX_FILTERED)
        return held

    def __len__(self) -> int:
        return len(self._held)


V = TypeVar("V")


def _kept(held: dict[Hashable, V], key: Hashable, value: V, limit: int) -> V:
    """``value`` kept in ``held`` under ``key``, the oldest entry dropped past ``limit``."""
    if len(held) >= limit:
        del held[next(iter(held))]
    held[key] = value
    return value
