"""Institutions (bodies, processes, initiatives): batch loads and the filtered root list."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, func, select

from db.models import (
    Institution,
    OfficeInstitutionLink,
    RegionalOffice,
    Translation,
)
from db.tables import table_of
from db.text import fold
from db.vocabulary import SubjectType
from resolvers.database import AnyRow, Database
from resolvers.records import ids_matching_text, records_of
from resolvers.slugs import require_known_slugs
from resolvers.texts import Texts, check_field_order, group_texts, pick, with_texts

_institution = table_of(Institution)
_link = table_of(OfficeInstitutionLink)
_office = table_of(RegionalOffice)
_translation = table_of(Translation)
_COLUMNS = tuple(_institution.c)


@dataclass(frozen=True, slots=True)
class InstitutionRecord:
    id: int
    slug: str
    kind: str
    parent_id: int | None
    acronym_in_seed: str | None
    generic: bool
    iom_internal: bool
    confidence: str | None
    notes: str | None
    texts: Texts


INSTITUTION_WIDTH = len(_COLUMNS)
check_field_order(InstitutionRecord, _COLUMNS, "texts")


def institution_query(*extra_columns: object) -> Select[tuple[object, ...]]:
    base = select(*_COLUMNS, *extra_columns)
    return with_texts(base, SubjectType.INSTITUTION, _institution.c.id)


def institution_from_row(row: AnyRow, texts: Texts) -> InstitutionRecord:
    return InstitutionRecord(*row[:INSTITUTION_WIDTH], texts)  # type: ignore[call-arg]


def _fetch(db: Database, query: Select[tuple[object, ...]]) -> list[InstitutionRecord]:
    return [
        institution_from_row(row, texts)
        for row, texts in group_texts(db.fetch(query), INSTITUTION_WIDTH)
    ]


INSTITUTIONS = records_of(
    Institution, InstitutionRecord, texts=SubjectType.INSTITUTION, order_by=("slug",)
)
"""The institutions with their texts, by slug: the edges by id, slug and parent derive from it
(``resolvers.edges``)."""


# An acronym finds its body whether it is the acronym the seed era used or a current or former
# one (OACPS, AUDA-NEPAD, OFID).
ACRONYM_FIELDS = ("acronym", "current_acronym", "former_acronym")


def acronym_pattern(acronym: str) -> str:
    """What an acronym is compared with, case-insensitively (no LIKE wildcards)."""
    return acronym.strip().replace("%", "").replace("_", "")


def institutions_by_acronym(db: Database, acronym: str) -> list[InstitutionRecord]:
    """Institutions whose acronym in any language, current or former acronym is ``acronym``
    (case-insensitive)."""
    matching = select(_translation.c.subject_id).where(
        _translation.c.subject_type == SubjectType.INSTITUTION,
        _translation.c.field.in_(ACRONYM_FIELDS),
        _translation.c.text.ilike(acronym_pattern(acronym)),
    )
    query = institution_query().where(_institution.c.id.in_(matching)).order_by(_institution.c.slug)
    return _fetch(db, query)


def institution_ids_by_acronyms(db: Database, acronyms: Sequence[str]) -> dict[str, list[int]]:
    """For each upper-cased acronym (any language, current or former), the ids of the
    institutions that bear it, by slug order; one statement for the whole batch."""
    wanted = {acronym.strip().upper() for acronym in acronyms}
    text = func.upper(_translation.c.text)
    query = (
        select(text, _institution.c.id)
        .join(_institution, _institution.c.id == _translation.c.subject_id)
        .where(
            _translation.c.subject_type == SubjectType.INSTITUTION,
            _translation.c.field.in_(ACRONYM_FIELDS),
            text.in_(sorted(wanted)),
        )
        .order_by(_institution.c.slug)
    )
    found: dict[str, list[int]] = {}
    for acronym, institution_id in db.fetch(query):
        ids = found.setdefault(acronym, [])
        if institution_id not in ids:
            ids.append(institution_id)
    return found


@dataclass(frozen=True, slots=True)
class InstitutionFilter:
    slugs: Sequence[str] | None = None
    kinds: Sequence[str] | None = None
    office_slugs: Sequence[str] | None = None
    relationship_kinds: Sequence[str] | None = None
    text: str | None = None


def list_institutions(
    db: Database,
    where: InstitutionFilter,
    order_by: str,
    descending: bool,
    languages: Sequence[str],
) -> list[InstitutionRecord]:
    """Institutions matching every criterion, ordered by ``name``, ``acronym`` or ``slug``."""
    query = institution_query()
    if where.slugs is not None:
        require_known_slugs(db, _institution.c.slug, where.slugs, "filter.slugs", "institution")
        query = query.where(_institution.c.slug.in_(where.slugs))
    if where.kinds is not None:
        query = query.where(_institution.c.kind.in_(where.kinds))
    if where.office_slugs is not None or where.relationship_kinds is not None:
        linked = select(_link.c.institution_id).join(_office, _office.c.id == _link.c.office_id)
        conditions = []
        if where.office_slugs is not None:
            require_known_slugs(
                db, _office.c.slug, where.office_slugs, "filter.offices", "regional office"
            )
            conditions.append(_office.c.slug.in_(where.office_slugs))
        if where.relationship_kinds is not None:
            conditions.append(_link.c.relationship_kind.in_(where.relationship_kinds))
        query = query.where(_institution.c.id.in_(linked.where(and_(*conditions))))
    if where.text:
        matching = ids_matching_text(SubjectType.INSTITUTION, where.text)
        query = query.where(_institution.c.id.in_(matching))
    institutions = _fetch(db, query)
    sort_institutions(institutions, order_by, descending, languages)
    return institutions


def sort_institutions(
    institutions: list[InstitutionRecord], order_by: str, descending: bool, languages: Sequence[str]
) -> None:
    """Order by ``slug``, or by ``name`` or ``acronym`` in ``languages`` (folded)."""

    def sort_key(record: InstitutionRecord) -> str:
        if order_by == "slug":
            return record.slug
        value = pick(record.texts, order_by, languages)
        # Institutions without an acronym sort after those with one, by name.
        return (
            fold(value) if value else "\uffff" + fold(pick(record.texts, "name", languages) or "")
        )

    institutions.sort(key=sort_key, reverse=descending)
