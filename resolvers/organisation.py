"""The organisation (IOM): its row, figures and texts."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from db.models import Organisation
from db.tables import table_of
from db.vocabulary import SubjectType
from resolvers.database import Database
from resolvers.texts import Texts, check_field_order, group_texts, with_texts

_organisation = table_of(Organisation)
_COLUMNS = tuple(_organisation.c)


@dataclass(frozen=True, slots=True)
class OrganisationRecord:
    id: int
    slug: str
    founded_year: int
    member_states: int
    countries_present: int
    un_system_member: bool
    un_status_en: str | None
    un_joined: str | None
    headquarters_country_id: int
    texts: Texts


_WIDTH = len(_COLUMNS)
check_field_order(OrganisationRecord, _COLUMNS, "texts")


def _fetch(db: Database, where: ColumnElement[bool] | None = None) -> list[OrganisationRecord]:
    query = with_texts(select(*_COLUMNS), SubjectType.ORGANISATION, _organisation.c.id)
    if where is not None:
        query = query.where(where)
    return [
        OrganisationRecord(*row[:_WIDTH], texts)  # type: ignore[call-arg]
        for row, texts in group_texts(db.fetch(query.order_by(_organisation.c.id)), _WIDTH)
    ]


def the_organisation(db: Database) -> OrganisationRecord | None:
    """The one organisation the dataset describes (None before any load)."""
    found = _fetch(db)
    return found[0] if found else None


def organisations_by_ids(db: Database, ids: Sequence[int]) -> dict[int, OrganisationRecord]:
    return {o.id: o for o in _fetch(db, _organisation.c.id.in_(ids))}


def organisations_by_slugs(db: Database, slugs: Sequence[str]) -> dict[str, OrganisationRecord]:
    return {o.slug: o for o in _fetch(db, _organisation.c.slug.in_(slugs))}
