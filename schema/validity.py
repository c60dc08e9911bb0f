"""Time in the graph: partial dates of validity, succession edges between offices, and the
``Date`` scalar of ``asOf`` arguments."""

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.regional_office import OfficeRecord
from resolvers.succession import SuccessionRecord
from schema.provenance import Confidence

if TYPE_CHECKING:
    from schema.regional_office import RegionalOffice

RegionalOfficeRef = Annotated["RegionalOffice", strawberry.lazy("schema.regional_office")]


@strawberry.enum(description="How much of a date its source states.")
class DatePrecision(Enum):
    YEAR = strawberry.enum_value(
        "year", description="Only the year (`2024`): any day of that year."
    )
    MONTH = strawberry.enum_value(
        "month", description="The year and month (`2011-09`): any day of that month."
    )
    DAY = strawberry.enum_value("day", description="The day itself (`2011-07-01`).")


@strawberry.enum(description="How an office came to follow another.")
class SuccessionKind(Enum):
    MERGED_INTO = strawberry.enum_value(
        "merged_into",
        description="The predecessor merged with others into the successor (the 2024 mergers).",
    )


@strawberry.type(
    description="A date as its source states it, no more precise: `2024` with precision YEAR "
    "is some day of 2024, not 1 January."
)
class PartialDate:
    value: str = strawberry.field(
        description="An ISO 8601 prefix at `precision`: `2024`, `2011-09` or `2011-07-01`."
    )
    precision: DatePrecision = strawberry.field(description="How much of the date is known.")
    source_url: str = strawberry.field(description="The page that states the date.")
    quote: str = strawberry.field(description="The phrase of that page that states it.")
    confidence: Confidence = strawberry.field(
        description="HIGH when the page states the date of this office; MEDIUM when it is "
        "derived (see `derivation`)."
    )
    derivation: str | None = strawberry.field(
        description="How the date was derived from what the page states; null when stated."
    )


def _date(record: OfficeRecord, bound: str) -> PartialDate | None:
    value = getattr(record, bound)
    if value is None:
        return None
    return PartialDate(
        value=value,
        precision=DatePrecision(getattr(record, f"{bound}_precision")),
        source_url=getattr(record, f"{bound}_source_url"),
        quote=getattr(record, f"{bound}_quote"),
        confidence=Confidence(getattr(record, f"{bound}_confidence")),
        derivation=getattr(record, f"{bound}_derivation"),
    )


def valid_from(record: OfficeRecord) -> PartialDate | None:
    return _date(record, "valid_from")


def valid_until(record: OfficeRecord) -> PartialDate | None:
    return _date(record, "valid_until")


@strawberry.type(
    description="One office following another, seen from one end: `node` is the other office."
)
class SuccessionEdge:
    kind: SuccessionKind = strawberry.field(description="How the successor followed.")
    source_url: str = strawberry.field(description="The page that states the change.")
    quote: str = strawberry.field(description="The phrase of that page that states it.")
    confidence: Confidence = strawberry.field(description="How well the page supports it.")
    record: strawberry.Private[SuccessionRecord]

    @classmethod
    def from_record(cls, record: SuccessionRecord) -> "SuccessionEdge":
        return cls(
            kind=SuccessionKind(record.kind),
            source_url=record.source_url,
            quote=record.quote,
            confidence=Confidence(record.confidence),
            record=record,
        )

    @strawberry.field(description="The office at the other end of the change.")
    def node(self) -> RegionalOfficeRef:
        from schema.regional_office import RegionalOffice

        return RegionalOffice.from_record(self.record.office)
