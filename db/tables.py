"""The SQLAlchemy ``Table`` behind a SQLModel table class, typed once for every caller; and the
declaration, kept in a table class's ``__table_args__``, that the loader writes the table.

A loaded table says only what its metadata cannot: the columns naming a row (its natural key)
and the subject type other rows use to point at it (``("office", "nairobi")``). Where it falls
in a load (parents first), its self-references and the columns a history shows derive from the
table's columns and foreign keys (``loaded_tables``).
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, Table
from sqlmodel import SQLModel

_LOADED = "iom_graph.loaded"


def table_of(model: type[SQLModel]) -> Table:
    """``model.__table__``: core statements (``select(t.c.id)``) need the table, not the class."""
    # SQLModel sets __table__ on each table class but does not declare it, so mypy cannot see it.
    found: Table = model.__table__  # type: ignore[attr-defined]
    return found


@dataclass(frozen=True, slots=True)
class Loaded:
    """How a load names the rows of a table, and how other rows refer to them."""

    natural_key: tuple[str, ...]
    # Rows elsewhere refer to this table's rows as ``(subject_type, natural key)``; None: never.
    subject_type: str | None = None


def loaded(*natural_key: str, subject_type: str | None = None) -> dict[str, Any]:
    """The ``__table_args__`` entry of a table the loader writes from ``DesiredRows``."""
    subject = None if subject_type is None else str(subject_type)
    return {"info": {_LOADED: Loaded(natural_key, subject)}}


def loaded_tables(metadata: MetaData = SQLModel.metadata) -> list[tuple[Table, Loaded]]:
    """The tables a load writes, each with its declaration, parents before children."""
    tables = metadata.sorted_tables
    return [(table, table.info[_LOADED]) for table in tables if _LOADED in table.info]


def self_reference(table: Table) -> str | None:
    """The column of ``table`` that points at another row of it (an institution's parent)."""
    columns = [c.name for c in table.c for key in c.foreign_keys if key.column.table is table]
    return columns[0] if columns else None
