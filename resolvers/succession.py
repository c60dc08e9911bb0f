"""Which office follows which: batch loads of predecessors and successors with the far end."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Column

from db.models import OfficeSuccession, RegionalOffice
from db.tables import table_of
from resolvers.database import Database
from resolvers.records import group_pairs
from resolvers.regional_office import OFFICE_WIDTH, OfficeRecord, office_from_row, office_query
from resolvers.texts import check_field_order, group_texts

_succession = table_of(OfficeSuccession)
_office = table_of(RegionalOffice)
_COLUMNS = tuple(_succession.c)


@dataclass(frozen=True, slots=True)
class SuccessionRecord:
    """One office following another; ``office`` is the far end from where it was asked."""

    predecessor_id: int
    successor_id: int
    kind: str
    source_url: str
    quote: str
    confidence: str
    derivation: str | None
    office: OfficeRecord


check_field_order(SuccessionRecord, _COLUMNS, "office")


def successors_by_office_ids(
    db: Database, office_ids: Sequence[int]
) -> dict[int, list[SuccessionRecord]]:
    """The offices that followed each office, with the successor as ``office``."""
    return _edges(db, _succession.c.successor_id, _succession.c.predecessor_id, office_ids)


def predecessors_by_office_ids(
    db: Database, office_ids: Sequence[int]
) -> dict[int, list[SuccessionRecord]]:
    """The offices each office followed, with the predecessor as ``office``."""
    return _edges(db, _succession.c.predecessor_id, _succession.c.successor_id, office_ids)


def _edges(
    db: Database, far_id: Column[int], near_id: Column[int], ids: Sequence[int]
) -> dict[int, list[SuccessionRecord]]:
    query = (
        office_query(*_COLUMNS)
        .join(_succession, far_id == _office.c.id)
        .where(near_id.in_(ids))
        .order_by(_office.c.rank)
    )
    end = OFFICE_WIDTH + len(_COLUMNS)
    edges = [
        SuccessionRecord(*row[OFFICE_WIDTH:end], office=office_from_row(row, texts))  # type: ignore[misc]
        for row, texts in group_texts(db.fetch(query), end)
    ]
    return group_pairs(((getattr(edge, near_id.key), edge) for edge in edges), ids)
