"""The rows of each table of the package, read from one ``InMemoryDataset`` with the lookups
GraphQL's resolvers use (``office_for_country`` for a country's office on a day, ``choose``
for a text in a language), so that a row and an answer of the same version agree.

A package is for one ``period``: a day (the offices in force on it, the office supporting
each country on it: GraphQL's ``asOf``) or None, every period (every office, every coverage).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from resolvers.in_memory import InMemoryDataset
from resolvers.regional_office import OfficeRecord
from resolvers.texts import Texts, choose, languages_for
from resolvers.validity import in_force, office_for_country, offices_in_force

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Selection:
    """What one package holds: the dataset, its day (None: every period) and language."""

    dataset: InMemoryDataset
    period: date | None
    language: str

    def texts(self, texts: Texts, *fields: str) -> Row:
        """Each of ``fields`` in the package's language (or its fallback) and that language."""
        row: Row = {}
        for field in fields:
            chosen = choose(texts, field, languages_for(self.language, ()))
            row[field] = chosen.text if chosen else None
            row[f"{field}_language"] = chosen.language if chosen else None
        return row

    def offices(self) -> list[OfficeRecord]:
        every = sorted(self.dataset.loaders.office_by_id.found.values(), key=lambda o: o.rank)
        return every if self.period is None else offices_in_force(every, self.period)

    def country_code(self, country_id: int) -> str:
        return str(self.dataset.loaders.country_by_id.found[country_id].alpha3)


def office_rows(selection: Selection) -> list[Row]:
    rows = []
    for office in selection.offices():
        state = in_force(office, selection.period) if selection.period else None
        rows.append(
            {
                "slug": office.slug,
                "kind": office.kind,
                "rank": office.rank,
                **selection.texts(office.texts, "name", "city", "location", "region"),
                "host_country": selection.country_code(office.host_country_id),
                "seed_heading": office.seed_heading,
                "in_force": state.value if state else None,
                **_bound(office, "valid_from"),
                **_bound(office, "valid_until"),
                "coverage_confidence": office.coverage_confidence,
                "coverage_method": office.coverage_method,
                "coverage_source_url": office.coverage_source_url,
                "status_note": office.status_note,
                "notes": office.notes,
            }
        )
    return rows


def _bound(office: OfficeRecord, bound: str) -> Row:
    """A bound of validity (``valid_from``, ``valid_until``): the columns named like it."""
    suffixes = ("", "_precision", "_source_url", "_quote", "_unknown")
    return {bound + suffix: getattr(office, bound + suffix) for suffix in suffixes}


def country_rows(selection: Selection) -> list[Row]:
    countries = sorted(selection.dataset.loaders.country_by_id.found.values(), key=_alpha3)
    return [
        {
            "alpha3": country.alpha3,
            "alpha2": country.alpha2,
            "numeric": country.numeric,
            "is_iso": country.is_iso,
            **selection.texts(country.texts, "name"),
            "note": country.note,
        }
        for country in countries
    ]


def _alpha3(record: Any) -> str:
    return str(record.alpha3)


def coverage_rows(selection: Selection) -> list[Row]:
    """Each country's office on the package's day (every office it had, for every period)."""
    offices = selection.dataset.loaders.office_by_id
    rows = []
    for country in sorted(selection.dataset.loaders.country_by_id.found.values(), key=_alpha3):
        coverage = {c.office_id: c for c in country.coverage}
        supporting = [offices.found[office_id] for office_id in coverage]
        if selection.period is not None:
            office = office_for_country(supporting, selection.period)
            supporting = [office] if office else []
        for office in supporting:
            rows.append(
                {
                    "office": office.slug,
                    "country": country.alpha3,
                    "inferred": coverage[office.id].inferred,
                    "confidence": office.coverage_confidence,
                    "method": office.coverage_method,
                    "derived": office.coverage_derived,
                    "source_url": office.coverage_source_url,
                }
            )
    return rows


def institution_rows(selection: Selection) -> list[Row]:
    institutions = selection.dataset.loaders.institution_by_id
    rows = []
    for institution in sorted(institutions.found.values(), key=lambda i: i.slug):
        parent = institutions.load(institution.parent_id) if institution.parent_id else None
        rows.append(
            {
                "slug": institution.slug,
                "kind": institution.kind,
                "parent": parent.slug if parent else None,
                **selection.texts(institution.texts, "name", "acronym"),
                "acronym_in_seed": institution.acronym_in_seed,
                "generic": institution.generic,
                "iom_internal": institution.iom_internal,
                "confidence": institution.confidence,
                "notes": institution.notes,
            }
        )
    return rows


def link_rows(selection: Selection) -> list[Row]:
    """The links of the package's offices, in the seed page's order."""
    links_by_office = selection.dataset.loaders.links_by_office
    offices = {office.id: office.slug for office in selection.offices()}
    links = sorted(
        (link for office_id in offices for link in links_by_office.load(office_id)),
        key=lambda link: link.rank,
    )
    return [
        {
            "slug": link.slug,
            "rank": link.rank,
            "office": offices[link.office_id],
            "institution": link.institution.slug,  # type: ignore[union-attr]  # read from its office
            "relationship": link.relationship_kind,
            "seed_phrase": link.phrase_fr,
            "governing_seed_phrase": link.governing_phrase_fr,
            "quote": link.quote,
            "quote_language": link.quote_language,
            "evidence_url": link.source_url,
        }
        for link in links
    ]


def leadership_rows(selection: Selection) -> list[Row]:
    units = selection.dataset.loaders.leadership_by_id
    rows = []
    for unit in sorted(units.found.values(), key=lambda u: u.rank):
        manager = units.load(unit.reports_to_id) if unit.reports_to_id else None
        rows.append(
            {
                "slug": unit.slug,
                "kind": unit.kind,
                "rank": unit.rank,
                "reports_to": manager.slug if manager else None,
                **selection.texts(unit.texts, "title"),
                "holder_name": unit.holder_name,
                "holder_interim": unit.holder_interim,
                "holder_source_url": unit.holder_source_url,
                "holder_note": unit.holder_note,
                "notes": unit.notes,
            }
        )
    return rows


def succession_rows(selection: Selection) -> list[Row]:
    """Successions between two offices of the package, in the predecessors' order."""
    offices = {office.id: office.slug for office in selection.offices()}
    successors = selection.dataset.loaders.successors_by_office
    return [
        {
            "predecessor": slug,
            "successor": edge.office.slug,
            "kind": edge.kind,
            "confidence": edge.confidence,
            "source_url": edge.source_url,
            "quote": edge.quote,
            "derivation": edge.derivation,
        }
        for office_id, slug in offices.items()
        for edge in successors.load(office_id)
        if edge.successor_id in offices
    ]


def source_rows(selection: Selection) -> list[Row]:
    """The sources of every subject of the package (offices: those of the package)."""
    names = _subject_names(selection)
    found = selection.dataset.loaders.sources_by_subject.found
    rows = []
    for subject in sorted(key for key in found if key in names):
        for source in found[subject]:
            rows.append(
                {
                    "subject_type": subject[0],
                    "subject": names[subject],
                    "fact": source.fact,
                    "url": source.url,
                    "kind": source.kind,
                    "seed_phrase": source.seed_phrase,
                    "note": source.note,
                    "confidence": source.confidence,
                }
            )
    return rows


def _subject_names(selection: Selection) -> dict[tuple[str, int], str]:
    """The natural key of each subject the package holds, by (subject type, id)."""
    loaders = selection.dataset.loaders
    named: Iterable[tuple[str, Iterable[Any], Callable[[Any], str]]] = (
        ("organisation", loaders.organisation_by_id.found.values(), lambda r: r.slug),
        ("leadership", loaders.leadership_by_id.found.values(), lambda r: r.slug),
        ("office", selection.offices(), lambda r: r.slug),
        ("country", loaders.country_by_id.found.values(), _alpha3),
        ("institution", loaders.institution_by_id.found.values(), lambda r: r.slug),
        ("data_quality_note", loaders.note_by_id.found.values(), lambda r: r.slug),
    )
    return {(kind, record.id): name(record) for kind, records, name in named for record in records}
