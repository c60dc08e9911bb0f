"""Turn a validated dataset into the exact rows each table must hold.

Rows are plain dicts keyed by column name. Foreign keys are given as natural keys here
(``("country", "KEN")``) and resolved to surrogate ids by the loader once parents are written.
"""

import gettext
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pycountry

from db.dataset import SEED_SOURCE, Dataset, SourcedText, iso_countries
from db.models import SubjectType
from db.text import fold

LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish"}
PYCOUNTRY_NOTE = f"ISO 3166-1 name from pycountry {pycountry.__version__} (Debian iso-codes)"
SEARCHABLE_FIELDS = ("name", "title", "acronym", "short_name", "city", "current_name")

Ref = tuple[str, str]  # (subject type, natural key)


@dataclass
class DesiredRows:
    """Everything the database must contain after a load, by table, before id resolution."""

    languages: list[dict[str, Any]] = field(default_factory=list)
    relationship_kinds: list[dict[str, Any]] = field(default_factory=list)
    institution_kinds: list[dict[str, Any]] = field(default_factory=list)
    countries: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    leadership: list[dict[str, Any]] = field(default_factory=list)
    offices: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    institutions: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    # Subject-keyed rows: "subject" holds a Ref until the loader swaps it for an id.
    translations: list[dict[str, Any]] = field(default_factory=list)
    provenance: list[dict[str, Any]] = field(default_factory=list)
    note_subjects: list[dict[str, Any]] = field(default_factory=list)


def desired_rows(dataset: Dataset) -> DesiredRows:
    rows = DesiredRows()
    seed_url = dataset.seed_page.url

    def source_url(source: str | None) -> str | None:
        return seed_url if source == SEED_SOURCE else source

    def text(
        ref: Ref,
        name: str,
        language: str,
        value: str,
        source_url: str | None = None,
        basis: str | None = None,
    ) -> None:
        rows.translations.append(
            {
                "subject": ref,
                "field": name,
                "language": language,
                "text": value,
                "source_url": source_url,
                "basis": basis,
            }
        )

    def sourced_texts(ref: Ref, name: str, texts: dict[str, SourcedText]) -> None:
        for language, entry in texts.items():
            text(
                ref,
                name,
                language,
                entry.text,
                source_url=source_url(entry.source),
                basis=entry.basis,
            )

    def fact(
        ref: Ref,
        name: str,
        source: str | None,
        seed_phrase: str | None = None,
        note: str | None = None,
    ) -> None:
        rows.provenance.append(
            {
                "subject": ref,
                "fact": name,
                "source_url": source_url(source),
                "seed_phrase": seed_phrase,
                "note": note,
            }
        )

    rows.languages = [{"code": c, "name_en": LANGUAGE_NAMES.get(c, c)} for c in dataset.languages]
    rows.relationship_kinds = [
        {"slug": slug, "description_fr": description}
        for slug, description in dataset.relationship_kinds.items()
    ]
    rows.institution_kinds = [{"slug": slug} for slug in dataset.institution_kinds]

    _country_rows(dataset, rows, text, fact)

    org = dataset.organisation
    org_ref: Ref = (SubjectType.ORGANISATION, org.slug)
    rows.organisations.append(
        {
            "slug": org.slug,
            "founded_year": org.founded.value,
            "member_states": org.member_states.value,
            "countries_present": org.countries_present.value,
            "un_system_member": org.un_system.member,
            "un_status_en": org.un_system.status_en,
            "un_joined": org.un_system.joined,
            "headquarters_country_id": ("country", org.headquarters.country),
        }
    )
    sourced_texts(org_ref, "name", org.names)
    for language, acronym in org.acronyms.items():
        text(org_ref, "acronym", language, acronym)
    for language, city in org.headquarters.city.items():
        text(org_ref, "headquarters_city", language, city, source_url=org.headquarters.source)
    for name, value in (
        ("founded", org.founded),
        ("member_states", org.member_states),
        ("countries_present", org.countries_present),
    ):
        fact(org_ref, name, value.source, value.seed_phrase, value.note)
    fact(org_ref, "un_system_member", org.un_system.source, org.un_system.seed_phrase)
    fact(org_ref, "un_status", org.un_system.status_source)
    fact(org_ref, "un_joined", org.un_system.joined_source, note=org.un_system.joined_note)
    fact(org_ref, "headquarters", org.headquarters.source, note=org.headquarters.quote)
    fact(org_ref, "acronyms", None, note=org.acronyms_source_note)

    for rank, unit in enumerate(dataset.leadership, start=1):
        ref: Ref = (SubjectType.LEADERSHIP, unit.slug)
        holder = unit.holder
        rows.leadership.append(
            {
                "slug": unit.slug,
                "kind": unit.kind,
                "rank": rank,
                "organisation_id": ("organisation", org.slug),
                "reports_to_id": ("leadership", unit.reports_to) if unit.reports_to else None,
                "holder_name": holder.name if holder else None,
                "holder_interim": holder.interim if holder else False,
                "holder_source_url": holder.source if holder else None,
                "holder_note": unit.holder_note,
                "notes": unit.notes,
            }
        )
        sourced_texts(ref, "title", unit.titles)
        if unit.head_title_en:
            text(ref, "head_title", "en", unit.head_title_en)
        if holder:
            extra = holder.model_extra or {}
            fact(ref, "holder", holder.source, note=extra.get("page_date_note"))
            corroboration = extra.get("corroboration")
            if corroboration:
                fact(
                    ref, "holder_corroboration", corroboration["source"], note=corroboration["fact"]
                )
        units = (unit.model_extra or {}).get("units_en")
        if units:
            fact(ref, "units", units["source"], note="; ".join(units["names"]))

    for rank, office in enumerate(dataset.offices, start=1):
        ref = (SubjectType.OFFICE, office.slug)
        status = office.status_note
        rows.offices.append(
            {
                "slug": office.slug,
                "rank": rank,
                "organisation_id": ("organisation", org.slug),
                "host_country_id": ("country", office.host_country),
                "seed_heading": office.seed_heading,
                "coverage_confidence": office.coverage.confidence,
                "coverage_source_url": office.coverage.source,
                "coverage_method": office.coverage.method,
                "status_note": status.text if status else None,
                "status_note_source_url": status.source if status else None,
                "notes": office.notes["text"] if office.notes else None,
            }
        )
        sourced_texts(ref, "name", office.names)
        sourced_texts(ref, "region", office.region)
        for language, city in office.city.items():
            text(ref, "city", language, city, source_url=seed_url if language == "fr" else None)
        fact(ref, "seed_heading", SEED_SOURCE, office.seed_heading)
        fact(ref, "coverage", office.coverage.source, note=office.coverage.method)
        if status:
            fact(ref, "status", status.source, note=status.text)
        if office.notes:
            fact(ref, "notes", SEED_SOURCE, office.notes["seed_phrase"], office.notes["text"])
        for code in office.coverage.countries:
            rows.coverage.append(
                {
                    "country_id": ("country", code),
                    "office_id": ("office", office.slug),
                    "inferred": code in office.coverage.inferred,
                }
            )

    for institution in dataset.institutions:
        ref = (SubjectType.INSTITUTION, institution.slug)
        rows.institutions.append(
            {
                "slug": institution.slug,
                "kind": institution.kind,
                "parent_id": ("institution", institution.parent) if institution.parent else None,
                "acronym_in_seed": institution.acronym_in_seed,
                "generic": institution.generic,
                "iom_internal": institution.iom_internal,
                "confidence": institution.confidence,
                "notes": institution.notes,
            }
        )
        sourced_texts(ref, "name", institution.names)
        for language, entry in institution.names.items():
            if entry.seed_phrase:
                fact(ref, f"name_{language}", SEED_SOURCE, entry.seed_phrase)
        for language, acronym in institution.acronyms.items():
            text(ref, "acronym", language, acronym)
        extra = institution.model_extra or {}
        short_name = extra.get("short_name_en")
        if short_name:
            text(ref, "short_name", "en", short_name["value"], source_url=short_name["source"])
        if institution.current_name:
            current = institution.current_name
            text(ref, "current_name", "en", current.en, source_url=current.source)
            fact(
                ref,
                "current_name",
                current.source,
                note=f"{current.en} ({current.acronym}) since {current.since}",
            )
        for number, external in enumerate(institution.external_facts, start=1):
            fact(ref, f"external_fact_{number}", external.source, note=external.fact)
        for key in ("status", "former_acronym"):
            if extra.get(key):
                fact(
                    ref,
                    key,
                    extra[key]["source"],
                    note=extra[key].get("text") or extra[key].get("value"),
                )
        if extra.get("co_chairs"):
            fact(
                ref,
                "co_chairs",
                extra["co_chairs"]["source"],
                note="seed: "
                + ", ".join(extra["co_chairs"]["per_seed"])
                + "; source page: "
                + ", ".join(extra["co_chairs"]["per_escwa_page"]),
            )

    for rank, link in enumerate(dataset.links, start=1):
        rows.links.append(
            {
                "slug": link.slug,
                "rank": rank,
                "office_id": ("office", link.office),
                "institution_id": ("institution", link.institution),
                "relationship_kind": link.relationship,
                "phrase_fr": link.phrase_fr,
                "governing_phrase_fr": link.governing_phrase_fr,
                "source_url": seed_url,
            }
        )

    for rank, note in enumerate(dataset.data_quality_notes, start=1):
        ref = (SubjectType.DATA_QUALITY_NOTE, note.slug)
        rows.notes.append(
            {
                "slug": note.slug,
                "rank": rank,
                "severity": note.severity,
                "text": note.text,
                "seed_phrase": note.seed_phrase,
            }
        )
        for number, url in enumerate(note.sources, start=1):
            fact(ref, f"source_{number}", url)
        for concern in note.concerns:
            subject_type, _, key = concern.partition(":")
            rows.note_subjects.append(
                {"note_id": ("data_quality_note", note.slug), "subject": (subject_type, key)}
            )
    return rows


def _country_rows(dataset: Dataset, rows: DesiredRows, text: Any, fact: Any) -> None:
    translations = {
        language: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for language in dataset.languages
        if language != "en"
    }
    for alpha3, country in sorted(iso_countries().items()):
        ref: Ref = (SubjectType.COUNTRY, alpha3)
        rows.countries.append(
            {
                "alpha2": country.alpha_2,
                "alpha3": alpha3,
                "numeric": country.numeric,
                "is_iso": True,
                "note": None,
            }
        )
        text(ref, "name", "en", country.name)
        for language, catalogue in translations.items():
            translated = catalogue.gettext(country.name)
            if translated != country.name or language == "fr":
                text(ref, "name", language, translated)
        common_name = getattr(country, "common_name", None)
        if common_name:
            text(ref, "short_name", "en", common_name)
        fact(ref, "names", None, note=PYCOUNTRY_NOTE)
    for extra in dataset.extra_countries:
        ref = (SubjectType.COUNTRY, extra.alpha3)
        rows.countries.append(
            {
                "alpha2": extra.alpha2,
                "alpha3": extra.alpha3,
                "numeric": None,
                "is_iso": False,
                "note": extra.note,
            }
        )
        for language, name in extra.names.items():
            text(ref, "name", language, name)
        fact(ref, "names", None, note=extra.note)


def search_terms(translations: list[dict[str, Any]]) -> Iterator[tuple[str, int, str]]:
    """(subject type, subject id, folded term) for every searchable text, after id resolution."""
    for row in translations:
        if row["field"] in SEARCHABLE_FIELDS:
            yield row["subject_type"], row["subject_id"], fold(row["text"])
