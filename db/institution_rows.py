"""The rows of the institutions: each with its texts, and a source for every fact served about
it (kind, parent, acronyms, aliases), editorial where no page states it."""

import re

from db.entries import SEED_SOURCE, Dataset, Institution
from db.models import Institution as InstitutionTable
from db.row_builder import Ref, RowsBuilder
from db.vocabulary import ConfidenceLevel, InstitutionKindSlug, SourceKind, SubjectType

KIND_NOTE = (
    "Editorial classification: the dataset's editors sorted each body into one of the "
    "institution kinds; no page classifies it."
)
ACRONYM_BASIS = (
    "Editorial: the acronym in common use; the seed page does not give it and no stored page "
    "was checked for it."
)


UN_ENTITY_SEARCH_TERMS = ("United Nations", "Nations Unies", "Naciones Unidas")


def institution_rows(dataset: Dataset, build: RowsBuilder) -> None:
    for institution in dataset.institutions:
        ref: Ref = (SubjectType.INSTITUTION, institution.slug)
        build.rows.of(InstitutionTable).append(
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
        build.sourced_texts(ref, "name", institution.names)
        _acronyms(ref, institution, build)
        build.fact(ref, "kind", None, note=KIND_NOTE)
        if institution.kind == InstitutionKindSlug.UN_ENTITY:
            # Many UN bodies' names do not say so (ESCWA: "Commission économique et sociale pour
            # l'Asie occidentale", "ONU-Habitat"): search finds them by their kind, in each
            # language. Editorial, like the kind itself; the match's `term` shows it.
            for label in UN_ENTITY_SEARCH_TERMS:
                build.searchable(ref, label)
        _parent(ref, institution, build)
        _institution_extras(ref, institution, build)
        _aliases(ref, institution, build)


def in_seed_as_word(seed_text: str, text: str) -> bool:
    """Whether ``text`` stands on its own in the seed page (``UA`` is not found in ``UAE``)."""
    return re.search(rf"(?<!\w){re.escape(text)}(?!\w)", seed_text) is not None


def _acronyms(ref: Ref, institution: Institution, build: RowsBuilder) -> None:
    """An acronym the seed page uses is sourced to it; any other is editorial (low)."""
    pages = {"fr": (institution.model_extra or {}).get("french_acronym_source")}
    for language, acronym in institution.acronyms.items():
        if pages.get(language):
            build.text(ref, "acronym", language, acronym, pages[language])
        elif in_seed_as_word(build.seed_text, acronym):
            build.text(ref, "acronym", language, acronym, build.seed_url, seed_phrase=acronym)
        else:
            build.text(ref, "acronym", language, acronym, basis=ACRONYM_BASIS)
    if institution.acronym_in_seed:
        seed_acronym = institution.acronym_in_seed
        build.fact(ref, "acronym_in_seed", SEED_SOURCE, seed_acronym)


def _parent(ref: Ref, institution: Institution, build: RowsBuilder) -> None:
    """The body it belongs to: the seed's phrase when it says so ("son Bureau..."), else
    an editorial placement with the reason."""
    if not institution.parent:
        return
    if institution.parent_seed_phrase:
        build.fact(ref, "parent", SEED_SOURCE, institution.parent_seed_phrase)
        return
    note = institution.parent_note or (
        f"Editorial: placed under {institution.parent!r}, which the seed names beside it; "
        "the seed does not state the tie in words."
    )
    build.fact(ref, "parent", None, note=note)


def _aliases(ref: Ref, institution: Institution, build: RowsBuilder) -> None:
    """Current and former acronyms the reference holds (OACPS, AUDA-NEPAD, OFID): found by
    acronym and by search."""
    extra = institution.model_extra or {}
    if institution.current_name:
        current = institution.current_name
        basis = f"current acronym since {current.since}"
        build.text(ref, "current_acronym", "en", current.acronym, current.source, basis)
    if extra.get("also_known_as"):
        basis = "Editorial: another name in common use, as the reference records it."
        build.text(ref, "other_name", "en", extra["also_known_as"], basis=basis)
    former = extra.get("former_acronym")
    if former:
        # The one source is not an IOM page (an encyclopaedia): low.
        build.text(
            ref,
            "former_acronym",
            "en",
            former["value"],
            former["source"],
            former.get("note") or "former acronym",
            confidence=ConfidenceLevel.LOW,
        )


def _institution_extras(ref: Ref, institution: Institution, build: RowsBuilder) -> None:
    """Texts and facts from an institution's optional keys (current name, co-chairs...)."""
    extra = institution.model_extra or {}
    short_name = extra.get("short_name_en")
    if short_name:
        build.text(ref, "short_name", "en", short_name["value"], source_url=short_name["source"])
    if institution.current_name:
        current = institution.current_name
        basis = f"{current.en} ({current.acronym}) since {current.since}"
        build.text(ref, "current_name", "en", current.en, current.source, basis)
    for external in institution.external_facts:
        build.fact(ref, external.title, external.source, note=external.fact)
    if extra.get("status"):
        build.fact(ref, "status", extra["status"]["source"], note=extra["status"].get("text"))
    if extra.get("co_chairs"):
        build.fact(
            ref,
            "co_chairs",
            extra["co_chairs"]["source"],
            note="seed: "
            + ", ".join(extra["co_chairs"]["per_seed"])
            + "; source page: "
            + ", ".join(extra["co_chairs"]["per_escwa_page"]),
            kind=SourceKind.PAGE,
        )
