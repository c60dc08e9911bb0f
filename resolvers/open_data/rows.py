"""The rows of each table of the package, read from one ``InMemoryDataset`` with the lookups
GraphQL's resolvers use (``office_for_country`` for a country's office on a day, ``choose``
for a text in a language), so that a row and an answer of the same version agree.

A package is for one ``period``: a day (the offices in force on it, the office supporting
each country on it: GraphQL's ``asOf``) or None, every period (every office, every coverage).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from db.vocabulary import SubjectType
from resolvers.in_memory import InMemoryDataset
from resolvers.regional_office import OfficeRecord
from resolvers.texts import Texts, choose, languages_for
from resolvers.validity import office_for_country, offices_in_force

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


def source_rows(selection: Selection, names: dict[tuple[str, int], str]) -> list[Row]:
    """The sources of every subject of the package, ``names`` (offices: those of the package),
    by (subject type, id) with their natural keys."""
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


def subject_names(selection: Selection) -> dict[tuple[str, int], str]:
    """The natural key of each subject the package holds without a table of its own, by
    (subject type, id) (``tables`` adds its entity tables' records)."""
    loaders = selection.dataset.loaders
    named: Iterable[tuple[str, Iterable[Any]]] = (
        (SubjectType.ORGANISATION, loaders.organisation_by_id.found.values()),
        (SubjectType.DATA_QUALITY_NOTE, loaders.note_by_id.found.values()),
    )
    return {(kind, record.id): record.slug for kind, records in named for record in records}
