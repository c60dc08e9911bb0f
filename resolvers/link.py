"""Office-to-institution links, loaded with the record at the far end of the edge."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Select

from db.models import Institution, OfficeInstitutionLink, RegionalOffice
from db.tables import table_of
from resolvers.database import AnyRow, Database
from resolvers.institution import (
    INSTITUTION_WIDTH,
    InstitutionRecord,
    institution_from_row,
    institution_query,
)
from resolvers.records import group_pairs
from resolvers.regional_office import OFFICE_WIDTH, OfficeRecord, office_from_row, office_query
from resolvers.texts import Texts, check_field_order, group_texts

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
    phrase_fr: str | None
    governing_phrase_fr: str | None
    source_url: str
    quote: str | None  # a page's words, for a link the seed does not state (phrase_fr null)
    quote_language: str | None
    office: OfficeRecord | None = None
    institution: InstitutionRecord | None = None


check_field_order(LinkRecord, _LINK_COLUMNS)


def links_by_office_ids(db: Database, office_ids: Sequence[int]) -> dict[int, list[LinkRecord]]:
    """Each office's links in the seed page's order, each with its institution."""
    institutions = institution_query(*_LINK_COLUMNS).join(
        _link, _link.c.institution_id == _institution.c.id
    )
    return _links(
        db,
        institutions,
        INSTITUTION_WIDTH,
        _link.c.office_id,
        office_ids,
        lambda link, row, texts: LinkRecord(*link, institution=institution_from_row(row, texts)),  # type: ignore[misc]
    )


def links_by_institution_ids(
    db: Database, institution_ids: Sequence[int]
) -> dict[int, list[LinkRecord]]:
    """Each institution's links in the seed page's order, each with its office."""
    offices = office_query(*_LINK_COLUMNS).join(_link, _link.c.office_id == _office.c.id)
    return _links(
        db,
        offices,
        OFFICE_WIDTH,
        _link.c.institution_id,
        institution_ids,
        lambda link, row, texts: LinkRecord(*link, office=office_from_row(row, texts)),  # type: ignore[misc]
    )


def _links(
    db: Database,
    far_end: Select[tuple[object, ...]],
    far_width: int,
    near_id: Column[int],
    ids: Sequence[int],
    build: Callable[[Sequence[Any], AnyRow, Texts], LinkRecord],
) -> dict[int, list[LinkRecord]]:
    """The links whose ``near_id`` is one of ``ids``, grouped by it, in the seed page's order.

    ``far_end`` selects the record at the other end (``far_width`` columns and its texts) with
    the link's columns after its own; ``build`` makes a link from those and the whole row.
    """
    query = far_end.where(near_id.in_(ids)).order_by(_link.c.rank)
    end = far_width + len(_LINK_COLUMNS)
    links = [
        build(row[far_width:end], row, texts) for row, texts in group_texts(db.fetch(query), end)
    ]
    # check_field_order: a link's attributes are named like its columns.
    return group_pairs(((getattr(link, near_id.key), link) for link in links), ids)
