"""The rows of ``db.evidence`` and of coverage: the countries an office supports, whether each
is inferred, the per-country evidence the reference gives; the organisation's statements."""

from db.entries import Coverage, Dataset
from db.evidence import CoverageEvidence, OrganisationStatement
from db.models import OfficeCountry
from db.row_builder import RowsBuilder
from db.vocabulary import ConfidenceLevel, CoverageEvidenceKind


def stated_countries(coverage: Coverage) -> set[str]:
    """The countries an IOM page states in this office's list: those an evidence item of
    confidence high lists. Every other country of the list is inferred (derived, counted,
    or named only by weaker pages)."""
    return {
        code
        for item in coverage.evidence
        if item.kind == CoverageEvidenceKind.LISTS and item.confidence == ConfidenceLevel.HIGH
        for code in item.countries
    }


def coverage_rows(office_slug: str, coverage: Coverage | None, build: RowsBuilder) -> None:
    if coverage is None:
        return
    stated = stated_countries(coverage)
    for code in coverage.countries:
        build.rows.of(OfficeCountry).append(
            {
                "country_id": ("country", code),
                "office_id": ("office", office_slug),
                "inferred": code not in stated,
            }
        )
    for rank, item in enumerate(coverage.evidence, start=1):
        for code in item.countries:
            build.rows.of(CoverageEvidence).append(
                {
                    "office_id": ("office", office_slug),
                    "country_id": ("country", code),
                    "rank": rank,
                    "kind": item.kind,
                    "source_url": build.source_url(item.source),
                    "quote": item.quote,
                    "confidence": item.confidence,
                    "note": item.note,
                }
            )


def statement_rows(dataset: Dataset, build: RowsBuilder) -> None:
    org = dataset.organisation
    for rank, statement in enumerate(org.statements, start=1):
        build.rows.of(OrganisationStatement).append(
            {
                "slug": statement.slug,
                "rank": rank,
                "organisation_id": ("organisation", org.slug),
                "institution_id": ("institution", statement.institution),
                "relationship_kind": statement.relationship,
                "phrase_fr": statement.phrase_fr,
                "source_url": build.seed_url,
            }
        )
