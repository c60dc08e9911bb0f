"""The coverage rows of one office: the countries it supports, whether each is inferred, and
the per-country evidence the reference gives."""

from db.entries import Coverage
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
        build.rows.coverage.append(
            {
                "country_id": ("country", code),
                "office_id": ("office", office_slug),
                "inferred": code not in stated,
            }
        )
    for rank, item in enumerate(coverage.evidence, start=1):
        for code in item.countries:
            build.rows.coverage_evidence.append(
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
