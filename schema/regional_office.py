"""The RegionalOffice type: the hub of the graph (countries, institutions, host, organisation)."""

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from db.vocabulary import SubjectType
from resolvers.edges import Edges
from resolvers.pagination import PageRequest
from resolvers.regional_office import OfficeRecord
from schema.context import Info
from schema.country import Country
from schema.entity import KeyedNode
from schema.enum_members import member_of
from schema.extensions.field_bounds import bounded
from schema.language import LangArgument, localized, required_text
from schema.link import LinkConnection, RelationshipArgument, link_connection
from schema.office_coverage import OfficeCoverage
from schema.office_period import OfficePeriod
from schema.pagination import After, Before, First, Last
from schema.provenance import Sourced

if TYPE_CHECKING:
    from schema.institution import Institution
    from schema.organisation import Organisation

InstitutionRef = Annotated["Institution", strawberry.lazy("schema.institution")]
OrganisationRef = Annotated["Organisation", strawberry.lazy("schema.organisation")]


@strawberry.type(description="What has changed for an office since the seed page was written.")
class OfficeStatus:
    text: str = strawberry.field(description="The change (e.g. the 2024 reorganisation).")
    source_url: str = strawberry.field(description="The page that states it.")


@strawberry.enum(description="What sort of office an office is.")
class OfficeKind(Enum):
    REGIONAL_OFFICE = strawberry.enum_value(
        "regional_office", description="A regional office, supporting the countries of a region."
    )
    LIAISON_OFFICE = strawberry.enum_value(
        "liaison_office",
        description="An office with a global function and no region (the Global Office in "
        "Brussels, IOM's liaison with the EU institutions): it supports no country, and the "
        "lists of regional offices leave it out.",
    )


# The resolvers of the office's relations, its fields at the end of the class,
# called like methods: the object comes first, as ``self`` (strawberry passes it so).


def _host_country(self: "RegionalOffice", info: Info) -> Country:
    return Country.from_record(
        info.context.loaders.country_by_id.found[self.record.host_country_id]
    )


def _organisation(self: "RegionalOffice", info: Info) -> OrganisationRef:
    from schema.organisation import Organisation

    record = info.context.loaders.organisation_by_id.found[self.record.organisation_id]
    return Organisation.from_record(record)


def _status(self: "RegionalOffice") -> OfficeStatus | None:
    record = self.record
    if record.status_note is None or record.status_note_source_url is None:
        return None
    return OfficeStatus(text=record.status_note, source_url=record.status_note_source_url)


def _institutions(
    self: "RegionalOffice",
    info: Info,
    relationship: RelationshipArgument = None,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> LinkConnection[InstitutionRef]:
    from schema.institution import Institution

    return link_connection(
        info.context.loaders.links_by_office.load(self.record.id),
        relationship,
        PageRequest(first, after, last, before, info.context.page_limits),
        lambda link: Institution.from_record(link.institution),  # type: ignore[arg-type]
    )


@strawberry.federation.type(
    keys=["slug"],
    description="An office of IOM: the nine regional offices the seed page describes (2011 to "
    "2024), the two that replaced four of them in 2024, and the Global Office in Brussels "
    "(`kind` LIAISON_OFFICE), each with its period of validity.",
)
class RegionalOffice(Sourced, KeyedNode, OfficeCoverage, OfficePeriod):
    subject_type: ClassVar[SubjectType] = SubjectType.OFFICE
    key_edge = Edges.office_by_slug
    id_edge = Edges.office_by_id
    slug: str = strawberry.field(description="Natural key, e.g. `nairobi`.")
    seed_heading: str | None = strawberry.field(
        description="The office's heading on the seed page, e.g. `Nairobi (Kenya)`; null for "
        "an office the page does not describe (the 2024 successors)."
    )
    record: strawberry.Private[OfficeRecord]
    # ``as_of`` (the day the office was reached for) comes with OfficePeriod.

    @classmethod
    def from_record(cls, record: OfficeRecord, as_of: date | None = None) -> "RegionalOffice":
        return cls(slug=record.slug, seed_heading=record.seed_heading, record=record, as_of=as_of)

    @strawberry.field(description="Regional office, or the liaison office (no region).")
    def kind(self) -> OfficeKind:
        return member_of(OfficeKind, self.record.kind)

    @strawberry.field(description="Name of the office, e.g. `Bureau régional de Nairobi`.")
    def name(self, info: Info, lang: LangArgument = None) -> str:
        return required_text(self.record.texts, "name", lang, info)

    @strawberry.field(
        description="City the office is in, e.g. `Le Caire` in French; null when no page names "
        'it (the Americas office is "based in Panama", no city stated).'
    )
    def city(self, info: Info, lang: LangArgument = None) -> str | None:
        return localized(self.record.texts, "city", lang, info)

    @strawberry.field(
        description="Where the pages say the office is based when they name no city (the "
        "Americas office: `Panama`, `Panamá`); null otherwise."
    )
    def location(self, info: Info, lang: LangArgument = None) -> str | None:
        return localized(self.record.texts, "location", lang, info)

    @strawberry.field(
        description="The region the office covers, as a label usable on its own (the French "
        "label drops the seed phrase's preposition: `Moyen-Orient et Afrique du Nord`); null "
        "when no page words it apart from the office's name."
    )
    def region(self, info: Info, lang: LangArgument = None) -> str | None:
        return localized(self.record.texts, "region", lang, info)

    @strawberry.field(
        description="The region exactly as the seed page's phrase words it, preposition "
        "included (French only: `du Moyen-Orient et d’Afrique du Nord`); null for an office "
        "the seed does not describe."
    )
    def region_seed_phrase(self) -> str | None:
        return self.record.texts.get("region_seed_phrase", {}).get("fr")

    @strawberry.field(
        description="Position of the office: the seed page's order (1 to 9), then the 2024 "
        "successors (10, 11), then the Global Office in Brussels (12)."
    )
    def rank(self) -> int:
        return self.record.rank

    host_country = strawberry.field(
        resolver=_host_country, description="The country the office is located in."
    )
    organisation = strawberry.field(
        resolver=_organisation, description="The organisation the office belongs to."
    )
    status = strawberry.field(
        resolver=_status,
        description="Change since the seed page (2024 reorganisation); else null.",
    )

    @strawberry.field(description="A note on the seed page's text about this office, if any.")
    def notes(self) -> str | None:
        return self.record.notes

    institutions = strawberry.field(
        resolver=_institutions,
        metadata=bounded(Edges.links_by_office),
        description="The institutions the office works with: one edge per relationship the seed "
        "page states, in the page's order.",
    )
