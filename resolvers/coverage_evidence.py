"""Per-country coverage evidence: the pages that speak of a country and an office."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from db.evidence import CoverageEvidence
from db.models import RegionalOffice
from db.tables import table_of
from resolvers.database import Database
from resolvers.records import group_pairs

_evidence = table_of(CoverageEvidence)
_office = table_of(RegionalOffice)


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """What one page says about one office and one country."""

    office_id: int
    kind: str
    source_url: str
    quote: str | None
    confidence: str
    note: str | None


def evidence_by_country_ids(
    db: Database, country_ids: Sequence[int]
) -> dict[int, list[EvidenceRecord]]:
    """Each country's evidence, by office (in the offices' order), then in the dataset's order."""
    statement = (
        select(
            _evidence.c.country_id,
            _evidence.c.office_id,
            _evidence.c.kind,
            _evidence.c.source_url,
            _evidence.c.quote,
            _evidence.c.confidence,
            _evidence.c.note,
        )
        .join(_office, _office.c.id == _evidence.c.office_id)
        .where(_evidence.c.country_id.in_(country_ids))
        .order_by(_evidence.c.country_id, _office.c.rank, _evidence.c.rank)
    )
    rows = db.fetch(statement)
    return group_pairs(((row[0], EvidenceRecord(*row[1:])) for row in rows), country_ids)
