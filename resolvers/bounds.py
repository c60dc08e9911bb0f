"""How long each list of the graph can be in the loaded dataset: the static cost model's sizes.

Computed once per dataset version (a dozen aggregate statements), so that a query's cost
can be estimated before execution without touching the database.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select, union_all

from db.derived import SearchTerm
from db.models import (
    Country,
    DataQualityNote,
    DataQualityNoteSubject,
    Institution,
    LeadershipUnit,
    OfficeCountry,
    OfficeInstitutionLink,
    OfficeSuccession,
    Provenance,
    RegionalOffice,
    Translation,
)
from db.tables import table_of
from db.vocabulary import OfficeKind
from resolvers.database import Database


@dataclass(frozen=True)
class ListSizes:
    """Largest length of each list, by name (see ``list_sizes``); 0 for an empty database."""

    sizes: dict[str, int] = field(default_factory=dict)

    def get(self, name: str, fallback: int) -> int:
        return self.sizes.get(name, fallback)


def _largest_group(*columns: Any) -> Select[int]:
    """The size of the largest group of rows sharing ``columns`` (nulls excluded)."""
    counts = (
        select(*columns, func.count().label("n"))
        .where(*(column.is_not(None) for column in columns))
        .group_by(*columns)
        .subquery()
    )
    return select(func.coalesce(func.max(counts.c.n), 0))


def _count(rows: Any) -> Select[int]:
    return select(func.count()).select_from(rows)


def list_sizes(db: Database) -> ListSizes:
    """Totals of the root lists and the largest per-parent count of each edge list."""
    office, link = table_of(RegionalOffice), table_of(OfficeInstitutionLink)
    unit, coverage = table_of(LeadershipUnit), table_of(OfficeCountry)
    country, institution = table_of(Country), table_of(Institution)
    note, note_subject = table_of(DataQualityNote), table_of(DataQualityNoteSubject)
    terms, succession = table_of(SearchTerm), table_of(OfficeSuccession)
    provenance, translation = table_of(Provenance), table_of(Translation)
    sourced = union_all(
        select(provenance.c.subject_type, provenance.c.subject_id),
        select(translation.c.subject_type, translation.c.subject_id),
    ).subquery()
    regional = select(office).where(office.c.kind == OfficeKind.REGIONAL_OFFICE.value).subquery()
    queries = {
        "offices": _count(regional),
        "countries": _count(country),
        "institutions": _count(institution),
        "notes": _count(note),
        "search_subjects": _count(
            select(terms.c.subject_type, terms.c.subject_id).distinct().subquery()
        ),
        "offices_per_organisation": _largest_group(regional.c.organisation_id),
        "units_per_organisation": _largest_group(unit.c.organisation_id),
        "reports_per_unit": _largest_group(unit.c.reports_to_id),
        "countries_per_office": _largest_group(coverage.c.office_id),
        "links_per_office": _largest_group(link.c.office_id),
        "links_per_institution": _largest_group(link.c.institution_id),
        "children_per_institution": _largest_group(institution.c.parent_id),
        "offices_per_host": _largest_group(office.c.host_country_id),
        "successors_per_office": _largest_group(succession.c.predecessor_id),
        "predecessors_per_office": _largest_group(succession.c.successor_id),
        # RegionalOffice.predecessorInstitutions: the links of all of an office's predecessors.
        "predecessor_links_per_office": _largest_group(
            select(succession.c.successor_id)
            .join(link, link.c.office_id == succession.c.predecessor_id)
            .subquery()
            .c.successor_id
        ),
        "structure_changes": _count(select(succession.c.successor_id).distinct().subquery()),
        "sources_per_subject": _largest_group(sourced.c.subject_type, sourced.c.subject_id),
        "notes_per_subject": _largest_group(note_subject.c.subject_type, note_subject.c.subject_id),
        "subjects_per_note": _largest_group(note_subject.c.note_id),
    }
    return ListSizes({name: int(db.scalar(query) or 0) for name, query in queries.items()})
