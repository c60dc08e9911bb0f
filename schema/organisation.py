"""The Organisation type: IOM itself, its figures, headquarters, leadership and offices."""

from typing import Annotated, Any, ClassVar

import strawberry

from db.vocabulary import SubjectType
from resolvers.bounds import REGIONAL_OFFICES_PER_ORGANISATION, STRUCTURE_CHANGES
from resolvers.edges import Edges
from resolvers.organisation import OrganisationRecord
from resolvers.pagination import PageRequest
from resolvers.regional_office import regional_only
from resolvers.validity import offices_in_force
from schema.context import Info
from schema.country import Country
from schema.entity import KeyedNode
from schema.extensions.field_bounds import bounded
from schema.language import LangArgument, localized, required_text
from schema.leadership import LeadershipPosition
from schema.pagination import After, Before, Connection, First, Last, connection
from schema.provenance import Sourced
from schema.regional_office import RegionalOffice
from schema.statement import OrganisationStatement
from schema.validity import AsOf, StructureChange, answer_day, structure_changes


@strawberry.type(description="Where the organisation's headquarters are.")
class Headquarters:
    country_id: strawberry.Private[int]
    texts: strawberry.Private[Any]

    @strawberry.field(description="The city (Geneva).")
    def city(self, info: Info, lang: LangArgument = None) -> str | None:
        return localized(self.texts, "headquarters_city", lang, info)

    @strawberry.field(description="The country (Switzerland).")
    def country(self, info: Info) -> Country:
        return Country.from_record(info.context.loaders.country_by_id.found[self.country_id])


def _regional_offices(
    self: "Organisation",
    info: Info,
    as_of: AsOf = None,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> Connection[RegionalOffice]:
    records = info.context.loaders.offices_by_organisation.load(self.record.id)
    day = answer_day(info, as_of, None)
    return connection(
        offices_in_force(regional_only(records), day),
        PageRequest(first, after, last, before, info.context.page_limits),
        lambda record: RegionalOffice.from_record(record, day),
    )


@strawberry.type(description="The International Organization for Migration (IOM / OIM).")
class Organisation(Sourced, KeyedNode):
    subject_type: ClassVar[SubjectType] = SubjectType.ORGANISATION
    key_edge = Edges.organisation_by_slug
    id_edge = Edges.organisation_by_id
    slug: str = strawberry.field(description="Natural key: `iom`.")
    founded_year: int = strawberry.field(description="Year founded (seed: « depuis 1951 »).")
    member_states: int = strawberry.field(description="Member states (seed: 175).")
    countries_present: int = strawberry.field(description="Countries with a presence (seed: 171).")
    part_of_un_system: bool = strawberry.field(
        description="Part of the United Nations system (seed: « fait partie du système des "
        "Nations Unies »)."
    )
    un_status: str | None = strawberry.field(description="Status in the UN system (English).")
    un_system_joined: str | None = strawberry.field(
        description="When it joined the UN system (YYYY-MM)."
    )
    record: strawberry.Private[OrganisationRecord]

    @classmethod
    def from_record(cls, record: OrganisationRecord) -> "Organisation":
        return cls(
            slug=record.slug,
            founded_year=record.founded_year,
            member_states=record.member_states,
            countries_present=record.countries_present,
            part_of_un_system=record.un_system_member,
            un_status=record.un_status_en,
            un_system_joined=record.un_joined,
            record=record,
        )

    @strawberry.field(description="Name of the organisation.")
    def name(self, info: Info, lang: LangArgument = None) -> str:
        return required_text(self.record.texts, "name", lang, info)

    @strawberry.field(description="Acronym: IOM in English, OIM in French and Spanish.")
    def acronym(self, info: Info, lang: LangArgument = None) -> str:
        return required_text(self.record.texts, "acronym", lang, info)

    @strawberry.field(description="Headquarters.")
    def headquarters(self) -> Headquarters:
        return Headquarters(country_id=self.record.headquarters_country_id, texts=self.record.texts)

    @strawberry.field(
        metadata=bounded(Edges.leadership_by_organisation),
        description="Leadership positions and offices, in the seed page's order.",
    )
    def leadership(self, info: Info) -> list[LeadershipPosition]:
        records = info.context.loaders.leadership_by_organisation.load(self.record.id)
        return [LeadershipPosition.from_record(r) for r in records]

    @strawberry.field(
        metadata=bounded(Edges.statements_by_organisation),
        description="What the seed page states the organisation itself does with an "
        "institution (no office involved): it supports the 2030 Agenda. In the page's order.",
    )
    def statements(self, info: Info) -> list[OrganisationStatement]:
        records = info.context.loaders.statements_by_organisation.load(self.record.id)
        return [OrganisationStatement.from_record(r) for r in records]

    regional_offices = strawberry.field(
        resolver=_regional_offices,
        metadata=bounded(REGIONAL_OFFICES_PER_ORGANISATION),
        description="Regional offices in force on the day asked for, in the seed page's order "
        "then the successors'. The Global Office in Brussels is not a regional office: reach it "
        'by `regionalOffice(slug: "global-office-brussels")` or from Brussels\' `successors`.',
    )

    @strawberry.field(
        metadata=bounded(STRUCTURE_CHANGES),
        description="The changes of the structure (the 2024 mergers, the Global Office taking "
        "over Brussels' EU liaison): each with its kind, its date and precision, the offices "
        "that ended, the office that began, and the pages stating it.",
    )
    def structure_changes(
        self,
        info: Info,
        year: Annotated[
            int | None, strawberry.argument(description="Only changes dated in this year.")
        ] = None,
    ) -> list[StructureChange]:
        loaders = info.context.loaders
        records = loaders.offices_by_organisation.load(self.record.id)
        predecessors = loaders.predecessors_by_office.load_many([r.id for r in records])
        return structure_changes(records, predecessors, year)
