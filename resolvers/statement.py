"""The organisation's statements: relationships the seed states between IOM itself and an
institution, batch-loaded from either end."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Column, select

from db.evidence import OrganisationStatement
from db.tables import table_of
from resolvers.database import Database
from resolvers.records import group_pairs

_statement = table_of(OrganisationStatement)


@dataclass(frozen=True, slots=True)
class StatementRecord:
    id: int
    slug: str
    rank: int
    organisation_id: int
    institution_id: int
    relationship_kind: str
    phrase_fr: str
    source_url: str


def _by(db: Database, column: Column[int], ids: Sequence[int]) -> dict[int, list[StatementRecord]]:
    statement = select(*_statement.c).where(column.in_(ids)).order_by(_statement.c.rank)
    records = [StatementRecord(*row) for row in db.fetch(statement)]
    return group_pairs(((getattr(r, column.key), r) for r in records), ids)


def statements_by_organisation_ids(
    db: Database, ids: Sequence[int]
) -> dict[int, list[StatementRecord]]:
    return _by(db, _statement.c.organisation_id, ids)


def statements_by_institution_ids(
    db: Database, ids: Sequence[int]
) -> dict[int, list[StatementRecord]]:
    return _by(db, _statement.c.institution_id, ids)
