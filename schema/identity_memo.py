"""A memo of values worked out once per parsed object (a document, an operation), kept as long
as that object lives.

graphql-core's nodes compare and hash by their content, which costs a walk of the tree; the
parser cache hands the same object to every request of one query text, so these memos key by
identity instead. ``weakref.WeakKeyDictionary`` would hash by content, so this holds a weak
reference beside each value and drops the entry when the object goes (before its ``id`` can
be reused).
"""

import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class IdentityMemo(Generic[K, V]):
    """``memo.get(key, work)``: ``work(key)``, worked out once while ``key`` lives."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref[K], V]] = {}

    def get(self, key: K, work: Callable[[K], V]) -> V:
        number = id(key)
        entry = self._entries.get(number)
        if entry is not None and entry[0]() is key:
            return entry[1]
        value = work(key)
        self._entries[number] = (weakref.ref(key, self._forget(number)), value)
        return value

    def _forget(self, number: int) -> Callable[[object], None]:
        entries = self._entries

        def forget(_dead: object) -> None:
            entries.pop(number, None)

        return forget

    def __len__(self) -> int:
        return len(self._entries)
