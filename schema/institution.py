"""The Institution type: bodies, processes and initiatives, and the offices linked to them."""

from enum import Enum
from typing import ClassVar

import strawberry

from db.vocabulary import SubjectType
from resolvers.edges import Edges
from resolvers.institution import InstitutionRecord
from resolvers.pagination import PageRequest
from schema.context import Info
from schema.entity import KeyedNode
from schema.enum_members import member_of
from schema.extensions.field_bounds import bounded
from schema.language import LangArgument, localized, required_text
from schema.link import LinkConnection, RelationshipArgument, link_connection
from schema.pagination import After, Before, First, Last
from schema.provenance import Confidence, Sourced
from schema.regional_office import RegionalOffice
from schema.statement import OrganisationStatement


@strawberry.enum(description="What sort of body an institution is.")
class InstitutionKind(Enum):
    DEVELOPMENT_BANK = strawberry.enum_value(
        "development_bank", description="A development bank or fund."
    )
    INITIATIVE = strawberry.enum_value("initiative", description="An initiative or programme.")
    INTER_AGENCY_MECHANISM = strawberry.enum_value(
        "inter_agency_mechanism", description="A group or task force of several agencies."
    )
    INTERGOVERNMENTAL_ORGANIZATION = strawberry.enum_value(
        "intergovernmental_organization", description="An organisation of states."
    )
    MILITARY_ALLIANCE = strawberry.enum_value(
        "military_alliance", description="A military alliance."
    )
    OTHER = strawberry.enum_value("other", description="An agreement, office or data system.")
    REGIONAL_CONSULTATIVE_PROCESS = strawberry.enum_value(
        "regional_consultative_process", description="A regional consultative process on migration."
    )
    REGIONAL_ECONOMIC_COMMUNITY = strawberry.enum_value(
        "regional_economic_community", description="A regional economic community."
    )
    UN_ENTITY = strawberry.enum_value("un_entity", description="A United Nations entity.")


# The resolvers of the institution's relations, its fields at the end of the class,
# called like methods: the object comes first, as ``self`` (strawberry passes it so).


def _parent(self: "Institution", info: Info) -> "Institution | None":
    if self.record.parent_id is None:
        return None
    record = info.context.loaders.institution_by_id.load(self.record.parent_id)
    return Institution.from_record(record) if record else None


def _children(self: "Institution", info: Info) -> list["Institution"]:
    records = info.context.loaders.institutions_by_parent.load(self.record.id)
    return [Institution.from_record(r) for r in records]


def _regional_offices(
    self: "Institution",
    info: Info,
    relationship: RelationshipArgument = None,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> LinkConnection[RegionalOffice]:
    return link_connection(
        info.context.loaders.links_by_institution.load(self.record.id),
        relationship,
        PageRequest(first, after, last, before, info.context.page_limits),
        lambda link: RegionalOffice.from_record(link.office),  # type: ignore[arg-type]
    )


def _organisation_statements(self: "Institution", info: Info) -> list[OrganisationStatement]:
    records = info.context.loaders.statements_by_institution.load(self.record.id)
    return [OrganisationStatement.from_record(r) for r in records]


@strawberry.federation.type(
    keys=["slug"],
    description="A body, process or initiative the seed page names (75 in all, 3 of them generic "
    "mentions and 2 IOM's own programmes).",
)
class Institution(Sourced, KeyedNode):
    subject_type: ClassVar[SubjectType] = SubjectType.INSTITUTION
    key_edge = Edges.institution_by_slug
    id_edge = Edges.institution_by_id
    slug: str = strawberry.field(description="Natural key, e.g. `escwa`.")
    kind: InstitutionKind = strawberry.field(description="What sort of body it is.")
    acronym_in_seed: str | None = strawberry.field(
        description="The acronym exactly as the seed page gives it, when it does."
    )
    generic: bool = strawberry.field(
        description="True for a generic or unnamed mention rather than a named body."
    )
    iom_internal: bool = strawberry.field(
        description="True for IOM's own programmes (DTM, PLACMI)."
    )
    notes: str | None = strawberry.field(description="What to know about the entry (English).")
    record: strawberry.Private[InstitutionRecord]

    @classmethod
    def from_record(cls, record: InstitutionRecord) -> "Institution":
        return cls(
            slug=record.slug,
            kind=member_of(InstitutionKind, record.kind),
            acronym_in_seed=record.acronym_in_seed,
            generic=record.generic,
            iom_internal=record.iom_internal,
            notes=record.notes,
            record=record,
        )

    @strawberry.field(description="Name; the French name is the seed page's own wording.")
    def name(self, info: Info, lang: LangArgument = None) -> str:
        return required_text(self.record.texts, "name", lang, info)

    @strawberry.field(description="Acronym in the language asked for, when one is known.")
    def acronym(self, info: Info, lang: LangArgument = None) -> str | None:
        return localized(self.record.texts, "acronym", lang, info)

    @strawberry.field(description="Short name, where a source gives one (e.g. `Bali Process`).")
    def short_name(self, info: Info, lang: LangArgument = None) -> str | None:
        return localized(self.record.texts, "short_name", lang, info)

    @strawberry.field(description="Current name, when the body was renamed after the seed page.")
    def current_name(self, info: Info, lang: LangArgument = None) -> str | None:
        return localized(self.record.texts, "current_name", lang, info)

    @strawberry.field(
        description="Acronym since a renaming after the seed page (OACPS, AUDA-NEPAD); its "
        "source (`localizedText(field: CURRENT_ACRONYM)`) gives the date. "
        "`institution(acronym:)` and search find the body by it."
    )
    def current_acronym(self) -> str | None:
        return self.record.texts.get("current_acronym", {}).get("en")

    @strawberry.field(
        description="An acronym the body no longer uses (OFID); found by acronym and by search."
    )
    def former_acronym(self) -> str | None:
        return self.record.texts.get("former_acronym", {}).get("en")

    @strawberry.field(
        description="Confidence in the entry's identification, where recorded. For the "
        "confidence of each name, see `localizedText(field: NAME) { confidence }` or `sources`."
    )
    def confidence(self) -> Confidence | None:
        return member_of(Confidence, self.record.confidence) if self.record.confidence else None

    parent = strawberry.field(
        resolver=_parent, description="The body this one belongs to (e.g. MIDWA -> ECOWAS)."
    )
    children = strawberry.field(
        resolver=_children,
        metadata=bounded(Edges.institutions_by_parent),
        description="Bodies that belong to this one.",
    )
    regional_offices = strawberry.field(
        resolver=_regional_offices,
        metadata=bounded(Edges.links_by_institution),
        description="The regional offices working with this institution: one edge per "
        "relationship the seed page states.",
    )
    organisation_statements = strawberry.field(
        resolver=_organisation_statements,
        metadata=bounded(Edges.statements_by_institution),
        description="What the seed page states the organisation itself does with this "
        "institution (the 2030 Agenda: IOM supports it); empty for most institutions, which "
        "only offices relate to.",
    )
