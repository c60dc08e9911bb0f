"""When a regional office is in force, and the offices before and after it: the fields of
``RegionalOffice`` about time, apart so that the type reads in one screen."""

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.bounds import PREDECESSOR_LINKS_PER_OFFICE
from resolvers.edges import Edges
from resolvers.link import LinkRecord
from resolvers.regional_office import OfficeRecord
from resolvers.validity import in_force
from schema.context import Info
from schema.extensions.field_bounds import bounded
from schema.link import Evidence, RelationshipKind, evidence_of, relationship_of
from schema.validity import (
    AsOf,
    InForce,
    PartialDate,
    SuccessionEdge,
    answer_day,
    attested_from,
    valid_from,
    valid_until,
)

if TYPE_CHECKING:
    from schema.institution import Institution
    from schema.regional_office import RegionalOffice

RegionalOfficeRef = Annotated["RegionalOffice", strawberry.lazy("schema.regional_office")]
InstitutionRef = Annotated["Institution", strawberry.lazy("schema.institution")]


@strawberry.type(
    description="A relationship the seed page states for an office this one followed (2011 to "
    "2024): the predecessor, the institution, the kind and the page's words."
)
class PredecessorLink:
    link: strawberry.Private[LinkRecord]
    predecessor: strawberry.Private[OfficeRecord]

    @strawberry.field(description="The office the relationship was stated for.")
    def office(self) -> RegionalOfficeRef:
        from schema.regional_office import RegionalOffice

        return RegionalOffice.from_record(self.predecessor)

    @strawberry.field(description="The institution at the other end.")
    def institution(self) -> InstitutionRef:
        from schema.institution import Institution

        return Institution.from_record(self.link.institution)  # type: ignore[arg-type]

    @strawberry.field(description="What the predecessor does with the institution.")
    def relationship(self) -> RelationshipKind:
        return relationship_of(self.link)

    @strawberry.field(description="The words of the seed page that state it.")
    def evidence(self) -> Evidence:
        return evidence_of(self.link)


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
        description="Only when no page dates the start (`validFrom` null): the earliest date a "
        "page supports the office existing (1 July 2011 for six of the nine offices, the "
        "structure's date; 2024 for the Global Office in Brussels), with its page, quote, "
        "confidence and derivation. Before it `inForce` is at most UNCERTAIN; null when "
        "`validFrom` is known or no page supports any date."
    )
    def attested_from(self) -> PartialDate | None:
        return attested_from(self.record)

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
        metadata=bounded(Edges.predecessors_by_office),
        description="The offices this one followed (Vienna and Brussels for Europe and Central "
        "Asia), each edge with the kind of change, its page, quote and confidence.",
    )
    def predecessors(self, info: Info) -> list[SuccessionEdge]:
        edges = info.context.loaders.predecessors_by_office.load(self.record.id)
        return [SuccessionEdge.from_record(edge) for edge in edges]

    @strawberry.field(
        metadata=bounded(Edges.successors_by_office),
        description="The offices that followed this one (the Americas office for Buenos Aires), "
        "each edge with the kind of change, its page, quote and confidence.",
    )
    def successors(self, info: Info) -> list[SuccessionEdge]:
        edges = info.context.loaders.successors_by_office.load(self.record.id)
        return [SuccessionEdge.from_record(edge) for edge in edges]

    @strawberry.field(
        metadata=bounded(PREDECESSOR_LINKS_PER_OFFICE),
        description="In one step, the institution links of the offices this one followed, "
        "predecessor by predecessor, each in the seed page's order: the 2024 offices have no "
        "links of their own (no page lists their partners; see `dataQualityNotes`). Empty for "
        "an office that followed none.",
    )
    def predecessor_institutions(self, info: Info) -> list[PredecessorLink]:
        loaders = info.context.loaders
        return [
            PredecessorLink(link=link, predecessor=edge.office)
            for edge in loaders.predecessors_by_office.load(self.record.id)
            for link in loaders.links_by_office.load(edge.office.id)
        ]
