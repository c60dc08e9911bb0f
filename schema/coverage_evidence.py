"""Per-country coverage evidence: which page says what about an office and a country."""

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.coverage_evidence import EvidenceRecord
from schema.context import Info
from schema.provenance import Confidence

if TYPE_CHECKING:
    from schema.regional_office import RegionalOffice

RegionalOfficeRef = Annotated["RegionalOffice", strawberry.lazy("schema.regional_office")]


@strawberry.enum(description="What a page says about an office and a country.")
class CoverageEvidenceKind(Enum):
    LISTS = strawberry.enum_value(
        "lists",
        description="The page names the country among the countries the office covers (its "
        "whole list or part of it).",
    )
    MENTIONS = strawberry.enum_value(
        "mentions",
        description="The page names the country in the office's work (a report, a programme, "
        "a consultation it serves) without saying that the office covers it.",
    )
    ASSIGNED_ELSEWHERE = strawberry.enum_value(
        "assigned_elsewhere",
        description="The page says another office covers the country (Guyana and Suriname: "
        "San José, not Buenos Aires).",
    )


@strawberry.type(
    description="One page's word on whether an office covers a country: what it says, its "
    "words when the reference quotes them, and how strongly it supports the coverage."
)
class CoverageEvidence:
    kind: CoverageEvidenceKind = strawberry.field(description="What the page says.")
    url: str = strawberry.field(description="The page.")
    quote: str | None = strawberry.field(
        description="The page's words, when the reference quotes them (null: not quoted)."
    )
    confidence: Confidence = strawberry.field(
        description="How strongly the page supports that the office covers the country: HIGH, "
        "an IOM page lists it; MEDIUM, derived from stated facts (a definition, an IOM page "
        "naming it in the office's work); LOW, weaker (a non-IOM page, a grouping that is no "
        "office assignment). A country is `coverageInferred` unless a HIGH item lists it."
    )
    note: str | None = strawberry.field(description="What the page is, and what it leaves out.")
    record: strawberry.Private[EvidenceRecord]
    as_of: strawberry.Private[date | None] = None

    @classmethod
    def from_record(cls, record: EvidenceRecord, as_of: date | None) -> "CoverageEvidence":
        return cls(
            kind=CoverageEvidenceKind(record.kind),
            url=record.source_url,
            quote=record.quote,
            confidence=Confidence(record.confidence),
            note=record.note,
            record=record,
            as_of=as_of,
        )

    @strawberry.field(
        description="The office the page speaks of (whatever the day: the evidence is about "
        "that office, in force or not)."
    )
    def office(self, info: Info) -> RegionalOfficeRef:
        from schema.regional_office import RegionalOffice

        record = info.context.loaders.office_by_id.found[self.record.office_id]
        return RegionalOffice.from_record(record, self.as_of)
