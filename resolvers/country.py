"""Countries: batch loads by id, code and office, and the filtered root list."""

from collections.abc import Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy import Select, or_, select

from db.models import Country, OfficeCountry, RegionalOffice
from db.tables import table_of
from db.vocabulary import SubjectType
from resolvers.database import AnyRow, Database
from resolvers.errors import UserInputError
from resolvers.records import Records, group_pairs, ids_matching_text, sort_records
from resolvers.slugs import require_known_slugs
from resolvers.texts import Texts, check_field_order, group_texts, json_triples, with_texts

_country = table_of(Country)
_coverage = table_of(OfficeCountry)
_office = table_of(RegionalOffice)
_COLUMNS = tuple(_country.c)
# ISO 3166-1 "exceptionally reserved" codes that stand for a country the list holds under
# another code: ISO reserves UK at the United Kingdom's request, whose code is GB (pycountry
# lists assigned codes only). The other exceptional reservations (AC, CP, DG, EA, EU, EZ, FX,
# IC, SU, TA, UN) name territories, unions or organisations, not one country of the list.
EXCEPTIONALLY_RESERVED = {"UK": "GB"}
_WIDTH = len(_COLUMNS) + 1  # the country's columns and its coverage


@dataclass(frozen=True, slots=True)
class CoverageRecord:
    """An office that supports the country while the office is in force."""

    office_id: int
    inferred: bool


@dataclass(frozen=True, slots=True)
class CountryRecord:
    id: int
    alpha2: str
    alpha3: str
    numeric: str | None
    is_iso: bool
    note: str | None
    coverage: tuple[CoverageRecord, ...]  # every office that supports it, over time
    texts: Texts


check_field_order(CountryRecord, _COLUMNS, "coverage", "texts")


def _query(*extra_columns: object) -> Select[tuple[object, ...]]:
    """Countries with their coverage (one JSON column: [[office id, inferred], ...]), then
    ``extra_columns``, then their texts."""
    # An alias: a query joining office_country itself must not correlate this subquery with it.
    every = _coverage.alias("every_coverage")
    coverage = (
        Select(json_triples(every.c.office_id, every.c.inferred))
        .where(every.c.country_id == _country.c.id)
        .correlate(_country)
        .scalar_subquery()
        .label("coverage")
    )
    return with_texts(
        select(*_COLUMNS, coverage, *extra_columns),  # type: ignore[call-overload]
        SubjectType.COUNTRY,
        _country.c.id,
    )


def _coverage_of(value: str | None) -> tuple[CoverageRecord, ...]:
    pairs = orjson.loads(value) if value else ()
    return tuple(CoverageRecord(int(office_id), bool(inferred)) for office_id, inferred in pairs)


def _fetch(
    db: Database, query: Select[tuple[object, ...]], extra: int = 0
) -> list[tuple[CountryRecord, object]]:
    return _paired(db.fetch(query), extra)


def _paired(rows: Sequence[AnyRow], extra: int) -> list[tuple[CountryRecord, object]]:
    """Each country of ``rows`` with the first of its ``extra`` columns, if any."""
    return [
        (
            CountryRecord(*row[: _WIDTH - 1], _coverage_of(row[_WIDTH - 1]), texts),  # type: ignore[call-arg]
            row[_WIDTH] if extra else None,
        )
        for row, texts in group_texts(rows, _WIDTH + extra)
    ]


COUNTRIES = Records(
    _country,
    _query().order_by(_country.c.alpha3),
    lambda rows: [record for record, _ in _paired(rows, 0)],
)
"""The countries with their coverage and texts, by alpha-3 code: the edge by id derives from it
(``resolvers.edges``); those by code and by office are read below."""


def normalise_code(code: str, argument: str = "code") -> str:
    """Upper-case an ISO code (UK: GB, see EXCEPTIONALLY_RESERVED); refuse anything that is
    not two or three ASCII letters.

    ASCII is checked before upper-casing: ``"ß".upper()`` is ``"SS"`` (South Sudan)."""
    cleaned = code.strip()
    if len(cleaned) not in (2, 3) or not cleaned.isascii() or not cleaned.isalpha():
        shown = repr(code) if len(code) <= 10 else f"a {len(code)}-character value"
        raise UserInputError(
            f"`{argument}`: {shown} is not an ISO 3166-1 alpha-2 or alpha-3 code "
            "(two or three letters, e.g. KE or KEN)",
            argument,
        )
    return EXCEPTIONALLY_RESERVED.get(cleaned.upper(), cleaned.upper())


def countries_by_codes(db: Database, codes: Sequence[str]) -> dict[str, CountryRecord]:
    """Countries by upper-case alpha-2 or alpha-3 code; each is found under both codes (two
    key columns: not derived from ``COUNTRIES``, whose edges are keyed by one)."""
    query = _query().where(or_(_country.c.alpha2.in_(codes), _country.c.alpha3.in_(codes)))
    found: dict[str, CountryRecord] = {}
    for record, _ in _fetch(db, query):
        found[record.alpha2] = record
        found[record.alpha3] = record
    return found


def countries_by_office_ids(
    db: Database, office_ids: Sequence[int]
) -> dict[int, list[CountryRecord]]:
    """The countries each office supports while in force, in alpha-3 order (the key is
    office_country's ``office_id``, reached by a join: not derived from ``COUNTRIES``)."""
    query = (
        _query(_coverage.c.office_id)
        .join(_coverage, _coverage.c.country_id == _country.c.id)
        .where(_coverage.c.office_id.in_(office_ids))
        .order_by(_country.c.alpha3)
    )
    return group_pairs(((office_id, c) for c, office_id in _fetch(db, query, extra=1)), office_ids)  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class CountryFilter:
    codes: Sequence[str] | None = None
    office_slugs: Sequence[str] | None = None
    supported: bool | None = None
    text: str | None = None


def list_countries(
    db: Database, where: CountryFilter, order_by: str, descending: bool, languages: Sequence[str]
) -> list[CountryRecord]:
    """Countries matching every given criterion, ordered by ``name``, ``alpha2`` or ``alpha3``."""
    query = _query()
    if where.codes is not None:
        codes = [normalise_code(code) for code in where.codes]
        query = query.where(or_(_country.c.alpha2.in_(codes), _country.c.alpha3.in_(codes)))
    if where.office_slugs is not None:
        require_known_slugs(
            db, _office.c.slug, where.office_slugs, "filter.offices", "regional office"
        )
        offices = select(_office.c.id).where(_office.c.slug.in_(where.office_slugs))
        query = query.where(
            _country.c.id.in_(
                select(_coverage.c.country_id).where(_coverage.c.office_id.in_(offices))
            )
        )
    if where.supported is not None:
        supported = select(_coverage.c.country_id)
        query = query.where(
            _country.c.id.in_(supported) if where.supported else _country.c.id.not_in(supported)
        )
    if where.text:
        query = query.where(
            or_(
                _country.c.id.in_(ids_matching_text(SubjectType.COUNTRY, where.text)),
                _country.c.alpha2 == where.text.strip().upper(),
                _country.c.alpha3 == where.text.strip().upper(),
            )
        )
    records = [record for record, _ in _fetch(db, query)]
    sort_records(records, order_by, descending, languages, unnamed=lambda r: r.alpha3)
    return records
