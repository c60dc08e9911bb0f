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

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import select

from db import models
from db.derived import DatasetVersion
from resolvers import (
    country,
    coverage_evidence,
    institution,
    leadership,
    link,
    organisation,
    provenance,
    statement,
    succession,
)
from resolvers import regional_office as office
from resolvers.bounds import ListSizes, list_sizes
from resolvers.database import Database, read_transaction
from resolvers.lists import NO_LISTS, MemoryLists, RootLists
from resolvers.organisation import OrganisationRecord
from resolvers.search import Term, read_terms

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Fetch = Callable[[Database, Sequence[Any]], Mapping[Any, Any]]
KeySource = Callable[[Database], list[Any]]


class Lookup(Generic[K, V]):
    """One edge's answers: ``load(key)`` is the value for ``key``, or ``default`` (None for a
    record, an empty tuple for a list) when the dataset has none."""

    __slots__ = ("default", "found")

    def __init__(self, found: Mapping[K, V], default: V) -> None:
        self.found, self.default = found, default

    def load(self, key: K) -> V:
        return self.found.get(key, self.default)

    def load_many(self, keys: Sequence[K]) -> list[V]:
        found, default = self.found, self.default
        return [found.get(key, default) for key in keys]


def values_of(*columns: Any) -> KeySource:
    """Every distinct value of ``columns`` (each a key of the loader)."""

    def source(db: Database) -> list[Any]:
        return [row[0] for column in columns for row in db.fetch(select(column).distinct())]

    return source


def subjects(db: Database) -> list[Any]:
    """Every (subject type, id) that has a text, a source or a data-quality note."""
    found: set[tuple[str, int]] = set()
    for model in (models.Translation, models.Provenance, models.DataQualityNoteSubject):
        table = model.__table__  # type: ignore[union-attr]
        statement = select(table.c.subject_type, table.c.subject_id).distinct()
        found.update((row[0], row[1]) for row in db.fetch(statement))
    return sorted(found)


def _c(model: Any) -> Any:
    return model.__table__.c


_ORGANISATION_IDS = values_of(_c(models.Organisation).id)
_UNIT_IDS = values_of(_c(models.LeadershipUnit).id)
_OFFICE_IDS = values_of(_c(models.RegionalOffice).id)
_COUNTRY_IDS = values_of(_c(models.Country).id)
_INSTITUTION_IDS = values_of(_c(models.Institution).id)
_NOTE_IDS = values_of(_c(models.DataQualityNote).id)

# Each attribute of ``Loaders``: its batch function, every key that exists, and whether a key
# maps to a list (default: empty) or to one record (default: None).
LOADERS: dict[str, tuple[Fetch, KeySource, bool]] = {
    "organisation_by_id": (organisation.organisations_by_ids, _ORGANISATION_IDS, False),
    "organisation_by_slug": (
        organisation.organisations_by_slugs,
        values_of(_c(models.Organisation).slug),
        False,
    ),
    "leadership_by_organisation": (leadership.units_by_organisation_ids, _ORGANISATION_IDS, True),
    "leadership_by_id": (leadership.units_by_ids, _UNIT_IDS, False),
    "leadership_by_slug": (
        leadership.units_by_slugs,
        values_of(_c(models.LeadershipUnit).slug),
        False,
    ),
    "direct_reports": (leadership.units_by_manager_ids, _UNIT_IDS, True),
    "offices_by_organisation": (office.offices_by_organisation_ids, _ORGANISATION_IDS, True),
    "office_by_id": (office.offices_by_ids, _OFFICE_IDS, False),
    "office_by_slug": (office.offices_by_slugs, values_of(_c(models.RegionalOffice).slug), False),
    "office_by_supported_country": (office.offices_by_supported_country_ids, _COUNTRY_IDS, False),
    "offices_by_host_country": (office.offices_by_host_country_ids, _COUNTRY_IDS, True),
    "successors_by_office": (succession.successors_by_office_ids, _OFFICE_IDS, True),
    "predecessors_by_office": (succession.predecessors_by_office_ids, _OFFICE_IDS, True),
    "country_by_id": (country.countries_by_ids, _COUNTRY_IDS, False),
    "country_by_code": (
        country.countries_by_codes,
        values_of(_c(models.Country).alpha2, _c(models.Country).alpha3),
        False,
    ),
    "countries_by_office": (country.countries_by_office_ids, _OFFICE_IDS, True),
    "evidence_by_country": (coverage_evidence.evidence_by_country_ids, _COUNTRY_IDS, True),
    "institution_by_id": (institution.institutions_by_ids, _INSTITUTION_IDS, False),
    "institution_by_slug": (
        institution.institutions_by_slugs,
        values_of(_c(models.Institution).slug),
        False,
    ),
    "institutions_by_parent": (institution.institutions_by_parent_ids, _INSTITUTION_IDS, True),
    "links_by_office": (link.links_by_office_ids, _OFFICE_IDS, True),
    "links_by_institution": (link.links_by_institution_ids, _INSTITUTION_IDS, True),
    "statements_by_organisation": (
        statement.statements_by_organisation_ids,
        _ORGANISATION_IDS,
        True,
    ),
    "statements_by_institution": (
        statement.statements_by_institution_ids,
        _INSTITUTION_IDS,
        True,
    ),
    "sources_by_subject": (provenance.sources_by_subjects, subjects, True),
    "notes_by_subject": (provenance.notes_by_subjects, subjects, True),
    "note_by_id": (provenance.notes_by_ids, _NOTE_IDS, False),
    "note_by_slug": (provenance.notes_by_slugs, values_of(_c(models.DataQualityNote).slug), False),
    "subjects_by_note": (provenance.subjects_by_note_ids, _NOTE_IDS, True),
}


class Loaders:
    """Every edge of one dataset version, by the name of its batch function's edge (see
    ``LOADERS``); shared by all requests of that version, as nothing in it ever changes."""

    organisation_by_id: Lookup[Any, Any]
    organisation_by_slug: Lookup[Any, Any]
    leadership_by_organisation: Lookup[Any, Any]
    leadership_by_id: Lookup[Any, Any]
    leadership_by_slug: Lookup[Any, Any]
    direct_reports: Lookup[Any, Any]
    offices_by_organisation: Lookup[Any, Any]
    office_by_id: Lookup[Any, Any]
    office_by_slug: Lookup[Any, Any]
    office_by_supported_country: Lookup[Any, Any]
    offices_by_host_country: Lookup[Any, Any]
    successors_by_office: Lookup[Any, Any]
    predecessors_by_office: Lookup[Any, Any]
    country_by_id: Lookup[Any, Any]
    country_by_code: Lookup[Any, Any]
    countries_by_office: Lookup[Any, Any]
    evidence_by_country: Lookup[Any, Any]
    institution_by_id: Lookup[Any, Any]
    institution_by_slug: Lookup[Any, Any]
    institutions_by_parent: Lookup[Any, Any]
    links_by_office: Lookup[Any, Any]
    links_by_institution: Lookup[Any, Any]
    statements_by_organisation: Lookup[Any, Any]
    statements_by_institution: Lookup[Any, Any]
    sources_by_subject: Lookup[Any, Any]
    notes_by_subject: Lookup[Any, Any]
    note_by_id: Lookup[Any, Any]
    note_by_slug: Lookup[Any, Any]
    subjects_by_note: Lookup[Any, Any]

    def __init__(self, lookups: Mapping[str, Lookup[Any, Any]]) -> None:
        declared = set(Loaders.__annotations__)
        if declared != set(lookups):
            missing, extra = sorted(declared - set(lookups)), sorted(set(lookups) - declared)
            raise ValueError(f"loaders missing {missing}, unknown {extra}")
        for name, lookup in lookups.items():
            setattr(self, name, lookup)


@dataclass(frozen=True, eq=False)
class InMemoryDataset:
    """One dataset version in memory: its loaders, the organisation (the graph's root), its
    search terms, its list sizes (the cost model's) and its root lists (``resolvers.lists``),
    all read in the same transaction. ``version`` is None for a database no load has
    filled; ``loaded_at`` is when the load that wrote it committed (None with it)."""

    version: str | None
    loaders: Loaders
    organisation: OrganisationRecord | None
    search_terms: tuple[Term, ...]
    list_sizes: ListSizes
    loaded_at: datetime | None = None
    lists: RootLists = NO_LISTS


EMPTY = InMemoryDataset(
    None,
    Loaders({name: Lookup({}, () if many else None) for name, (_, _, many) in LOADERS.items()}),
    None,
    (),
    ListSizes(),
)
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
    """Every loader's answers for every existing key, read in one read transaction."""
    records = EqualRecords()
    with read_transaction(database) as db:
        lookups: dict[str, Lookup[Any, Any]] = {}
        for name, (fetch, keys, many) in LOADERS.items():
            found = fetch(db, keys(db))
            if many:  # tuples: shared by every request, so nobody can append to them
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
            Loaders(lookups),
            organisation.the_organisation(db),
            terms,
            list_sizes(db),
            read_loaded_at(db),
            lists,
        )


def read_loaded_at(db: Database) -> datetime | None:
    """When the load of the version in ``db`` committed, in UTC (None before any load): the
    loader writes UTC, which SQLite gives back without a zone."""
    loaded_at: datetime | None = db.scalar(select(_c(DatasetVersion).loaded_at))
    if loaded_at is None or loaded_at.tzinfo is not None:
        return loaded_at
    return loaded_at.replace(tzinfo=UTC)
