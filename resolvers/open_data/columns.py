"""How a table of the package is declared: its columns, keys and where its rows come from.

An entity's table names its records (``records``: one row each) and its rows follow from its
columns: a column reads the record's attribute of its name unless it says how (``read``); a
text column reads the record's ``texts`` in the package's language. A table of relations
between entities gives its own row function (``build_rows``) instead.

A text column (a name, a title) is in the package's language when the dataset has it in that
language; else in the first of en, fr, es that it has (GraphQL's fallback), and the column
``<text>_language`` beside it says which language it is in: a fallback is a row whose
``<text>_language`` differs from the package's language.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from db.vocabulary import SubjectType
from resolvers.open_data.rows import Row, Selection

Read = Callable[[Selection, Any], Any]


@dataclass(frozen=True, slots=True)
class Column:
    """One column: name, Table Schema type, description, whether a value is required, and
    how an entity table reads it from a record (None: the attribute of its name)."""

    name: str
    type: str
    description: str
    required: bool = False
    read: Read | None = None
    text: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """One resource of the package: its columns, primary key and foreign keys (a column, the
    table it refers to and that table's column); its rows, one per record of ``records`` or
    built by ``build_rows``. An entity table's ``subject`` is its records' subject type in the
    provenance tables (its sources are the package's). ``summary``: what the table adds to the
    package's description (``IOM's offices``), if anything."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    records: Callable[[Selection], Iterable[Any]] | None = None
    build_rows: Callable[[Selection], list[Row]] | None = None
    subject: SubjectType | None = None
    summary: str | None = None

    def __post_init__(self) -> None:
        if (self.records is None) == (self.build_rows is None):
            raise ValueError(f"table {self.name}: give either records or build_rows")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def rows(self, selection: Selection) -> list[Row]:
        if self.build_rows is not None:
            return self.build_rows(selection)
        assert self.records is not None
        return [self._row(selection, record) for record in self.records(selection)]

    def _row(self, selection: Selection, record: Any) -> Row:
        row: Row = {}
        for column in self.columns:
            if column.text:
                row.update(selection.texts(record.texts, column.name))
            elif column.name not in row:  # a text's `_language` column is filled with it
                read = column.read
                row[column.name] = read(selection, record) if read else getattr(record, column.name)
        return row


def text(name: str, description: str, required: bool = False) -> tuple[Column, Column]:
    """A text column and the column naming the language it is in."""
    return (
        Column(name, "string", description, required, text=True),
        Column(
            f"{name}_language",
            "string",
            f"The language `{name}` is in: the package's, or the fallback (en, fr, es) when "
            "the dataset has no text in the package's language; empty when there is no text.",
        ),
    )


def bound(name: str, meaning: str) -> tuple[Column, ...]:
    """A bound of validity (``valid_from``, ``valid_until``) and its evidence."""
    return (
        Column(name, "string", f"{meaning}, a partial date (`2024`, `2024-01`, `2024-01-15`)."),
        Column(f"{name}_precision", "string", "`year`, `month` or `day`."),
        Column(f"{name}_source_url", "string", "The page that states it."),
        Column(f"{name}_quote", "string", "The page's phrase that states it."),
        Column(f"{name}_unknown", "string", f"Why `{name}` is empty, when it is."),
    )
