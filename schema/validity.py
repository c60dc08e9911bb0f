"""Time in the graph: partial dates of validity, succession edges between offices, and the
``Date`` scalar of ``asOf`` arguments."""

import re
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, NewType

import strawberry

from resolvers.errors import UserInputError
from resolvers.regional_office import OfficeRecord
from resolvers.succession import SuccessionRecord
from resolvers.validity import EARLIEST_AS_OF, check_as_of
from resolvers.validity import InForce as InForceState
from schema.context import Info
from schema.provenance import Confidence

if TYPE_CHECKING:
    from schema.regional_office import RegionalOffice

RegionalOfficeRef = Annotated["RegionalOffice", strawberry.lazy("schema.regional_office")]


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_day(value: object) -> date:
    """An ``asOf`` value: a calendar day ``YYYY-MM-DD`` from 1951 on; else BAD_USER_INPUT."""
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        shown = repr(value) if len(repr(value)) <= 20 else "the value"
        raise UserInputError(f"`asOf`: {shown} is not a date (YYYY-MM-DD)", "asOf")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UserInputError(f"`asOf`: {value!r} is not a date (YYYY-MM-DD)", "asOf") from None
    return check_as_of(day)


Date = NewType("Date", date)
DATE_SCALAR = strawberry.scalar(  # mapped to ``Date`` in ``schema.build`` (scalar_map)
    name="Date",
    description="A calendar day, ISO 8601 `YYYY-MM-DD` (e.g. `2025-06-01`).",
    serialize=lambda day: day.isoformat(),
    parse_value=_parse_day,
)

AS_OF_DESCRIPTION = (
    "The day to answer for (from "
    f"{EARLIEST_AS_OF.isoformat()}); without it, the day the parent was asked for, else today "
    "(UTC, stated in the response's `extensions.asOf`). A change known only to the year (the "
    "2024 mergers) leaves every day of that year uncertain: offices that may or may not be in "
    "force then are all returned, each with `inForce` UNCERTAIN; a country's `regionalOffice` "
    "is then the successor. A start no page dates (`validFrom` null) does not bound an office: "
    "it counts as in force before its end."
)
AsOf = Annotated[
    Date | None,
    strawberry.argument(name="asOf", description=AS_OF_DESCRIPTION),
]


def answer_day(info: Info, given: date | None, inherited: date | None) -> date:
    """The day a field answers for: its own ``asOf``, its parent's, or the request's today."""
    return given or inherited or info.context.today


@strawberry.enum(description="Whether an office is in force on the day asked for.")
class InForce(Enum):
    CERTAIN = strawberry.enum_value(
        InForceState.CERTAIN.value, description="Surely in force that day."
    )
    UNCERTAIN = strawberry.enum_value(
        InForceState.UNCERTAIN.value,
        description="Maybe: the day falls in the year (or month) of a start or end known only "
        "to the year (or month).",
    )
    NO = strawberry.enum_value("no", description="Not in force that day (ended, or not begun).")


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


@strawberry.type(description="A page's words stating a change of structure.")
class ChangeSource:
    url: str = strawberry.field(description="The page.")
    quote: str = strawberry.field(description="The phrase of the page that states the change.")
    confidence: Confidence = strawberry.field(description="How well the page supports it.")


@strawberry.type(
    description="A change of the structure: offices that ended and the office that began in "
    "their place (the 2024 mergers), dated as precisely as a page states it."
)
class StructureChange:
    date: PartialDate | None = strawberry.field(
        description="When it happened: the successor's `validFrom` (2024, precision YEAR)."
    )
    sources: list[ChangeSource] = strawberry.field(description="The pages that state it.")
    began_record: strawberry.Private[OfficeRecord]
    ended_records: strawberry.Private[list[OfficeRecord]]

    @strawberry.field(description="The office that began.")
    def began(self) -> RegionalOfficeRef:
        from schema.regional_office import RegionalOffice

        return RegionalOffice.from_record(self.began_record)

    @strawberry.field(description="The offices that ended, in the seed page's order.")
    def ended(self) -> list[RegionalOfficeRef]:
        from schema.regional_office import RegionalOffice

        return [RegionalOffice.from_record(record) for record in self.ended_records]


def structure_changes(
    offices: list[OfficeRecord], predecessors: list[list[SuccessionRecord]], year: int | None
) -> list[StructureChange]:
    """One change per office that followed others; ``predecessors`` pairs with ``offices``."""
    changes = []
    for office, edges in zip(offices, predecessors, strict=True):
        if not edges or (year is not None and not (office.valid_from or "").startswith(f"{year}")):
            continue
        sources: dict[tuple[str, str], ChangeSource] = {}
        for edge in edges:
            sources.setdefault(
                (edge.source_url, edge.quote),
                ChangeSource(
                    url=edge.source_url, quote=edge.quote, confidence=Confidence(edge.confidence)
                ),
            )
        changes.append(
            StructureChange(
                date=valid_from(office),
                sources=list(sources.values()),
                began_record=office,
                ended_records=[edge.office for edge in edges],
            )
        )
    return changes
