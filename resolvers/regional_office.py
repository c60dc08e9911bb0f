"""Regional offices: batch loads by id, slug, organisation, host country and supported country."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, or_, select

from db.models import Country, OfficeCountry, RegionalOffice
from db.tables import table_of
from db.vocabulary import OfficeKind, SubjectType
from resolvers.database import AnyRow, Database
from resolvers.records import ids_matching_text, records_of, sort_records
from resolvers.slugs import require_known_slugs
from resolvers.texts import Texts, check_field_order, group_texts, with_texts

_office = table_of(RegionalOffice)
_coverage = table_of(OfficeCountry)
_country = table_of(Country)


@dataclass(frozen=True, slots=True)
class OfficeRecord:
    id: int
    slug: str
    rank: int
    kind: str
    organisation_id: int
    host_country_id: int
    seed_heading: str | None
    coverage_confidence: str | None  # null with coverage_method: an office without coverage
    coverage_source_url: str | None
    coverage_method: str | None
    coverage_derived: bool
    status_note: str | None
    status_note_source_url: str | None
    notes: str | None
    valid_from: str | None
    valid_from_precision: str | None
    valid_from_source_url: str | None
    valid_from_quote: str | None
    valid_from_confidence: str | None
    valid_from_derivation: str | None
    valid_from_unknown: str | None
    valid_until: str | None
    valid_until_precision: str | None
    valid_until_source_url: str | None
    valid_until_quote: str | None
    valid_until_confidence: str | None
    valid_until_derivation: str | None
    valid_until_unknown: str | None
    attested_from: str | None
    attested_from_precision: str | None
    attested_from_source_url: str | None
    attested_from_quote: str | None
    attested_from_confidence: str | None
    attested_from_derivation: str | None
    texts: Texts


_COLUMNS = tuple(_office.c)
# The lists of regional offices leave out the liaison office, which has no region.
_REGIONAL = _office.c.kind == OfficeKind.REGIONAL_OFFICE.value
OFFICE_WIDTH = len(_COLUMNS)
check_field_order(OfficeRecord, _COLUMNS, "texts")


def office_query(*extra_columns: object) -> Select[tuple[object, ...]]:
    """Offices with their texts; ``extra_columns`` (e.g. a join key) follow the office's."""
    base = select(*_COLUMNS, *extra_columns)
    return with_texts(base, SubjectType.OFFICE, _office.c.id)


def office_from_row(row: AnyRow, texts: Texts) -> OfficeRecord:
    return OfficeRecord(*row[:OFFICE_WIDTH], texts)  # type: ignore[call-arg]


def _fetch(
    db: Database, query: Select[tuple[object, ...]], extra: int = 0
) -> list[tuple[OfficeRecord, object]]:
    return [
        (office_from_row(row, texts), row[OFFICE_WIDTH] if extra else None)
        for row, texts in group_texts(db.fetch(query), OFFICE_WIDTH + extra)
    ]


def regional_only(offices: Sequence[OfficeRecord]) -> list[OfficeRecord]:
    """The regional offices of ``offices``, leaving out the liaison office."""
    return [office for office in offices if office.kind == OfficeKind.REGIONAL_OFFICE.value]


OFFICES = records_of(RegionalOffice, OfficeRecord, texts=SubjectType.OFFICE, order_by=("rank",))
"""The offices (the liaison office too) with their texts, in the seed's order: the edges by
id, slug, organisation and host country derive from it (``resolvers.edges``)."""


def offices_by_supported_country_ids(db: Database, ids: Sequence[int]) -> dict[int, OfficeRecord]:
    """The office supporting each country; countries no office supports are absent. Not derived
    from ``OFFICES``: the key is office_country's ``country_id``, reached by a join."""
    query = (
        office_query(_coverage.c.country_id)
        .join(_coverage, _coverage.c.office_id == _office.c.id)
        .where(_coverage.c.country_id.in_(ids))
    )
    return {country_id: office for office, country_id in _fetch(db, query, extra=1)}  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class OfficeFilter:
    slugs: Sequence[str] | None = None
    confidence: Sequence[str] | None = None
    host_country_codes: Sequence[str] | None = None
    text: str | None = None


def list_offices(
    db: Database, where: OfficeFilter, order_by: str, descending: bool, languages: Sequence[str]
) -> list[OfficeRecord]:
    """Regional offices matching every criterion, ordered by ``rank`` (the seed page's), name or
    slug."""
    query = office_query().where(_REGIONAL)
    if where.slugs is not None:
        require_known_slugs(db, _office.c.slug, where.slugs, "filter.slugs", "regional office")
        query = query.where(_office.c.slug.in_(where.slugs))
    if where.confidence is not None:
        query = query.where(_office.c.coverage_confidence.in_(where.confidence))
    if where.host_country_codes is not None:
        codes = [code.upper() for code in where.host_country_codes]
        hosts = select(_country.c.id).where(
            or_(_country.c.alpha2.in_(codes), _country.c.alpha3.in_(codes))
        )
        query = query.where(_office.c.host_country_id.in_(hosts))
    if where.text:
        query = query.where(_office.c.id.in_(ids_matching_text(SubjectType.OFFICE, where.text)))
    offices = [office for office, _ in _fetch(db, query)]
    sort_records(offices, order_by, descending, languages, unnamed=lambda o: o.slug)
    return offices
