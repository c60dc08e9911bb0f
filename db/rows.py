"""Turn a validated dataset into the exact rows each table must hold (see ``db.row_builder``),
one function per group of tables."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from db.countries import country_rows
from db.entries import SEED_SOURCE, Dataset, DateFact, Office
from db.evidence_rows import coverage_rows, statement_rows
from db.institution_rows import institution_rows
from db.models import (
    DataQualityNote,
    LeadershipUnit,
    OfficeInstitutionLink,
    OfficeSuccession,
    Organisation,
    RegionalOffice,
)
from db.row_builder import DesiredRows, Ref, RowsBuilder
from db.text import fold
from db.vocabulary import InstitutionKind, Language, RelationshipKind, SubjectType

LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish"}
HEAD_TITLE_BASIS = (
    "Editorial: named after the office's English title; no stored page names the post."
)
REPORTS_TO_NOTE = (
    "Editorial: the seed page's menu lists this post or office under the Director General; "
    "no stored page states the reporting line in words."
)
CITY_BASIS = "Editorial: the English name of the city the seed page names."
SEARCHABLE_FIELDS = (
    "name",
    "title",
    "acronym",
    "short_name",
    "city",
    "location",
    "current_name",
    "headquarters_city",
    "current_acronym",
    "former_acronym",
    "other_name",
)


def desired_rows(dataset: Dataset, seed_text: str) -> DesiredRows:
    """Every row the dataset describes, parents' natural keys standing for their ids."""
    build = RowsBuilder(dataset.seed_page.url, seed_text)
    for add_rows in (
        _vocabulary_rows,
        country_rows,
        _organisation_rows,
        _leadership_rows,
        _office_rows,
        institution_rows,
        _link_rows,
        statement_rows,
        _note_rows,
    ):
        add_rows(dataset, build)
    return build.rows


def _vocabulary_rows(dataset: Dataset, build: RowsBuilder) -> None:
    rows = build.rows
    rows.of(Language).extend(
        {"code": c, "name_en": LANGUAGE_NAMES.get(c, c)} for c in dataset.languages
    )
    rows.of(RelationshipKind).extend(
        {"slug": slug, "description_fr": description}
        for slug, description in dataset.relationship_kinds.items()
    )
    rows.of(InstitutionKind).extend({"slug": slug} for slug in dataset.institution_kinds)


def _organisation_rows(dataset: Dataset, build: RowsBuilder) -> None:
    org = dataset.organisation
    org_ref: Ref = (SubjectType.ORGANISATION, org.slug)
    build.rows.of(Organisation).append(
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
    build.sourced_texts(org_ref, "name", org.names)
    for language, acronym in org.acronyms.items():
        # The acronyms' note names their pages: the pages of the names in the same language.
        page = build.source_url(org.names[language].source)
        build.text(org_ref, "acronym", language, acronym, page, org.acronyms_source_note)
    for language, city in org.headquarters.city.items():
        build.text(org_ref, "headquarters_city", language, city, source_url=org.headquarters.source)
    for name, value in (
        ("founded", org.founded),
        ("member_states", org.member_states),
        ("countries_present", org.countries_present),
    ):
        build.fact(org_ref, name, value.source, value.seed_phrase, value.note)
    build.fact(org_ref, "un_system_member", org.un_system.source, org.un_system.seed_phrase)
    build.fact(org_ref, "un_status", org.un_system.status_source, note=org.un_system.status_quote)
    build.fact(org_ref, "un_joined", org.un_system.joined_source, note=org.un_system.joined_note)
    build.fact(org_ref, "headquarters", org.headquarters.source, note=org.headquarters.quote)


def _leadership_rows(dataset: Dataset, build: RowsBuilder) -> None:
    for rank, unit in enumerate(dataset.leadership, start=1):
        ref: Ref = (SubjectType.LEADERSHIP, unit.slug)
        holder = unit.holder
        build.rows.of(LeadershipUnit).append(
            {
                "slug": unit.slug,
                "kind": unit.kind,
                "rank": rank,
                "organisation_id": ("organisation", dataset.organisation.slug),
                "reports_to_id": ("leadership", unit.reports_to) if unit.reports_to else None,
                "holder_name": holder.name if holder else None,
                "holder_interim": holder.interim if holder else False,
                "holder_source_url": holder.source if holder else None,
                "holder_note": unit.holder_note,
                "notes": unit.notes,
            }
        )
        build.sourced_texts(ref, "title", unit.titles)
        if unit.head_title_en:
            build.text(ref, "head_title", "en", unit.head_title_en, basis=HEAD_TITLE_BASIS)
        if unit.reports_to:
            build.fact(ref, "reports_to", None, note=REPORTS_TO_NOTE)
        if holder:
            build.searchable(ref, holder.name)
            extra = holder.model_extra or {}
            build.fact(ref, "holder", holder.source, note=extra.get("page_date_note"))
            corroboration = extra.get("corroboration")
            if corroboration:
                build.fact(
                    ref, "holder_corroboration", corroboration["source"], note=corroboration["fact"]
                )
        units = (unit.model_extra or {}).get("units_en")
        if units:
            build.fact(ref, "units", units["source"], note="; ".join(units["names"]))


def _office_rows(dataset: Dataset, build: RowsBuilder) -> None:
    for rank, office in enumerate(dataset.offices, start=1):
        ref: Ref = (SubjectType.OFFICE, office.slug)
        status, coverage = office.status_note, office.coverage
        build.rows.of(RegionalOffice).append(
            {
                "slug": office.slug,
                "rank": rank,
                "kind": office.kind,
                "organisation_id": ("organisation", dataset.organisation.slug),
                "host_country_id": ("country", office.host_country),
                "seed_heading": office.seed_heading,
                "coverage_confidence": coverage.confidence if coverage else None,
                "coverage_source_url": coverage.source if coverage else None,
                "coverage_method": coverage.method if coverage else None,
                "coverage_derived": bool(coverage and coverage.derived_from),
                "status_note": status.text if status else None,
                "status_note_source_url": status.source if status else None,
                "notes": office.notes["text"] if office.notes else None,
                **_date_columns("valid_from", office.valid_from, build),
                **_date_columns("valid_until", office.valid_until, build),
                **_attested_columns(office.attested_from, build),
            }
        )
        for predecessor in office.predecessors:
            build.rows.of(OfficeSuccession).append(
                {
                    "predecessor_id": ("office", predecessor.office),
                    "successor_id": ("office", office.slug),
                    "kind": predecessor.kind,
                    "source_url": build.source_url(predecessor.source),
                    "quote": predecessor.quote,
                    "confidence": predecessor.confidence,
                    "derivation": predecessor.derivation,
                }
            )
        build.sourced_texts(ref, "name", office.names)
        build.sourced_texts(ref, "region", office.region)
        for language, region in office.region.items():
            if region.seed_phrase:  # the seed's own words, beside the label served as region
                phrase = region.seed_phrase
                build.text(
                    ref, "region_seed_phrase", language, phrase, build.seed_url, seed_phrase=phrase
                )
        build.sourced_texts(ref, "location", office.location)
        _office_cities(ref, office, build)
        if office.seed_heading is not None:
            build.fact(ref, "seed_heading", SEED_SOURCE, office.seed_heading)
        if coverage:
            build.fact(
                ref,
                "coverage",
                coverage.source,
                note=coverage.method,
                confidence=coverage.confidence,
            )
        if status:
            build.fact(ref, "status", status.source, note=status.text)
        if office.notes:
            build.fact(ref, "notes", SEED_SOURCE, office.notes["seed_phrase"], office.notes["text"])
        coverage_rows(office.slug, coverage, build)


def _office_cities(ref: Ref, office: Office, build: RowsBuilder) -> None:
    """The seed page names the city in French; a page may give it in another language."""
    pages = office.city_sources
    for language, city in office.city.items():
        if language == "fr":
            build.text(ref, "city", language, city, build.seed_url, seed_phrase=city)
        elif language in pages:
            build.text(ref, "city", language, city, pages[language].url, pages[language].quote)
        else:
            build.text(ref, "city", language, city, basis=CITY_BASIS)


def _date_columns(bound: str, fact: DateFact, build: RowsBuilder) -> dict[str, Any]:
    """The columns of one end of an office's period of validity (``valid_from_precision``...)."""
    return {
        bound: fact.value,
        f"{bound}_precision": fact.precision,
        f"{bound}_source_url": build.source_url(fact.source),
        f"{bound}_quote": fact.quote,
        f"{bound}_confidence": fact.confidence,
        f"{bound}_derivation": fact.derivation,
        f"{bound}_unknown": fact.unknown,
    }


def _attested_columns(fact: DateFact | None, build: RowsBuilder) -> dict[str, Any]:
    """The earliest day a page supports an office whose start no page dates; nulls if none."""
    columns = _date_columns("attested_from", fact or DateFact(value=None), build)
    del columns["attested_from_unknown"]
    return columns


def _link_rows(dataset: Dataset, build: RowsBuilder) -> None:
    for rank, link in enumerate(dataset.links, start=1):
        build.rows.of(OfficeInstitutionLink).append(
            {
                "slug": link.slug,
                "rank": rank,
                "office_id": ("office", link.office),
                "institution_id": ("institution", link.institution),
                "relationship_kind": link.relationship,
                "phrase_fr": link.phrase_fr,
                "governing_phrase_fr": link.governing_phrase_fr,
                "quote": link.quote,
                "quote_language": link.language if link.quote else None,
                "source_url": build.source_url(link.source) if link.source else build.seed_url,
            }
        )


def _note_rows(dataset: Dataset, build: RowsBuilder) -> None:
    for rank, note in enumerate(dataset.data_quality_notes, start=1):
        ref: Ref = (SubjectType.DATA_QUALITY_NOTE, note.slug)
        build.rows.of(DataQualityNote).append(
            {
                "slug": note.slug,
                "rank": rank,
                "severity": note.severity,
                "text": note.text,
                "seed_phrase": note.seed_phrase,
            }
        )
        for number, url in enumerate(note.sources, start=1):
            build.fact(ref, f"source {number}: {urlsplit(url).hostname}", url)
        for concern in note.concerns:
            subject_type, _, key = concern.partition(":")
            build.rows.note_subjects.append(
                {"note_id": ("data_quality_note", note.slug), "subject": (subject_type, key)}
            )


def search_terms(
    translations: list[dict[str, Any]], search_texts: list[dict[str, Any]]
) -> Iterator[tuple[str, int, str]]:
    """(subject type, subject id, folded term) for every searchable text, after id resolution."""
    for row in translations:
        if row["field"] in SEARCHABLE_FIELDS:
            yield row["subject_type"], row["subject_id"], fold(row["text"])
    for row in search_texts:
        yield row["subject_type"], row["subject_id"], fold(row["text"])
