"""What the entity modules share: how an entity's records are read (``Records``), grouping
batch results, text search, ordering by name."""

import dataclasses
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Generic, Protocol, TypeVar, get_args

from sqlalchemy import Column, ColumnElement, Select, Table, select
from sqlalchemy.orm import Mapped, QueryableAttribute
from sqlmodel import SQLModel

from db.derived import SearchTerm
from db.tables import table_of
from db.text import fold
from resolvers.database import AnyRow, Database
from resolvers.texts import Texts, check_field_order, group_texts, pick, with_texts

_terms = table_of(SearchTerm)

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class WithTexts(Protocol):
    @property
    def texts(self) -> Texts: ...


R = TypeVar("R", bound=WithTexts)
E = TypeVar("E")


class Records(Generic[E]):
    """How one entity's records are read: ``query`` selects its rows (its table's columns, and
    anything else its record holds) in the entity's order, ``build`` makes its records from
    them. The edges to it (``resolvers.edge.one`` and ``many``) derive their batch functions
    from this and the one column each is keyed by."""

    __slots__ = ("build", "query", "table")

    def __init__(
        self, table: Table, query: Select[Any], build: Callable[[Sequence[AnyRow]], list[E]]
    ) -> None:
        self.table, self.query, self.build = table, query, build

    def read(self, db: Database, *where: ColumnElement[bool]) -> list[E]:
        """The records matching every condition of ``where``, in one statement."""
        return self.build(db.fetch(self.query.where(*where)))

    def column(self, attribute: Mapped[Any]) -> Column[Any]:
        """The table's column that ``attribute`` (``col(Model.name)``) maps: records are named
        like their table's columns (``check_field_order``), so a record's value of it is its
        attribute of that name."""
        if (
            isinstance(attribute, QueryableAttribute)
            and getattr(attribute.class_, "__table__", None) is self.table
        ):
            column: Column[Any] = self.table.c[attribute.key]
            return column
        raise TypeError(f"{attribute} is not a column of {self.table.name}")


def check_field_types(record: type, columns: Sequence[Column[Any]]) -> None:
    """A record's field of each column admits None exactly where the column does, and is of
    the column's Python type where its type names one (SQLModel's strings do not): a record is
    written out, typed for mypy, and checked against its table here."""
    types = {field.name: field.type for field in dataclasses.fields(record)}
    for column in columns:
        written = types[column.name]
        kinds = [kind for kind in get_args(written) or (written,) if kind is not type(None)]
        nullable = len(kinds) < len(get_args(written) or (written,))
        python_type = column.type.python_type
        if nullable != bool(column.nullable) or python_type not in (object, *kinds):
            null = "nullable" if column.nullable else "not null"
            raise TypeError(
                f"{record.__name__}.{column.name}: {written} does not fit its column "
                f"({column.type!r}, {null})"
            )


def records_of(
    model: type[SQLModel],
    record: type[E],
    *,
    texts: str | None = None,
    order_by: Sequence[str] = (),
) -> Records[E]:
    """The common case: a record of the table's columns, in their order (checked), then its
    texts of subject type ``texts`` if it has any; read in the order of the columns
    ``order_by``."""
    table = table_of(model)
    columns = tuple(table.c)
    width = len(columns)
    check_field_order(record, columns, *(("texts",) if texts else ()))
    check_field_types(record, columns)
    make: Callable[..., E] = record  # positional, as check_field_order ensures
    query = select(*columns).order_by(*(table.c[name] for name in order_by))
    if texts is None:
        return Records(table, query, lambda rows: [make(*row) for row in rows])
    return Records(
        table,
        with_texts(query, texts, table.c.id),
        lambda rows: [make(*row[:width], found) for row, found in group_texts(rows, width)],
    )


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
