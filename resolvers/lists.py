"""The root lists, answered from the dataset in memory: ``regionalOffices``, ``countries``,
``institutions`` (filtered, ordered; ``schema.pagination`` pages them), ``institution`` by
acronym and ``dataQualityNotes``.

Like every edge (``resolvers.in_memory``), they read only the dataset of one version: no
statement, no awaitable, no snapshot to keep at that version. Each filter is the one the
database applied (``list_offices``, ``list_countries``, ``list_institutions``,
``institutions_by_acronym``, ``list_notes``, kept as the standard
``tests/test_equivalence.py`` compares with on generated filters, orders and pages), and the
records start in id order, the order the database returned them in, before the same sort.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, Self

from db.text import fold
from db.vocabulary import OfficeKind, SubjectType
from resolvers.country import CountryFilter, CountryRecord, normalise_code
from resolvers.institution import (
    InstitutionFilter,
    InstitutionRecord,
    acronym_pattern,
    sort_institutions,
)
from resolvers.list_indexes import (
    acronym_index,
    ids_by_key,
    joined_terms,
    narrowed,
    union_of,
)
from resolvers.list_orders import Ordered, Orders, R
from resolvers.provenance import SEVERITY_ORDER, NoteRecord
from resolvers.records import sort_records
from resolvers.regional_office import OfficeFilter, OfficeRecord
from resolvers.search import Term
from resolvers.slugs import check_known_slugs

REGIONAL = OfficeKind.REGIONAL_OFFICE.value


class RootLists(Protocol):
    """The root lists of one dataset version (``InMemoryDataset.lists``)."""

    def offices(
        self, where: OfficeFilter, order_by: str, descending: bool, languages: Sequence[str]
    ) -> Sequence[OfficeRecord]: ...

    def countries(
        self, where: CountryFilter, order_by: str, descending: bool, languages: Sequence[str]
    ) -> Sequence[CountryRecord]: ...

    def institutions(
        self, where: InstitutionFilter, order_by: str, descending: bool, languages: Sequence[str]
    ) -> Sequence[InstitutionRecord]: ...

    def institutions_by_acronym(self, acronym: str) -> list[InstitutionRecord]: ...

    def notes(self, severities: Sequence[str] | None) -> list[NoteRecord]: ...


def _by_id(records: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted({record.id: record for record in records}.values(), key=lambda r: r.id))


@dataclass(frozen=True, slots=True)
class _Records:
    """Every office, country, institution and note of one version (id order), each
    institution's links, the search terms the text filters match, the indexes the filters
    read (built once per version, each the size of the data) and the orders asked for so far
    (``resolvers.list_orders``)."""

    all_offices: tuple[OfficeRecord, ...]
    all_countries: tuple[CountryRecord, ...]
    all_institutions: tuple[InstitutionRecord, ...]
    all_notes: tuple[NoteRecord, ...]
    office_ids_by_institution: dict[int, tuple[tuple[int, str], ...]]  # (office id, kind)
    terms: tuple[Term, ...]
    orders: Orders = field(default_factory=Orders, compare=False)
    office_slugs: dict[str, int] = field(default_factory=dict)
    institution_slugs: frozenset[str] = frozenset()
    countries_by_code: dict[str, frozenset[int]] = field(default_factory=dict)
    countries_by_office: dict[int, frozenset[int]] = field(default_factory=dict)
    links_by_office: dict[int, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    # ^ (institution id, kind)
    terms_by_subject: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    acronyms: dict[str, tuple[InstitutionRecord, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        offices: Iterable[OfficeRecord],
        countries: Iterable[CountryRecord],
        institutions: Iterable[InstitutionRecord],
        notes: Iterable[NoteRecord],
        links: dict[int, Sequence[Any]],
        terms: tuple[Term, ...],
    ) -> Self:
        all_countries = _by_id(countries)
        by_institution = {
            i: tuple((k.office_id, k.relationship_kind) for k in ks) for i, ks in links.items()
        }
        by_office: dict[int, list[tuple[int, str]]] = {}
        for institution_id, pairs in by_institution.items():
            for office_id, kind in pairs:
                by_office.setdefault(office_id, []).append((institution_id, kind))
        all_offices, all_institutions = _by_id(offices), _by_id(institutions)
        return cls(
            all_offices,
            all_countries,
            all_institutions,
            _by_id(notes),
            by_institution,
            terms,
            Orders(),
            {o.slug: o.id for o in all_offices},
            frozenset(i.slug for i in all_institutions),
            ids_by_key(
                (code, c.id) for c in all_countries for code in (c.alpha2, c.alpha3) if code
            ),
            ids_by_key((k.office_id, c.id) for c in all_countries for k in c.coverage),
            {office_id: tuple(pairs) for office_id, pairs in by_office.items()},
            joined_terms(terms),
            acronym_index(all_institutions),
        )

    def _matching(self, subject_type: str, text: str) -> set[int]:
        """Ids of the subjects having a search term that contains ``text`` (folded)."""
        needle = fold(text)
        return {i for i, joined in self.terms_by_subject.get(subject_type, ()) if needle in joined}

    def _office_ids(self, slugs: Sequence[str], argument: str = "filter.offices") -> set[int]:
        """The ids of the offices ``slugs`` names; an unknown slug is refused."""
        known = self.office_slugs
        if not all(slug in known for slug in slugs):
            check_known_slugs(known, slugs, argument, "regional office")
        return {known[slug] for slug in slugs}

    def _ordered(
        self,
        records: str,
        order_by: str,
        descending: bool,
        languages: Sequence[str],
        sort: Callable[[], Sequence[R]],
    ) -> Ordered[R]:
        texts = order_by in _TEXT_ORDERS
        key = (records, order_by, descending, tuple(languages) if texts else ())
        return self.orders.get(key, sort)

    def _linked(self, where: InstitutionFilter) -> set[int]:
        """The institutions with a link to one of the filter's offices (any office for None)
        of one of its relationship kinds (any kind for None)."""
        if where.office_slugs is not None:
            offices: Iterable[int] = self._office_ids(where.office_slugs)
        else:
            offices = self.links_by_office
        kinds = None if where.relationship_kinds is None else set(where.relationship_kinds)
        return {
            institution_id
            for office_id in offices
            for institution_id, kind in self.links_by_office.get(office_id, ())
            if kinds is None or kind in kinds
        }


# The orders by a text in the request's languages (the others ignore the languages).
_TEXT_ORDERS = frozenset({"name", "acronym"})


@dataclass(frozen=True, slots=True)
class _Lookups(_Records):
    """The root fields of one version that are not paged lists: the institutions of an
    acronym (one entry of the acronym index) and the notes of some severities."""

    def institutions_by_acronym(self, acronym: str) -> list[InstitutionRecord]:
        return list(self.acronyms.get(acronym_pattern(acronym).lower(), ()))

    def notes(self, severities: Sequence[str] | None) -> list[NoteRecord]:
        notes = sorted(self.all_notes, key=lambda n: n.rank)
        if severities is not None:
            notes = [n for n in notes if n.severity in severities]
        return sorted(notes, key=lambda note: SEVERITY_ORDER[note.severity])


@dataclass(frozen=True, slots=True)
class MemoryLists(_Lookups):
    """The root lists of one version, filtered and ordered in memory (in the orders kept per
    version); ``schema.pagination`` pages them. Its other root fields: ``_Lookups``."""

    def offices(
        self, where: OfficeFilter, order_by: str, descending: bool, languages: Sequence[str]
    ) -> Sequence[OfficeRecord]:
        ids: set[int] | None = None
        if where.slugs is not None:
            ids = self._office_ids(where.slugs, "filter.slugs")
        if where.confidence is not None:
            confidence = set(where.confidence)
            chosen = (o.id for o in self.all_offices if o.coverage_confidence in confidence)
            ids = narrowed(ids, chosen)
        if where.host_country_codes is not None:
            codes = {code.upper() for code in where.host_country_codes}
            hosts = union_of(self.countries_by_code, codes)
            ids = narrowed(ids, (o.id for o in self.all_offices if o.host_country_id in hosts))
        if where.text:
            ids = narrowed(ids, self._matching(SubjectType.OFFICE, where.text))

        def sort() -> list[OfficeRecord]:
            found = [o for o in self.all_offices if o.kind == REGIONAL]
            sort_records(found, order_by, descending, languages, unnamed=lambda o: o.slug)
            return found

        return self._ordered("offices", order_by, descending, languages, sort).restricted(ids)

    def countries(
        self, where: CountryFilter, order_by: str, descending: bool, languages: Sequence[str]
    ) -> Sequence[CountryRecord]:
        unfiltered = where.codes is None and where.office_slugs is None
        if unfiltered and where.supported is None and not where.text:  # the order itself
            return self._countries(where, order_by, descending, languages)
        key = (
            "countries",
            order_by,
            descending,
            tuple(languages) if order_by in _TEXT_ORDERS else (),
            None if where.codes is None else tuple(where.codes),
            None if where.office_slugs is None else tuple(where.office_slugs),
            where.supported,
            where.text,
        )
        return self.orders.filtered(
            key, lambda: self._countries(where, order_by, descending, languages)
        )

    def _countries(
        self, where: CountryFilter, order_by: str, descending: bool, languages: Sequence[str]
    ) -> Sequence[CountryRecord]:
        ids: set[int] | None = None
        if where.codes is not None:
            ids = union_of(self.countries_by_code, {normalise_code(code) for code in where.codes})
        if where.office_slugs is not None:
            offices = self._office_ids(where.office_slugs)
            ids = narrowed(ids, union_of(self.countries_by_office, offices))
        if where.supported is not None:
            supported = where.supported
            ids = narrowed(ids, (c.id for c in self.all_countries if bool(c.coverage) is supported))
        if where.text:
            matching = self._matching(SubjectType.COUNTRY, where.text)
            matching.update(self.countries_by_code.get(where.text.strip().upper(), ()))
            ids = narrowed(ids, matching)

        def sort() -> list[CountryRecord]:
            found = list(self.all_countries)
            sort_records(found, order_by, descending, languages, unnamed=lambda r: r.alpha3)
            return found

        return self._ordered("countries", order_by, descending, languages, sort).restricted(ids)

    def institutions(
        self, where: InstitutionFilter, order_by: str, descending: bool, languages: Sequence[str]
    ) -> Sequence[InstitutionRecord]:
        ids: set[int] | None = None
        if where.slugs is not None:
            known = self.institution_slugs
            if not all(slug in known for slug in where.slugs):
                check_known_slugs(known, where.slugs, "filter.slugs", "institution")
            slugs = set(where.slugs)
            ids = {i.id for i in self.all_institutions if i.slug in slugs}
        if where.kinds is not None:
            kinds = set(where.kinds)
            ids = narrowed(ids, (i.id for i in self.all_institutions if i.kind in kinds))
        if where.office_slugs is not None or where.relationship_kinds is not None:
            ids = narrowed(ids, self._linked(where))
        if where.text:
            ids = narrowed(ids, self._matching(SubjectType.INSTITUTION, where.text))

        def sort() -> list[InstitutionRecord]:
            found = list(self.all_institutions)
            sort_institutions(found, order_by, descending, languages)
            return found

        return self._ordered("institutions", order_by, descending, languages, sort).restricted(ids)


NO_LISTS = MemoryLists((), (), (), (), {}, ())
"""The lists of a server that has read no dataset yet."""
