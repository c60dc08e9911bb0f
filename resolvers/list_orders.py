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
    """The orders computed so far, for one dataset version (at most ``limit``)."""

    def __init__(self, limit: int = MAX_ORDERS) -> None:
        self.limit = limit
        self._held: dict[Hashable, Ordered[Any]] = {}

    def get(self, key: Hashable, sort: Callable[[], Sequence[R]]) -> Ordered[R]:
        """The order under ``key``: sorted by ``sort`` the first time, kept afterwards."""
        held = self._held.get(key)
        if held is None:
            held = Ordered.of(sort())
            if len(self._held) >= self.limit:
                del self._held[next(iter(self._held))]
            self._held[key] = held
        return held

    def __len__(self) -> int:
        return len(self._held)
