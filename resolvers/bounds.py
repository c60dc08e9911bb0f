"""How long each list of the graph can be in the loaded dataset: the static cost model's sizes.

A ``Bound`` is one such length and the aggregate statement that reads it. Every list edge
declares its own (``resolvers.edges``); the lists that are no edge's (the root lists' totals,
the regional offices of the organisation, the history) are declared here. Each schema field
that returns a list or a connection names its bound (``schema.extensions.cost_model``).
``list_sizes`` reads them all once per dataset version, so that a query's cost can be
estimated before execution without touching the database.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select

from db.derived import SearchTerm
from db.models import (
    Country,
    DataQualityNote,
    Institution,
    OfficeInstitutionLink,
    OfficeSuccession,
    RegionalOffice,
)
from db.tables import table_of
from db.vocabulary import OfficeKind
from resolvers.database import Database


class Bound:
    """The largest length of one list in the loaded dataset: the value of ``query``, or, for
    ``query`` None, no value the dataset in memory knows (only the page size bounds it)."""

    __slots__ = ("name", "query")

    def __init__(self, name: str, query: Select[Any] | None) -> None:
        self.name, self.query = name, query

    def __repr__(self) -> str:
        return f"Bound({self.name!r})"


@dataclass(frozen=True)
class ListSizes:
    """Each bound's length (see ``list_sizes``); 0 for an empty database."""

    sizes: Mapping[Bound, int] = field(default_factory=dict)

    def get(self, bound: Bound, fallback: int) -> int:
        return self.sizes.get(bound, fallback)


def largest_group(*columns: Any) -> Select[Any]:
    """The size of the largest group of rows sharing ``columns`` (nulls excluded)."""
    counts = (
        select(*columns, func.count().label("n"))
        .where(*(column.is_not(None) for column in columns))
        .group_by(*columns)
        .subquery()
    )
    return select(func.coalesce(func.max(counts.c.n), 0))


def count(rows: Any) -> Select[Any]:
    return select(func.count()).select_from(rows)


def list_sizes(db: Database, bounds: Iterable[Bound]) -> ListSizes:
    """The length of each of ``bounds`` that has a query: one statement each."""
    return ListSizes(
        {bound: int(db.scalar(bound.query) or 0) for bound in bounds if bound.query is not None}
    )


_office, _link = table_of(RegionalOffice), table_of(OfficeInstitutionLink)
_succession, _terms = table_of(OfficeSuccession), table_of(SearchTerm)
_regional = select(_office).where(_office.c.kind == OfficeKind.REGIONAL_OFFICE.value).subquery()

OFFICES = Bound("offices", count(_regional))
COUNTRIES = Bound("countries", count(table_of(Country)))
INSTITUTIONS = Bound("institutions", count(table_of(Institution)))
NOTES = Bound("notes", count(table_of(DataQualityNote)))
SEARCH_SUBJECTS = Bound(
    "search_subjects",
    count(select(_terms.c.subject_type, _terms.c.subject_id).distinct().subquery()),
)
# Organisation.regionalOffices: its offices edge without the liaison office.
REGIONAL_OFFICES_PER_ORGANISATION = Bound(
    "regional_offices_per_organisation", largest_group(_regional.c.organisation_id)
)
# RegionalOffice.predecessorInstitutions: the links of all of an office's predecessors.
PREDECESSOR_LINKS_PER_OFFICE = Bound(
    "predecessor_links_per_office",
    largest_group(
        select(_succession.c.successor_id)
        .join(_link, _link.c.office_id == _succession.c.predecessor_id)
        .subquery()
        .c.successor_id
    ),
)
STRUCTURE_CHANGES = Bound(
    "structure_changes", count(select(_succession.c.successor_id).distinct().subquery())
)
# The history is not in the in-memory dataset: the page size bounds its connections.
HISTORY = Bound("history", None)

FIELD_BOUNDS = (
    OFFICES,
    COUNTRIES,
    INSTITUTIONS,
    NOTES,
    SEARCH_SUBJECTS,
    REGIONAL_OFFICES_PER_ORGANISATION,
    PREDECESSOR_LINKS_PER_OFFICE,
    STRUCTURE_CHANGES,
    HISTORY,
)
"""The bounds that are no edge's, each named by a schema field."""
