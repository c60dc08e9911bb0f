"""Every edge of the graph, declared once and typed: ``Edges``.

An edge is a batch function (keys to records, or to lists of records), the source of every
key that exists, and, for a list edge, its ``Bound`` (how long its longest list is, for the
cost model). Each is a class attribute of ``Edges``: its name is the attribute's, its types
are its records' and its key column's (``resolvers.edge``). Most name an entity's records and
the one column they are keyed by, ``one(OFFICES, col(Office.slug))``, and the batch function,
the keys and the bound derive from that column; the few reads that differ are hand-written
(``one_from``/``many_from``), each saying why. From these declarations derive the in-memory
lookups
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

from collections.abc import Hashable, Iterator, Mapping
from typing import Any, TypeVar

from sqlalchemy import select, union_all
from sqlmodel import col

from db import models
from db.evidence import CoverageEvidence, OrganisationStatement
from db.models import RegionalOffice as Office
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
from resolvers.bounds import FIELD_BOUNDS, Bound
from resolvers.database import Database
from resolvers.edge import Edge, KeySource, Lookup, many, many_from, one, one_from, values_of

__all__ = ["BOUNDS", "EDGES", "READ_EDGE_STATEMENTS", "SUBJECTS", "Edge", "Edges", "Lookup"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")

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


_c = table_of
_coverage, _evidence = _c(models.OfficeCountry), _c(CoverageEvidence)
_note_subject = _c(models.DataQualityNoteSubject)
_link, _succession = _c(models.OfficeInstitutionLink), _c(models.OfficeSuccession)
_provenance, _translation = _c(models.Provenance), _c(models.Translation)
_sourced = union_all(
    select(_provenance.c.subject_type, _provenance.c.subject_id),
    select(_translation.c.subject_type, _translation.c.subject_id),
).subquery()

_OFFICE_IDS = values_of(_c(Office).c.id)
_COUNTRY_IDS = values_of(_c(models.Country).c.id)
_INSTITUTION_IDS = values_of(_c(models.Institution).c.id)
_ORGANISATIONS, _UNITS = organisation.ORGANISATIONS, leadership.UNITS
_OFFICES, _INSTITUTIONS = office.OFFICES, institution.INSTITUTIONS
_STATEMENTS, _NOTES = statement.STATEMENTS, provenance.NOTES
_Unit, _Statement, _Note = models.LeadershipUnit, OrganisationStatement, models.DataQualityNote


class Edges:
    """Every edge of one dataset version, each declared once below; an instance holds their
    lookups and is shared by all requests of that version, as nothing in it ever changes.

    ``one``/``many`` name the entity's records and the one column the edge is keyed by; the
    edges read by a hand-written batch function (``one_from``/``many_from``) say why."""

    organisation_by_id = one(_ORGANISATIONS, col(models.Organisation.id))
    organisation_by_slug = one(_ORGANISATIONS, col(models.Organisation.slug))
    leadership_by_organisation = many(_UNITS, col(_Unit.organisation_id))
    leadership_by_id = one(_UNITS, col(_Unit.id))
    leadership_by_slug = one(_UNITS, col(_Unit.slug))
    direct_reports = many(_UNITS, col(_Unit.reports_to_id))
    offices_by_organisation = many(_OFFICES, col(Office.organisation_id))
    office_by_id = one(_OFFICES, col(Office.id))
    office_by_slug = one(_OFFICES, col(Office.slug))
    # Keyed by office_country's country_id: a join.
    office_by_supported_country = one_from(office.offices_by_supported_country_ids, _COUNTRY_IDS)
    offices_by_host_country = many(_OFFICES, col(Office.host_country_id))
    # A succession row with the office at its far end: a join, keyed by the near end.
    successors_by_office = many_from(
        succession.successors_by_office_ids, _OFFICE_IDS, _succession.c.predecessor_id
    )
    predecessors_by_office = many_from(
        succession.predecessors_by_office_ids, _OFFICE_IDS, _succession.c.successor_id
    )
    country_by_id = one(country.COUNTRIES, col(models.Country.id))
    # Two key columns: each country is found under its alpha-2 and its alpha-3 code.
    country_by_code = one_from(
        country.countries_by_codes,
        values_of(_c(models.Country).c.alpha2, _c(models.Country).c.alpha3),
    )
    # Keyed by office_country's office_id: a join.
    countries_by_office = many_from(
        country.countries_by_office_ids, _OFFICE_IDS, _coverage.c.office_id
    )
    # Ordered by each office's rank (a join); the record leaves the key column out.
    evidence_by_country = many_from(
        coverage_evidence.evidence_by_country_ids, _COUNTRY_IDS, _evidence.c.country_id
    )
    institution_by_id = one(_INSTITUTIONS, col(models.Institution.id))
    institution_by_slug = one(_INSTITUTIONS, col(models.Institution.slug))
    institutions_by_parent = many(_INSTITUTIONS, col(models.Institution.parent_id))
    # A link row with the institution (or office) at its far end: a join.
    links_by_office = many_from(link.links_by_office_ids, _OFFICE_IDS, _link.c.office_id)
    links_by_institution = many_from(
        link.links_by_institution_ids, _INSTITUTION_IDS, _link.c.institution_id
    )
    statements_by_organisation = many(_STATEMENTS, col(_Statement.organisation_id))
    statements_by_institution = many(_STATEMENTS, col(_Statement.institution_id))
    # Keyed by (subject type, id), which no foreign key names; sources are a union of tables.
    sources_by_subject = many_from(
        provenance.sources_by_subjects, SUBJECTS, _sourced.c.subject_type, _sourced.c.subject_id
    )
    notes_by_subject = many_from(
        provenance.notes_by_subjects,
        SUBJECTS,
        _note_subject.c.subject_type,
        _note_subject.c.subject_id,
    )
    note_by_id = one(_NOTES, col(_Note.id))
    note_by_slug = one(_NOTES, col(_Note.slug))
    # Its values are (subject type, id) pairs, not records of an entity.
    subjects_by_note = many_from(
        provenance.subjects_by_note_ids, values_of(_c(_Note).c.id), _note_subject.c.note_id
    )

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
