"""The loaded dataset in memory: every batch function's answer for every key, for one version.

The dataset is small, read-mostly and changes only through ``python -m db load``, which bumps
the dataset version. So rather than batching each request's lookups into statements (one
DataLoader per edge, per request), ``read_in_memory`` runs every batch function once, with
every key that exists, in one read transaction, and keeps the answers. Every request of that
version then reads them with plain dictionary lookups: the edges of the graph cost no
statement, no thread hop and no awaitable, so their resolvers are synchronous. An
``InMemoryDataset`` never changes after it is built; a new version is a new one
(``service.dataset`` swaps them), so one response never mixes two versions.

The batch functions are the same functions a per-request loader would call: for a subset of
keys each returns exactly the subset of its answer for every key (``tests/test_equivalence.py``
compares both ways of answering on every GraphiQL example and on generated queries).
"""

from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from db.derived import DatasetVersion
from db.tables import table_of
from resolvers import organisation
from resolvers.bounds import ListSizes, list_sizes
from resolvers.database import Database, read_transaction
from resolvers.edges import BOUNDS, EDGES, READ_EDGE_STATEMENTS, Edges, Lookup
from resolvers.lists import NO_LISTS, MemoryLists, RootLists
from resolvers.organisation import OrganisationRecord
from resolvers.search import Term, read_terms

READ_IN_MEMORY_STATEMENTS = 4 + READ_EDGE_STATEMENTS
"""The statements of ``read_in_memory``: the version (``read_transaction``), the edges and
their bounds (``resolvers.edges.READ_EDGE_STATEMENTS``), the organisation, the search terms
and the load time. It does not grow with the data."""


@dataclass(frozen=True, eq=False)
class InMemoryDataset:
    """One dataset version in memory: its edges' lookups (``loaders``), the organisation (the
    graph's root), its search terms, its list sizes (the cost model's) and its root lists
    (``resolvers.lists``), all read in the same transaction. ``version`` is None for a
    database no load has filled; ``loaded_at`` is when the load that wrote it committed (None
    with it)."""

    version: str | None
    loaders: Edges
    organisation: OrganisationRecord | None
    search_terms: tuple[Term, ...]
    list_sizes: ListSizes
    loaded_at: datetime | None = None
    lists: RootLists = NO_LISTS


EMPTY = InMemoryDataset(None, Edges.empty(), None, (), ListSizes())
"""What a server holds before its first dataset is read."""


class EqualRecords:
    """One object for each set of equal records, within one read.

    Each batch function builds its own records, so one office is an ``OfficeRecord`` (with
    its texts) in ``office_by_id``, again in ``office_by_slug``, again for each of its
    countries in ``office_by_supported_country`` and for each of its links. Records are
    frozen, so of two equal records with the same type and id the dataset keeps the first
    and drops the copy: at ten times the data, two thirds of the dataset's memory
    (benchmark/README.md, "Memory at ten times the data"). A record with the id of an
    earlier one but unequal to it (a link read from its office's side differs from the same
    link read from its institution's) stays as it is.
    """

    def __init__(self) -> None:
        self.first: dict[tuple[type, Any], Any] = {}
        self.names: dict[type, tuple[str, ...]] = {}

    def share(self, value: Any) -> Any:
        """``value``, or the equal record read before it; tuples and records inside too."""
        kind = type(value)
        if kind is tuple:
            return tuple(self.share(item) for item in value)
        if not hasattr(kind, "__dataclass_fields__"):
            return value
        names = self.names.get(kind)
        if names is None:
            names = self.names[kind] = tuple(f.name for f in fields(value))
        inner = {}
        for name in names:
            held = getattr(value, name)
            if type(held) is tuple or hasattr(type(held), "__dataclass_fields__"):
                inner[name] = self.share(held)
        if inner:
            value = replace(value, **inner)
        record_id = getattr(value, "id", None)
        if record_id is None:
            return value
        first = self.first.setdefault((kind, record_id), value)
        return first if first is value or first == value else value


def read_in_memory(database: Database) -> InMemoryDataset:
    """Every edge's answers for every existing key, read in one read transaction."""
    records = EqualRecords()
    with read_transaction(database) as db:
        lookups: dict[str, Lookup[Any, Any, Any]] = {}
        for name, edge in EDGES.items():
            found = edge.fetch(db, edge.keys.read(db))
            if edge.is_list:  # tuples: shared by every request, so nobody can append to them
                lookups[name] = Lookup({k: records.share(tuple(v)) for k, v in found.items()}, ())
            else:
                lookups[name] = Lookup({k: records.share(v) for k, v in found.items()}, None)
        terms = read_terms(db)
        lists = MemoryLists.of(
            lookups["office_by_id"].found.values(),
            lookups["country_by_id"].found.values(),
            lookups["institution_by_id"].found.values(),
            lookups["note_by_id"].found.values(),
            dict(lookups["links_by_institution"].found),
            terms,
        )
        return InMemoryDataset(
            db.version,
            Edges(lookups),
            organisation.the_organisation(db),
            terms,
            list_sizes(db, BOUNDS),
            read_loaded_at(db),
            lists,
        )


def read_loaded_at(db: Database) -> datetime | None:
    """When the load of the version in ``db`` committed, in UTC (None before any load): the
    loader writes UTC, which SQLite gives back without a zone."""
    loaded_at: datetime | None = db.scalar(select(table_of(DatasetVersion).c.loaded_at))
    if loaded_at is None or loaded_at.tzinfo is not None:
        return loaded_at
    return loaded_at.replace(tzinfo=UTC)
