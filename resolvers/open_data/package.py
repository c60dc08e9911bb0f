"""A package's files: ``datapackage.json`` (a Tabular Data Package descriptor), one CSV per
table, and ``iom-graph.json``, the same descriptor with every table's rows inline (a header row,
then one array per row, JSON-typed; itself a valid Data Package, for one download).

The descriptor is written as plain JSON rather than through ``frictionless``: the service
would otherwise load that library (and its dependencies) into every process to emit a
document this small; the tests validate what is served with ``frictionless`` itself. CSVs
are RFC 4180 (the standard library's ``csv``), UTF-8, ``true``/``false`` booleans, empty
for null.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import orjson

from resolvers.in_memory import InMemoryDataset
from resolvers.open_data.columns import Table
from resolvers.open_data.licence import DATA_LICENCE
from resolvers.open_data.rows import Row, Selection
from resolvers.open_data.tables import CONTENTS, TABLES

DESCRIPTOR = "datapackage.json"
DOCUMENT = "iom-graph.json"
ALL_PERIODS = "all"

TABLES_BY_FILE: dict[str, Table] = {f"{table.name}.csv": table for table in TABLES}
FILES: tuple[str, ...] = (DESCRIPTOR, *TABLES_BY_FILE, DOCUMENT)
"""Every file of a package, the descriptor first."""


def period_name(period: date | None) -> str:
    """How a package names its period: the day (ISO 8601), or ``all``."""
    return period.isoformat() if period is not None else ALL_PERIODS


@dataclass(frozen=True)
class Package:
    """The package of one dataset version for one period (a day, or None: every period) in
    one language."""

    dataset: InMemoryDataset
    period: date | None
    language: str

    @cached_property
    def _selection(self) -> Selection:
        return Selection(self.dataset, self.period, self.language)

    # Each table's rows, built when first asked for (serving one CSV builds one table).
    _built: dict[str, list[Row]] = field(default_factory=dict, init=False, compare=False)

    def rows(self, table: Table) -> list[Row]:
        rows = self._built.get(table.name)
        if rows is None:
            rows = self._built[table.name] = table.rows(self._selection)
        return rows

    def file(self, name: str) -> bytes:
        """The bytes of the file ``name`` (one of ``FILES``); KeyError for any other."""
        if name == DESCRIPTOR:
            return _json(self.descriptor())
        if name == DOCUMENT:
            return _json(self.document())
        return self.csv(TABLES_BY_FILE[name])

    def row_count(self, name: str) -> int:
        """How many rows the file ``name`` holds: a table's; every table's for the document;
        1 for the descriptor. (What the service charges a client for it, as GraphQL charges
        the objects of an answer.)"""
        if name == DESCRIPTOR:
            return 1
        tables = TABLES if name == DOCUMENT else (TABLES_BY_FILE[name],)
        return sum(len(self.rows(table)) for table in tables)

    def files(self) -> Iterator[tuple[str, bytes]]:
        for name in FILES:
            yield name, self.file(name)

    def csv(self, table: Table) -> bytes:
        return _csv(table, self.rows(table))

    def descriptor(self) -> dict[str, Any]:
        """The ``datapackage.json`` of this package."""
        loaded_at = self.dataset.loaded_at
        period = period_name(self.period)
        return {
            "profile": "tabular-data-package",
            "name": "iom-graph",
            "title": "The structure of the International Organization for Migration (IOM / OIM)",
            "description": (
                f"{CONTENTS}; as of {period} (`all`: every period), texts in `{self.language}`."
            ),
            "version": self.dataset.version,
            "created": loaded_at.isoformat().replace("+00:00", "Z") if loaded_at else None,
            "licenses": [
                {"name": DATA_LICENCE.name, "path": DATA_LICENCE.url, "title": DATA_LICENCE.title}
            ],
            "attribution": DATA_LICENCE.attribution,
            "sources": self._sources(),
            "iomGraph": {
                "datasetVersion": self.dataset.version,
                "asOf": period,
                "language": self.language,
            },
            "resources": [_resource(table) for table in TABLES],
        }

    def document(self) -> dict[str, Any]:
        """The descriptor with each table's rows inline instead of a path to its CSV."""
        document = self.descriptor()
        for resource, table in zip(document["resources"], TABLES, strict=True):
            for key in ("path", "format", "mediatype", "encoding"):
                del resource[key]
            resource["profile"] = "tabular-data-resource"
            # A header row, then one list per row: an empty table still states its columns.
            resource["data"] = [
                list(table.column_names),
                *([row[name] for name in table.column_names] for row in self.rows(table)),
            ]
        return document

    def _sources(self) -> list[dict[str, str]]:
        """Every page a value of the package comes from, once, titled by its site."""
        urls = {
            row[name]
            for table in TABLES
            for name in table.column_names
            if name == "url" or name.endswith("_url")
            for row in self.rows(table)
            if row[name]
        }
        return [{"title": urlsplit(url).netloc, "path": url} for url in sorted(urls)]


def _resource(table: Table) -> dict[str, Any]:
    """A table's entry in the descriptor: its CSV and its Table Schema."""
    schema: dict[str, Any] = {
        "fields": [
            {
                "name": column.name,
                "type": column.type,
                "description": column.description,
                **({"constraints": {"required": True}} if column.required else {}),
            }
            for column in table.columns
        ],
        "primaryKey": list(table.primary_key),
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": column,
                # Table Schema: an empty resource name refers to the table itself.
                "reference": {
                    "resource": "" if target == table.name else target,
                    "fields": key,
                },
            }
            for column, target, key in table.foreign_keys
        ]
    return {
        "profile": "tabular-data-resource",
        "name": table.name,
        "title": table.title,
        "description": table.description,
        "path": f"{table.name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def _csv(table: Table, rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.column_names)
    for row in rows:
        writer.writerow(_cell(row[name]) for name in table.column_names)
    return buffer.getvalue().encode()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"
