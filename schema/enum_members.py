"""An enum's member for a stored value, by one dictionary lookup.

``Kind(value)`` goes through ``EnumType.__call__`` and ``Enum.__new__`` on every call; the
records' kinds are made into members for every edge and entity a response holds (each
relationship of a reverse walk, each institution's kind). The members of an enum never
change, so their values are indexed once per enum; a value no member has is left to the
enum's own call (its ``ValueError``, or its ``_missing_``).
"""

from enum import Enum
from functools import cache
from typing import Any, TypeVar

E = TypeVar("E", bound=Enum)


@cache
def _by_value(enum: type[Enum]) -> dict[Any, Enum]:
    members: dict[Any, Enum] = {}
    for member in enum:
        members.setdefault(member.value, member)
    return members


def member_of(enum: type[E], value: Any) -> E:
    """``enum(value)``, read from an index of the enum's members."""
    try:
        found = _by_value(enum).get(value)
    except TypeError:  # unhashable: the enum's own search
        found = None
    return found if found is not None else enum(value)  # type: ignore[return-value]
