"""When a regional office is in force, and the offices before and after it: the fields of
``RegionalOffice`` about time, apart so that the type reads in one screen."""

from datetime import date

import strawberry

from resolvers.regional_office import OfficeRecord
from resolvers.validity import in_force
from schema.context import Info
from schema.validity import (
    AsOf,
    InForce,
    PartialDate,
    SuccessionEdge,
    answer_day,
    valid_from,
    valid_until,
)


@strawberry.type(description="The period of validity of an office and its successions.")
class OfficePeriod:
    record: strawberry.Private[OfficeRecord]
    # The day the office was reached for (a parent's asOf); None: the request's today.
    as_of: strawberry.Private[date | None] = None

    @strawberry.field(
        description="Whether the office is in force on the day asked for (see `asOf`)."
    )
    def in_force(self, info: Info, as_of: AsOf = None) -> InForce:
        state = in_force(self.record, answer_day(info, as_of, self.as_of))
        return InForce.NO if state is None else InForce(state.value)

    @strawberry.field(
        description="When the office began, as precisely as a page states it; null when no "
        "page dates it (`validFromUnknown` says why)."
    )
    def valid_from(self) -> PartialDate | None:
        return valid_from(self.record)

    @strawberry.field(description="Why `validFrom` is null; null when it is known.")
    def valid_from_unknown(self) -> str | None:
        return self.record.valid_from_unknown

    @strawberry.field(
        description="When the office ended, as precisely as a page states it; null while it is "
        "open or when no page dates its end (`validUntilUnknown` says which)."
    )
    def valid_until(self) -> PartialDate | None:
        return valid_until(self.record)

    @strawberry.field(description="Why `validUntil` is null; null when it is known.")
    def valid_until_unknown(self) -> str | None:
        return self.record.valid_until_unknown

    @strawberry.field(
        description="The offices this one followed (Vienna and Brussels for Europe and Central "
        "Asia), each edge with the kind of change, its page, quote and confidence."
    )
    def predecessors(self, info: Info) -> list[SuccessionEdge]:
        edges = info.context.loaders.predecessors_by_office.load(self.record.id)
        return [SuccessionEdge.from_record(edge) for edge in edges]

    @strawberry.field(
        description="The offices that followed this one (the Americas office for Buenos Aires), "
        "each edge with the kind of change, its page, quote and confidence."
    )
    def successors(self, info: Info) -> list[SuccessionEdge]:
        edges = info.context.loaders.successors_by_office.load(self.record.id)
        return [SuccessionEdge.from_record(edge) for edge in edges]
