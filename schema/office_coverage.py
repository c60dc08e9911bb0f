"""Which countries a regional office supports, and how sure that list is: the coverage fields
of ``RegionalOffice``, apart so that the type reads in one screen."""

from datetime import date

import strawberry

from resolvers.pagination import PageRequest
from resolvers.regional_office import OfficeRecord
from resolvers.validity import in_force
from schema.context import Info
from schema.country import Country
from schema.pagination import After, Before, Connection, First, Last, connection
from schema.provenance import Confidence
from schema.validity import AsOf, answer_day


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


@strawberry.type(description="The countries an office supports, and how sure that list is.")
class OfficeCoverage:
    record: strawberry.Private[OfficeRecord]
    as_of: strawberry.Private[date | None] = None

    @strawberry.field(description="How sure the list of supported countries is, and why.")
    def coverage(self) -> Coverage:
        return Coverage(
            confidence=Confidence(self.record.coverage_confidence),
            source_url=self.record.coverage_source_url,
            method=self.record.coverage_method,
            derived=self.record.coverage_derived,
        )

    @strawberry.field(
        description="The countries this office supports on the day asked for, by alpha-3 code: "
        "none on a day the office is not in force."
    )
    async def countries(
        self,
        info: Info,
        as_of: AsOf = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Country]:
        day = answer_day(info, as_of, self.as_of)
        records = await info.context.loaders.countries_by_office.load(self.record.id)
        if in_force(self.record, day) is None:
            records = []
        return connection(
            records,
            PageRequest(first, after, last, before, info.context.page_limits),
            lambda record: Country.from_record(record, day),
        )
