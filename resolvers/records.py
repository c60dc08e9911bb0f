"""What the entity modules share: grouping batch results, text search, ordering by name."""

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Protocol, TypeVar

from sqlalchemy import Select, select

from db.derived import SearchTerm
from db.tables import table_of
from db.text import fold
from resolvers.texts import Texts, pick

_terms = table_of(SearchTerm)

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class WithTexts(Protocol):
    @property
    def texts(self) -> Texts: ...


R = TypeVar("R", bound=WithTexts)


def group_pairs(pairs: Iterable[tuple[K | None, T]], keys: Iterable[K]) -> dict[K, list[T]]:
    """The values paired with each of ``keys``, in ``pairs`` order; a key with none gets ``[]``.

    A pair whose key is None (say, a country no office supports) belongs to no group.
    """
    grouped: dict[K, list[T]] = {key: [] for key in keys}
    for key, value in pairs:
        if key is not None:
            grouped[key].append(value)
    return grouped


def ids_matching_text(subject_type: str, text: str) -> Select[tuple[int]]:
    """The ids of the ``subject_type`` subjects having a search term that contains ``text``."""
    return select(_terms.c.subject_id).where(
        _terms.c.subject_type == subject_type,
        _terms.c.term.contains(fold(text), autoescape=True),
    )


def sort_records(
    records: list[R],
    order_by: str,
    descending: bool,
    languages: Sequence[str],
    unnamed: Callable[[R], str],
) -> None:
    """Sort by ``order_by``, an attribute or ``name``: the name in ``languages`` (folded, so
    accents and case do not decide), or ``unnamed(record)`` for a record without one."""
    if order_by == "name":
        records.sort(
            key=lambda r: fold(pick(r.texts, "name", languages) or unnamed(r)), reverse=descending
        )
    else:
        records.sort(key=lambda r: getattr(r, order_by), reverse=descending)
