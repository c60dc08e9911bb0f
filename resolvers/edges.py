"""Every edge of the graph, declared once and typed: ``Edges``.

An edge is a batch function (keys to records, or to lists of records), the source of every
key that exists, and, for a list edge, its ``Bound`` (how long its longest list is, for the
cost model). Each is a class attribute of ``Edges``: its name is the attribute's, its types
are the batch function's. From these declarations derive the in-memory lookups
(``resolvers.in_memory`` runs each batch function once per dataset version), the list sizes
(``resolvers.bounds.list_sizes`` reads ``BOUNDS``), the cost model's bounds (schema fields
name the edge they walk, ``schema.extensions.field_bounds.bounded``) and the number of
statements a read takes (``READ_EDGE_STATEMENTS``).

``info.context.loaders.office_by_id`` is the lookup of one dataset version, typed
``Lookup[int, OfficeRecord, None]`` (its ``load`` gives ``OfficeRecord | None``, its ``found``
only records): an ``Edge`` is a descriptor for mypy, while at run time
an ``Edges`` instance holds each lookup in its own ``__dict__``, which Python reads before a
non-data descriptor: a resolver pays one attribute lookup, as for a plain attribute.
"""

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar, overload

from sqlalchemy import select, union_all

from db import models
from db.evidence import CoverageEvidence, OrganisationStatement
from db.tables import table_of
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
from resolvers.bounds import FIELD_BOUNDS, Bound, largest_group
from resolvers.database import Database

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")
R = TypeVar("R")


class Lookup(Generic[K, V, D]):
    """One edge's answers: ``load(key)`` is the value for ``key``, or ``default`` (None for a
    record, an empty tuple for a list) when the dataset has none."""

    __slots__ = ("default", "found")

    def __init__(self, found: Mapping[K, V], default: D) -> None:
        self.found, self.default = found, default

    def load(self, key: K) -> V | D:
        return self.found.get(key, self.default)

    def load_many(self, keys: Sequence[K]) -> list[V | D]:
        found, default = self.found, self.default
        return [found.get(key, default) for key in keys]


class KeySource:
    """Every key of an edge that exists, read by ``statements`` statements."""

    __slots__ = ("read", "statements")

    def __init__(self, read: Callable[[Database], list[Any]], statements: int) -> None:
        self.read, self.statements = read, statements


def values_of(*columns: Any) -> KeySource:
    """Every distinct value of ``columns`` (each a key of the edge): a statement each."""

    def read(db: Database) -> list[Any]:
        return [row[0] for column in columns for row in db.fetch(select(column).distinct())]

    return KeySource(read, len(columns))


_SUBJECT_MODELS = (models.Translation, models.Provenance, models.DataQualityNoteSubject)


def _subjects(db: Database) -> list[Any]:
    found: set[tuple[str, int]] = set()
    for model in _SUBJECT_MODELS:
        table = table_of(model)
        statement = select(table.c.subject_type, table.c.subject_id).distinct()
        found.update((row[0], row[1]) for row in db.fetch(statement))
    return sorted(found)


SUBJECTS = KeySource(_subjects, len(_SUBJECT_MODELS))
"""Every (subject type, id) that has a text, a source or a data-quality note."""


class Edge(Generic[K, V, D]):
    """One edge: ``fetch`` answers a batch of keys in one statement; ``keys`` are all there
    are; ``default`` answers a key with none; ``bound`` is a list edge's. On ``Edges`` (the
    class) the attribute is the edge, on an instance its ``Lookup``."""

    name: str

    def __init__(
        self,
        fetch: Callable[[Database, Sequence[K]], Mapping[K, Any]],
        keys: KeySource,
        default: D,
        bound: Bound | None,
    ) -> None:
        self.fetch, self.keys, self.default, self.bound = fetch, keys, default, bound

    def __set_name__(self, owner: type, name: str) -> None:
        # Named where it is declared (``Edges``), not again where a schema type holds it.
        if not hasattr(self, "name"):
            self.name = name

    def __repr__(self) -> str:
        return f"Edge({self.name!r})"

    @property
    def is_list(self) -> bool:
        return self.bound is not None

    @overload
    def __get__(self, edges: None, owner: type) -> "Edge[K, V, D]": ...
    @overload
    def __get__(self, edges: "Edges", owner: type) -> Lookup[K, V, D]: ...
    def __get__(self, edges: "Edges | None", owner: type) -> "Edge[K, V, D] | Lookup[K, V, D]":
        if isinstance(edges, Edges):  # not reached: the instance's __dict__ answers first
            lookup: Lookup[K, V, D] = edges.__dict__[self.name]
            return lookup
        return self


def one(
    fetch: Callable[[Database, Sequence[K]], Mapping[K, R]], keys: KeySource
) -> Edge[K, R, None]:
    """An edge to at most one record per key."""
    return Edge(fetch, keys, None, None)


def many(
    fetch: Callable[[Database, Sequence[K]], Mapping[K, Sequence[R]]],
    keys: KeySource,
    *grouped_by: Any,
) -> Edge[K, tuple[R, ...], tuple[R, ...]]:
    """An edge to a list per key (a tuple: lists are shared by every request of a version),
    each list a group of rows sharing the columns ``grouped_by``: at most as long as the
    largest such group (its bound)."""
    empty: tuple[R, ...] = ()
    return Edge(fetch, keys, empty, Bound("", largest_group(*grouped_by)))


_c = table_of
_office, _unit = _c(models.RegionalOffice), _c(models.LeadershipUnit)
_coverage, _evidence = _c(models.OfficeCountry), _c(CoverageEvidence)
_note_subject = _c(models.DataQualityNoteSubject)
_link, _succession = _c(models.OfficeInstitutionLink), _c(models.OfficeSuccession)
_institution, _statement = _c(models.Institution), _c(OrganisationStatement)
_provenance, _translation = _c(models.Provenance), _c(models.Translation)
_sourced = union_all(
    select(_provenance.c.subject_type, _provenance.c.subject_id),
    select(_translation.c.subject_type, _translation.c.subject_id),
).subquery()

_ORGANISATION_IDS = values_of(_c(models.Organisation).c.id)
_UNIT_IDS = values_of(_unit.c.id)
_OFFICE_IDS = values_of(_office.c.id)
_COUNTRY_IDS = values_of(_c(models.Country).c.id)
_INSTITUTION_IDS = values_of(_institution.c.id)
_NOTE_IDS = values_of(_c(models.DataQualityNote).c.id)


class Edges:
    """Every edge of one dataset version, each declared once below; an instance holds their
    lookups and is shared by all requests of that version, as nothing in it ever changes."""

    organisation_by_id = one(organisation.organisations_by_ids, _ORGANISATION_IDS)
    organisation_by_slug = one(
        organisation.organisations_by_slugs, values_of(_c(models.Organisation).c.slug)
    )
    leadership_by_organisation = many(
        leadership.units_by_organisation_ids, _ORGANISATION_IDS, _unit.c.organisation_id
    )
    leadership_by_id = one(leadership.units_by_ids, _UNIT_IDS)
    leadership_by_slug = one(leadership.units_by_slugs, values_of(_unit.c.slug))
    direct_reports = many(leadership.units_by_manager_ids, _UNIT_IDS, _unit.c.reports_to_id)
    offices_by_organisation = many(
        office.offices_by_organisation_ids, _ORGANISATION_IDS, _office.c.organisation_id
    )
    office_by_id = one(office.offices_by_ids, _OFFICE_IDS)
    office_by_slug = one(office.offices_by_slugs, values_of(_office.c.slug))
    office_by_supported_country = one(office.offices_by_supported_country_ids, _COUNTRY_IDS)
    offices_by_host_country = many(
        office.offices_by_host_country_ids, _COUNTRY_IDS, _office.c.host_country_id
    )
    successors_by_office = many(
        succession.successors_by_office_ids, _OFFICE_IDS, _succession.c.predecessor_id
    )
    predecessors_by_office = many(
        succession.predecessors_by_office_ids, _OFFICE_IDS, _succession.c.successor_id
    )
    country_by_id = one(country.countries_by_ids, _COUNTRY_IDS)
    country_by_code = one(
        country.countries_by_codes,
        values_of(_c(models.Country).c.alpha2, _c(models.Country).c.alpha3),
    )
    countries_by_office = many(country.countries_by_office_ids, _OFFICE_IDS, _coverage.c.office_id)
    evidence_by_country = many(
        coverage_evidence.evidence_by_country_ids, _COUNTRY_IDS, _evidence.c.country_id
    )
    institution_by_id = one(institution.institutions_by_ids, _INSTITUTION_IDS)
    institution_by_slug = one(institution.institutions_by_slugs, values_of(_institution.c.slug))
    institutions_by_parent = many(
        institution.institutions_by_parent_ids, _INSTITUTION_IDS, _institution.c.parent_id
    )
    links_by_office = many(link.links_by_office_ids, _OFFICE_IDS, _link.c.office_id)
    links_by_institution = many(
        link.links_by_institution_ids, _INSTITUTION_IDS, _link.c.institution_id
    )
    statements_by_organisation = many(
        statement.statements_by_organisation_ids, _ORGANISATION_IDS, _statement.c.organisation_id
    )
    statements_by_institution = many(
        statement.statements_by_institution_ids, _INSTITUTION_IDS, _statement.c.institution_id
    )
    sources_by_subject = many(
        provenance.sources_by_subjects, SUBJECTS, _sourced.c.subject_type, _sourced.c.subject_id
    )
    notes_by_subject = many(
        provenance.notes_by_subjects,
        SUBJECTS,
        _note_subject.c.subject_type,
        _note_subject.c.subject_id,
    )
    note_by_id = one(provenance.notes_by_ids, _NOTE_IDS)
    note_by_slug = one(provenance.notes_by_slugs, values_of(_c(models.DataQualityNote).c.slug))
    subjects_by_note = many(provenance.subjects_by_note_ids, _NOTE_IDS, _note_subject.c.note_id)

    def __init__(self, lookups: Mapping[str, Lookup[Any, Any, Any]]) -> None:
        if set(lookups) != set(EDGES):
            missing, extra = sorted(set(EDGES) - set(lookups)), sorted(set(lookups) - set(EDGES))
            raise ValueError(f"edges missing {missing}, unknown {extra}")
        self.__dict__.update(lookups)

    def __getitem__(self, edge: Edge[K, V, D]) -> Lookup[K, V, D]:
        """The lookup of ``edge`` (for code that holds an edge, not its name)."""
        lookup: Lookup[K, V, D] = self.__dict__[edge.name]
        return lookup

    @classmethod
    def empty(cls) -> "Edges":
        """Every edge with no answer: what a server holds before its first dataset."""
        return cls({name: Lookup({}, edge.default) for name, edge in EDGES.items()})


def _declared() -> Iterator[Edge[Any, Any, Any]]:
    return (value for value in vars(Edges).values() if isinstance(value, Edge))


EDGES: Mapping[str, Edge[Any, Any, Any]] = {edge.name: edge for edge in _declared()}
"""Every edge by name, in the order declared."""

for _edge in EDGES.values():
    if _edge.bound is not None:
        _edge.bound.name = _edge.name

BOUNDS: tuple[Bound, ...] = (
    *(edge.bound for edge in EDGES.values() if edge.bound is not None),
    *FIELD_BOUNDS,
)
"""Every bound the cost model can be given: each list edge's and the fields' own."""

READ_EDGE_STATEMENTS = sum(edge.keys.statements + 1 for edge in EDGES.values()) + sum(
    bound.query is not None for bound in BOUNDS
)
"""The statements reading the edges and their bounds take: each edge's keys, its batch
function (one statement: ``tests/test_traversal.py`` counts each) and each bound's query."""
