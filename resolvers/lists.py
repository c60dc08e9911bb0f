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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self

from db.text import fold
from db.vocabulary import OfficeKind, SubjectType
from resolvers.country import CountryFilter, CountryRecord, normalise_code
from resolvers.institution import (
    ACRONYM_FIELDS,
    InstitutionFilter,
    InstitutionRecord,
    acronym_pattern,
    sort_institutions,
)
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
    ) -> list[OfficeRecord]: ...

    def countries(
        self, where: CountryFilter, order_by: str, descending: bool, languages: Sequence[str]
    ) -> list[CountryRecord]: ...

    def institutions(
        self, where: InstitutionFilter, order_by: str, descending: bool, languages: Sequence[str]
    ) -> list[InstitutionRecord]: ...

    def institutions_by_acronym(self, acronym: str) -> list[InstitutionRecord]: ...

    def notes(self, severities: Sequence[str] | None) -> list[NoteRecord]: ...


def _by_id(records: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted({record.id: record for record in records}.values(), key=lambda r: r.id))


@dataclass(frozen=True, slots=True)
class _Records:
    """Every office, country, institution and note of one version (id order), each
    institution's links, and the search terms the text filters match."""

    all_offices: tuple[OfficeRecord, ...]
    all_countries: tuple[CountryRecord, ...]
    all_institutions: tuple[InstitutionRecord, ...]
    all_notes: tuple[NoteRecord, ...]
    office_ids_by_institution: dict[int, tuple[tuple[int, str], ...]]  # (office id, kind)
    terms: tuple[Term, ...]

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
        return cls(
            _by_id(offices),
            _by_id(countries),
            _by_id(institutions),
            _by_id(notes),
            {i: tuple((k.office_id, k.relationship_kind) for k in ks) for i, ks in links.items()},
            terms,
        )

    def _matching(self, subject_type: str, text: str) -> set[int]:
        """Ids of the subjects having a search term that contains ``text`` (folded)."""
        needle = fold(text)
        return {i for t, i, term in self.terms if t == subject_type and needle in term}

    def _office_ids(self, slugs: Sequence[str]) -> set[int]:
        check_known_slugs(
            (o.slug for o in self.all_offices), slugs, "filter.offices", "regional office"
        )
        wanted = set(slugs)
        return {o.id for o in self.all_offices if o.slug in wanted}


@dataclass(frozen=True, slots=True)
class MemoryLists(_Records):
    """The root lists of one version, filtered, ordered and paged in memory."""

    def offices(
        self, where: OfficeFilter, order_by: str, descending: bool, languages: Sequence[str]
    ) -> list[OfficeRecord]:
        found = [o for o in self.all_offices if o.kind == REGIONAL]
        if where.slugs is not None:
            every = (o.slug for o in self.all_offices)
            check_known_slugs(every, where.slugs, "filter.slugs", "regional office")
            slugs = set(where.slugs)
            found = [o for o in found if o.slug in slugs]
        if where.confidence is not None:
            confidence = set(where.confidence)
            found = [o for o in found if o.coverage_confidence in confidence]
        if where.host_country_codes is not None:
            codes = {code.upper() for code in where.host_country_codes}
            hosts = {c.id for c in self.all_countries if c.alpha2 in codes or c.alpha3 in codes}
            found = [o for o in found if o.host_country_id in hosts]
        if where.text:
            matching = self._matching(SubjectType.OFFICE, where.text)
            found = [o for o in found if o.id in matching]
        sort_records(found, order_by, descending, languages, unnamed=lambda o: o.slug)
        return found

    def countries(
        self, where: CountryFilter, order_by: str, descending: bool, languages: Sequence[str]
    ) -> list[CountryRecord]:
        found = list(self.all_countries)
        if where.codes is not None:
            codes = {normalise_code(code) for code in where.codes}
            found = [c for c in found if c.alpha2 in codes or c.alpha3 in codes]
        if where.office_slugs is not None:
            offices = self._office_ids(where.office_slugs)
            found = [c for c in found if any(k.office_id in offices for k in c.coverage)]
        if where.supported is not None:
            found = [c for c in found if bool(c.coverage) is where.supported]
        if where.text:
            matching = self._matching(SubjectType.COUNTRY, where.text)
            code = where.text.strip().upper()
            found = [c for c in found if c.id in matching or code in (c.alpha2, c.alpha3)]
        sort_records(found, order_by, descending, languages, unnamed=lambda r: r.alpha3)
        return found

    def institutions(
        self, where: InstitutionFilter, order_by: str, descending: bool, languages: Sequence[str]
    ) -> list[InstitutionRecord]:
        found = list(self.all_institutions)
        if where.slugs is not None:
            every = (i.slug for i in self.all_institutions)
            check_known_slugs(every, where.slugs, "filter.slugs", "institution")
            slugs = set(where.slugs)
            found = [i for i in found if i.slug in slugs]
        if where.kinds is not None:
            kinds = set(where.kinds)
            found = [i for i in found if i.kind in kinds]
        if where.office_slugs is not None or where.relationship_kinds is not None:
            offices = (
                self._office_ids(where.office_slugs) if where.office_slugs is not None else None
            )
            relationships = set(where.relationship_kinds or ())
            linked = {
                institution_id
                for institution_id, links in self.office_ids_by_institution.items()
                for office_id, kind in links
                if (offices is None or office_id in offices)
                and (where.relationship_kinds is None or kind in relationships)
            }
            found = [i for i in found if i.id in linked]
        if where.text:
            matching = self._matching(SubjectType.INSTITUTION, where.text)
            found = [i for i in found if i.id in matching]
        sort_institutions(found, order_by, descending, languages)
        return found

    def institutions_by_acronym(self, acronym: str) -> list[InstitutionRecord]:
        wanted = acronym_pattern(acronym).lower()
        found = [
            i
            for i in self.all_institutions
            if any(
                text.lower() == wanted
                for field in ACRONYM_FIELDS
                for text in i.texts.get(field, {}).values()
            )
        ]
        return sorted(found, key=lambda i: i.slug)

    def notes(self, severities: Sequence[str] | None) -> list[NoteRecord]:
        notes = sorted(self.all_notes, key=lambda n: n.rank)
        if severities is not None:
            notes = [n for n in notes if n.severity in severities]
        return sorted(notes, key=lambda note: SEVERITY_ORDER[note.severity])


NO_LISTS = MemoryLists((), (), (), (), {}, ())
"""The lists of a server that has read no dataset yet."""
