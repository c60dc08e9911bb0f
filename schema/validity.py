"""Time in the graph: partial dates of validity, succession edges between offices, and the
``Date`` scalar of ``asOf`` arguments."""

import re
from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, NewType

import strawberry

from resolvers.edges import Edges
from resolvers.errors import UserInputError
from resolvers.regional_office import OfficeRecord
from resolvers.succession import SuccessionRecord
from resolvers.validity import EARLIEST_AS_OF, check_as_of
from resolvers.validity import InForce as InForceState
from schema.context import Info
from schema.extensions.field_bounds import bounded
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
    f"{EARLIEST_AS_OF.isoformat()}); without it, the day the parent was asked for, else the "
    "request's default day: the day of its `Accept-Datetime` header (RFC 7089), else today "
    "(UTC). The response states the day it answered for in `extensions.asOf` (or the days, "
    "when fields answered for several, in `extensions.asOfDays`). A change known only to the "
    "year (the 2024 mergers) leaves every day of that year uncertain: offices that may or may "
    "not be in force then are all returned, each with `inForce` UNCERTAIN; a country's "
    "`regionalOffice` is then the successor. A start no page dates (`validFrom` null) does not "
    "bound an office, but no answer is more certain than its sources: before the earliest date "
    "a page supports it (`attestedFrom`: 1 July 2011 for six of the nine offices, 2024 for the "
    "Global Office in Brussels) it is returned with `inForce` UNCERTAIN, never CERTAIN."
)
AsOf = Annotated[
    Date | None,
    strawberry.argument(name="asOf", description=AS_OF_DESCRIPTION),
]


def answer_day(info: Info, given: date | None, inherited: date | None) -> date:
    """The day a field answers for: its own ``asOf``, its parent's, or the request's default
    day (``Accept-Datetime``, else today); recorded, as the response states every day used."""
    day = given or inherited or info.context.default_day
    info.context.days_used.add(day)
    return day


@strawberry.enum(description="Whether an office is in force on the day asked for.")
class InForce(Enum):
    CERTAIN = strawberry.enum_value(
        InForceState.CERTAIN.value, description="Surely in force that day."
    )
    UNCERTAIN = strawberry.enum_value(
        InForceState.UNCERTAIN.value,
        description="Maybe: the day falls in the year (or month) of a start or end known only "
        "to the year (or month), or before the earliest date a page supports an office whose "
        "start no page dates (`attestedFrom`).",
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
    TOOK_OVER_FUNCTION = strawberry.enum_value(
        "took_over_function",
        description="The successor took over one function of the predecessor, not its region "
        "(the Global Office in Brussels, Brussels' liaison with the EU institutions). No date "
        "ties the two: the predecessor ended by another change. See `derivation`.",
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


def attested_from(record: OfficeRecord) -> PartialDate | None:
    return _date(record, "attested_from")


@strawberry.type(
    description="One office following another, seen from one end: `node` is the other office."
)
class SuccessionEdge:
    kind: SuccessionKind = strawberry.field(description="How the successor followed.")
    source_url: str = strawberry.field(description="The page that states the change.")
    quote: str = strawberry.field(description="The phrase of that page that states it.")
    confidence: Confidence = strawberry.field(description="How well the page supports it.")
    derivation: str | None = strawberry.field(
        description="How the change follows from the quote when the quote does not state it in "
        "words (TOOK_OVER_FUNCTION); null when it does."
    )
    record: strawberry.Private[SuccessionRecord]

    @classmethod
    def from_record(cls, record: SuccessionRecord) -> "SuccessionEdge":
        return cls(
            kind=SuccessionKind(record.kind),
            source_url=record.source_url,
            quote=record.quote,
            confidence=Confidence(record.confidence),
            derivation=record.derivation,
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
    derivation: str | None = strawberry.field(
        description="How the change follows from the quote when the quote does not state it in "
        "words; null when it does."
    )


@strawberry.type(
    description="A change of the structure: offices that ended and the office that began in "
    "their place (the 2024 mergers), or an office that took over a function of another, dated "
    "as precisely as a page states it."
)
class StructureChange:
    kind: SuccessionKind = strawberry.field(
        description="What changed: a merger (the offices in `ended` ended), or a function taken "
        "over (the office in `ended` lost that function and ended by another change)."
    )
    date: PartialDate | None = strawberry.field(
        description="When it happened: the successor's `validFrom` (2024, precision YEAR); null "
        "when no page dates it (the Global Office in Brussels)."
    )
    sources: list[ChangeSource] = strawberry.field(
        description="The pages that state it.", metadata=bounded(Edges.predecessors_by_office)
    )
    began_record: strawberry.Private[OfficeRecord]
    ended_records: strawberry.Private[list[OfficeRecord]]

    @strawberry.field(description="The office that began.")
    def began(self) -> RegionalOfficeRef:
        from schema.regional_office import RegionalOffice

        return RegionalOffice.from_record(self.began_record)

    @strawberry.field(
        metadata=bounded(Edges.predecessors_by_office),
        description="The offices that ended, in the seed page's order.",
    )
    def ended(self) -> list[RegionalOfficeRef]:
        from schema.regional_office import RegionalOffice

        return [RegionalOffice.from_record(record) for record in self.ended_records]


def structure_changes(
    offices: Sequence[OfficeRecord],
    predecessors: Sequence[Sequence[SuccessionRecord]],
    year: int | None,
) -> list[StructureChange]:
    """One change per office that followed others; ``predecessors`` pairs with ``offices``."""
    changes = []
    for office, edges in zip(offices, predecessors, strict=True):
        if year is not None and not (office.valid_from or "").startswith(f"{year}"):
            continue
        for kind in dict.fromkeys(edge.kind for edge in edges):
            of_kind = [edge for edge in edges if edge.kind == kind]
            changes.append(
                StructureChange(
                    kind=SuccessionKind(kind),
                    date=valid_from(office),
                    sources=_change_sources(of_kind),
                    began_record=office,
                    ended_records=[edge.office for edge in of_kind],
                )
            )
    return changes


def _change_sources(edges: Sequence[SuccessionRecord]) -> list[ChangeSource]:
    """The distinct pages and phrases of one change's edges, in order."""
    sources: dict[tuple[str, str], ChangeSource] = {}
    for edge in edges:
        sources.setdefault(
            (edge.source_url, edge.quote),
            ChangeSource(
                url=edge.source_url,
                quote=edge.quote,
                confidence=Confidence(edge.confidence),
                derivation=edge.derivation,
            ),
        )
    return list(sources.values())
