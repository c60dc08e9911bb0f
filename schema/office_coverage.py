"""Which countries a regional office supports, and how sure that list is: the coverage fields
of ``RegionalOffice``, apart so that the type reads in one screen."""

from datetime import date

import strawberry

from resolvers.edges import Edges
from resolvers.pagination import PageRequest
from resolvers.regional_office import OfficeRecord
from resolvers.validity import in_force
from schema.context import Info
from schema.country import Country
from schema.extensions.field_bounds import bounded
from schema.pagination import After, Before, Connection, First, Last, connection
from schema.provenance import Confidence
from schema.validity import AsOf, PartialDate, answer_day, valid_from, valid_until


@strawberry.type(description="Which countries an office supports, and how sure that list is.")
class Coverage:
    confidence: Confidence = strawberry.field(description="How well IOM's pages support the list.")
    source_url: str | None = strawberry.field(
        description="The IOM page the list (or count) comes from; null when none was found."
    )
    method: str = strawberry.field(description="How the list was established.")
    derived: bool = strawberry.field(
        description="True when no page states this office's list and it is derived from other "
        "offices' lists (the 2024 successors': the union of their predecessors')."
    )
    valid_from: PartialDate | None = strawberry.field(
        description="When the list began to hold: the office's `validFrom`. No page dates a "
        "change of an office's list within its life, so the list holds while the office does."
    )
    valid_until: PartialDate | None = strawberry.field(
        description="When the list stopped holding: the office's `validUntil`; null while open."
    )


@strawberry.type(description="The countries an office supports, and how sure that list is.")
class OfficeCoverage:
    record: strawberry.Private[OfficeRecord]
    as_of: strawberry.Private[date | None] = None

    @strawberry.field(
        description="How sure the list of supported countries is, and why; null for the "
        "liaison office, which supports no country (no page gives it a coverage)."
    )
    def coverage(self) -> Coverage | None:
        record = self.record
        if record.coverage_confidence is None or record.coverage_method is None:
            return None
        return Coverage(
            confidence=Confidence(record.coverage_confidence),
            source_url=record.coverage_source_url,
            method=record.coverage_method,
            derived=record.coverage_derived,
            valid_from=valid_from(record),
            valid_until=valid_until(record),
        )

    @strawberry.field(
        metadata=bounded(Edges.countries_by_office),
        description="The countries this office supports on the day asked for, by alpha-3 code: "
        "none on a day the office is not in force.",
    )
    def countries(
        self,
        info: Info,
        as_of: AsOf = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Country]:
        day = answer_day(info, as_of, self.as_of)
        records = info.context.loaders.countries_by_office.load(self.record.id)
        if in_force(self.record, day) is None:
            records = ()
        return connection(
            records,
            PageRequest(first, after, last, before, info.context.page_limits),
            lambda record: Country.from_record(record, day),
        )
