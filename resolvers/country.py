"""Countries: batch loads by id, code and office, and the filtered root list."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, or_, select

from db.models import Country, OfficeCountry, RegionalOffice, SearchTerm, SubjectType
from db.text import fold
from resolvers.database import Database
from resolvers.errors import UserInputError
from resolvers.texts import Texts, check_field_order, group_texts, pick, with_texts

_country = Country.__table__  # type: ignore[attr-defined]
_coverage = OfficeCountry.__table__  # type: ignore[attr-defined]
_terms = SearchTerm.__table__  # type: ignore[attr-defined]
_office = RegionalOffice.__table__  # type: ignore[attr-defined]
_COLUMNS = (*_country.c, _coverage.c.office_id, _coverage.c.inferred)


@dataclass(frozen=True, slots=True)
class CountryRecord:
    id: int
    alpha2: str
    alpha3: str
    numeric: str | None
    is_iso: bool
    note: str | None
    office_id: int | None
    coverage_inferred: bool
    texts: Texts


check_field_order(
    CountryRecord,
    (*_country.c, _coverage.c.office_id),
    "coverage_inferred",
    "texts",
)


def _query() -> Select[tuple[object, ...]]:
    base = select(*_COLUMNS).select_from(_country.outerjoin(_coverage))
    return with_texts(base, SubjectType.COUNTRY, _country.c.id)


def _fetch(db: Database, query: Select[tuple[object, ...]]) -> list[CountryRecord]:
    width = len(_COLUMNS)
    return [
        CountryRecord(*row[:7], bool(row[7]), texts)  # type: ignore[call-arg]
        for row, texts in group_texts(db.fetch(query), width)
    ]


def normalise_code(code: str, argument: str = "code") -> str:
    """Upper-case an ISO code; refuse anything that is not two or three ASCII letters.

    ASCII is checked before upper-casing: ``"ß".upper()`` is ``"SS"`` (South Sudan)."""
    cleaned = code.strip()
    if len(cleaned) not in (2, 3) or not cleaned.isascii() or not cleaned.isalpha():
        shown = repr(code) if len(code) <= 10 else f"a {len(code)}-character value"
        raise UserInputError(
            f"`{argument}`: {shown} is not an ISO 3166-1 alpha-2 or alpha-3 code "
            "(two or three letters, e.g. KE or KEN)",
            argument,
        )
    return cleaned.upper()


def countries_by_ids(db: Database, ids: Sequence[int]) -> dict[int, CountryRecord]:
    query = _query().where(_country.c.id.in_(ids))
    return {record.id: record for record in _fetch(db, query)}


def countries_by_codes(db: Database, codes: Sequence[str]) -> dict[str, CountryRecord]:
    """Countries by upper-case alpha-2 or alpha-3 code; each is found under both codes."""
    query = _query().where(or_(_country.c.alpha2.in_(codes), _country.c.alpha3.in_(codes)))
    found: dict[str, CountryRecord] = {}
    for record in _fetch(db, query):
        found[record.alpha2] = record
        found[record.alpha3] = record
    return found


def countries_by_office_ids(
    db: Database, office_ids: Sequence[int]
) -> dict[int, list[CountryRecord]]:
    """The countries each office supports, in alpha-3 order."""
    query = _query().where(_coverage.c.office_id.in_(office_ids)).order_by(_country.c.alpha3)
    grouped: dict[int, list[CountryRecord]] = {office_id: [] for office_id in office_ids}
    for record in _fetch(db, query):
        if record.office_id is not None:
            grouped[record.office_id].append(record)
    return grouped


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
        offices = select(_office.c.id).where(_office.c.slug.in_(where.office_slugs))
        query = query.where(_coverage.c.office_id.in_(offices))
    if where.supported is not None:
        query = query.where(
            _coverage.c.office_id.is_not(None)
            if where.supported
            else _coverage.c.office_id.is_(None)
        )
    if where.text:
        matching = select(_terms.c.subject_id).where(
            _terms.c.subject_type == SubjectType.COUNTRY,
            _terms.c.term.contains(fold(where.text), autoescape=True),
        )
        query = query.where(
            or_(
                _country.c.id.in_(matching),
                _country.c.alpha2 == where.text.strip().upper(),
                _country.c.alpha3 == where.text.strip().upper(),
            )
        )
    records = _fetch(db, query)
    if order_by == "name":
        records.sort(
            key=lambda r: fold(pick(r.texts, "name", languages) or r.alpha3), reverse=descending
        )
    else:
        records.sort(key=lambda r: getattr(r, order_by), reverse=descending)
    return records
