"""Office-to-institution links, loaded with the record at the far end of the edge."""

from collections.abc import Sequence
from dataclasses import dataclass

from db.models import Institution, OfficeInstitutionLink, RegionalOffice
from db.tables import table_of
from resolvers.database import Database
from resolvers.institution import (
    INSTITUTION_COLUMNS,
    InstitutionRecord,
    institution_from_row,
    institution_query,
)
from resolvers.regional_office import OFFICE_COLUMNS, OfficeRecord, office_from_row, office_query
from resolvers.texts import check_field_order, group_texts

_link = table_of(OfficeInstitutionLink)
_office = table_of(RegionalOffice)
_institution = table_of(Institution)
_LINK_COLUMNS = tuple(_link.c)


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One stated relationship; ``office`` or ``institution`` is the far end when loaded."""

    id: int
    slug: str
    rank: int
    office_id: int
    institution_id: int
    relationship_kind: str
    phrase_fr: str
    governing_phrase_fr: str | None
    source_url: str
    office: OfficeRecord | None = None
    institution: InstitutionRecord | None = None


check_field_order(LinkRecord, _LINK_COLUMNS)


def links_by_office_ids(db: Database, office_ids: Sequence[int]) -> dict[int, list[LinkRecord]]:
    """Each office's links in the seed page's order, each with its institution."""
    query = (
        institution_query(*_LINK_COLUMNS)
        .join(_link, _link.c.institution_id == _institution.c.id)
        .where(_link.c.office_id.in_(office_ids))
        .order_by(_link.c.rank)
    )
    grouped: dict[int, list[LinkRecord]] = {key: [] for key in office_ids}
    start, width = len(INSTITUTION_COLUMNS), len(INSTITUTION_COLUMNS) + len(_LINK_COLUMNS)
    for row, texts in group_texts(db.fetch(query), width):
        link = LinkRecord(*row[start:width], institution=institution_from_row(row, texts))  # type: ignore[misc]
        grouped[link.office_id].append(link)
    return grouped


def links_by_institution_ids(
    db: Database, institution_ids: Sequence[int]
) -> dict[int, list[LinkRecord]]:
    """Each institution's links in the seed page's order, each with its office."""
    query = (
        office_query(*_LINK_COLUMNS)
        .join(_link, _link.c.office_id == _office.c.id)
        .where(_link.c.institution_id.in_(institution_ids))
        .order_by(_link.c.rank)
    )
    grouped: dict[int, list[LinkRecord]] = {key: [] for key in institution_ids}
    start, width = len(OFFICE_COLUMNS), len(OFFICE_COLUMNS) + len(_LINK_COLUMNS)
    for row, texts in group_texts(db.fetch(query), width):
        link = LinkRecord(*row[start:width], office=office_from_row(row, texts))  # type: ignore[misc]
        grouped[link.institution_id].append(link)
    return grouped
