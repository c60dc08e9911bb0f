"""Leadership positions and offices, and who reports to whom."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from db.models import LeadershipUnit
from db.tables import table_of
from db.vocabulary import SubjectType
from resolvers.database import Database
from resolvers.records import group_pairs
from resolvers.texts import Texts, check_field_order, group_texts, with_texts

_unit = table_of(LeadershipUnit)
_COLUMNS = tuple(_unit.c)


@dataclass(frozen=True, slots=True)
class LeadershipRecord:
    id: int
    slug: str
    kind: str
    rank: int
    organisation_id: int
    reports_to_id: int | None
    holder_name: str | None
    holder_interim: bool
    holder_source_url: str | None
    holder_note: str | None
    notes: str | None
    texts: Texts


_WIDTH = len(_COLUMNS)
check_field_order(LeadershipRecord, _COLUMNS, "texts")


def _fetch(db: Database, where: ColumnElement[bool]) -> list[LeadershipRecord]:
    query = with_texts(select(*_COLUMNS), SubjectType.LEADERSHIP, _unit.c.id)
    query = query.where(where).order_by(_unit.c.rank)
    return [
        LeadershipRecord(*row[:_WIDTH], texts)  # type: ignore[call-arg]
        for row, texts in group_texts(db.fetch(query), _WIDTH)
    ]


def units_by_organisation_ids(
    db: Database, ids: Sequence[int]
) -> dict[int, list[LeadershipRecord]]:
    units = _fetch(db, _unit.c.organisation_id.in_(ids))
    return group_pairs(((unit.organisation_id, unit) for unit in units), ids)


def units_by_ids(db: Database, ids: Sequence[int]) -> dict[int, LeadershipRecord]:
    return {u.id: u for u in _fetch(db, _unit.c.id.in_(ids))}


def units_by_slugs(db: Database, slugs: Sequence[str]) -> dict[str, LeadershipRecord]:
    return {u.slug: u for u in _fetch(db, _unit.c.slug.in_(slugs))}


def units_by_manager_ids(db: Database, ids: Sequence[int]) -> dict[int, list[LeadershipRecord]]:
    """The units reporting directly to each unit."""
    units = _fetch(db, _unit.c.reports_to_id.in_(ids))
    return group_pairs(((unit.reports_to_id, unit) for unit in units), ids)
