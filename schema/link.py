"""Edges between offices and institutions: each carries one relationship the seed page states."""

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Annotated, Generic, TypeVar

import strawberry

from resolvers.link import LinkRecord
from resolvers.pagination import Page, PageRequest, encode_cursor, paginate
from schema.enum_members import member_of
from schema.pagination import PageInfo, page_info

NodeT = TypeVar("NodeT")


@strawberry.enum(
    description="How an office relates to an institution (the reference's vocabulary)."
)
class RelationshipKind(Enum):
    COOPERATES_WITH = strawberry.enum_value(
        "cooperates_with", description="coopère (étroitement) avec"
    )
    SUPPORTS = strawberry.enum_value(
        "supports", description="apporte un appui/soutien à; appuie; soutient"
    )
    LIAISON = strawberry.enum_value(
        "liaison", description="rôle de liaison; assure la liaison; sert de trait d’union"
    )
    NEGOTIATION_CONSULTATION = strawberry.enum_value(
        "negotiation_consultation", description="rôle de négociation et de consultation"
    )
    RELATIONS = strawberry.enum_value(
        "relations",
        description="entretient des relations/contacts avec; est chargé des relations avec; "
        "coordonne les relations et les contacts; aide aux fins de renforcement des relations "
        "et des contacts avec",
    )
    TECHNICAL_SECRETARIAT = strawberry.enum_value(
        "technical_secretariat", description="assure le secrétariat technique"
    )
    CO_CHAIRS = strawberry.enum_value("co_chairs", description="copréside")
    CO_CHAIRS_WITH = strawberry.enum_value(
        "co_chairs_with", description="avec laquelle l’OIM copréside"
    )
    REPRESENTS_IOM_AT = strawberry.enum_value(
        "represents_iom_at", description="représente l’OIM à / au sein du"
    )
    CAPACITY_BUILDING = strawberry.enum_value(
        "capacity_building", description="soutien en matière de renforcement des capacités"
    )
    COLLABORATES_WITH = strawberry.enum_value("collaborates_with", description="collabore avec")
    TECHNICAL_SUPPORT = strawberry.enum_value(
        "technical_support", description="apporte un soutien technique"
    )
    TECHNICAL_SUPPORT_THROUGH = strawberry.enum_value(
        "technical_support_through", description="soutien technique ... au titre du"
    )
    HOSTS = strawberry.enum_value("hosts", description="en hébergeant")
    ACTS_ON_BEHALF_OF = strawberry.enum_value("acts_on_behalf_of", description="pour le compte de")
    PROMOTES = strawberry.enum_value("promotes", description="promeut / en promouvant")
    CONVENES = strawberry.enum_value("convenes", description="en formant un groupe")
    COVERS_MEMBER_STATES_OF = strawberry.enum_value(
        "covers_member_states_of",
        description="appui aux bureaux situés dans les États membres de",
    )
    COORDINATES_APPROACHES = strawberry.enum_value(
        "coordinates_approaches",
        description="coordination des approches institutionnelles de l’OIM concernant",
    )


@strawberry.type(
    description="The words of the seed page that state a relationship; for the Global Office in "
    "Brussels, which the seed predates, the words of its own page."
)
class Evidence:
    phrase: str = strawberry.field(description="The exact phrase of the seed page (or page).")
    governing_phrase: str | None = strawberry.field(
        description="The exact clause with the governing verb, when `phrase` is a list item."
    )
    language: str = strawberry.field(description="Language of the phrases (ISO 639-1: `fr`).")
    source_url: str = strawberry.field(description="The page the phrases are taken from.")


def relationship_of(record: LinkRecord) -> RelationshipKind:
    return member_of(RelationshipKind, record.relationship_kind)


def evidence_of(record: LinkRecord) -> Evidence:
    return Evidence(
        phrase=record.phrase_fr or record.quote or "",
        governing_phrase=record.governing_phrase_fr,
        language="fr" if record.phrase_fr else record.quote_language or "en",
        source_url=record.source_url,
    )


@strawberry.type(
    description="One relationship the seed page states between an office and an institution, "
    "seen from one end: `node` is the other end."
)
class LinkEdge(Generic[NodeT]):
    # The relationship, its offset in the whole list and its other end: its GraphQL fields
    # are made from them only when a client selects them.
    link: strawberry.Private[LinkRecord]
    offset: strawberry.Private[int]
    other_end: strawberry.Private[NodeT]

    @strawberry.field(description="Opaque cursor of this edge.")
    def cursor(self) -> str:
        return encode_cursor(self.offset)

    @strawberry.field(description="The entity at the other end.")
    def node(self) -> NodeT:
        return self.other_end

    @strawberry.field(description="Natural key of the relationship, e.g. `link-038`.")
    def link_id(self) -> str:
        return self.link.slug

    @strawberry.field(description="How the office relates to it.")
    def relationship(self) -> RelationshipKind:
        return relationship_of(self.link)

    @strawberry.field(description="The seed page's words that state it.")
    def evidence(self) -> Evidence:
        return evidence_of(self.link)


@strawberry.type(description="A page of relationships between offices and institutions.")
class LinkConnection(Generic[NodeT]):
    page: strawberry.Private[Page[LinkRecord]]
    edge_list: strawberry.Private[list[LinkEdge[NodeT]]]

    @strawberry.field(description="The relationships, with cursors.")
    def edges(self) -> list[LinkEdge[NodeT]]:
        return self.edge_list

    @strawberry.field(
        description="The other ends of the page's edges, one per edge and in its order: an "
        "entity linked by two relationships appears twice (CEDEAO's `regionalOffices.nodes` is "
        "Dakar twice); select `id` to tell entities apart, `edges` to tell relationships apart."
    )
    def nodes(self) -> list[NodeT]:
        return [edge.other_end for edge in self.edge_list]

    @strawberry.field(description="Where this page stands in the list.")
    def page_info(self) -> PageInfo:
        return page_info(self.page)

    @strawberry.field(description="Number of relationships in the whole list.")
    def total_count(self) -> int:
        return self.page.total_count


RelationshipArgument = Annotated[
    RelationshipKind | None, strawberry.argument(description="Only relationships of this kind.")
]


def link_connection(
    links: Sequence[LinkRecord],
    relationship: RelationshipKind | None,
    request: PageRequest,
    other_end: Callable[[LinkRecord], NodeT],
) -> LinkConnection[NodeT]:
    """A page of ``links`` (of one ``relationship`` kind, if given); each edge's node is
    ``other_end(link)``."""
    if relationship is not None:
        links = [link for link in links if link.relationship_kind == str(relationship.value)]
    page = paginate(links, request)
    start = page.start
    return LinkConnection(
        page=page,
        edge_list=[
            LinkEdge(link=link, offset=start + i, other_end=other_end(link))
            for i, link in enumerate(page.items)
        ],
    )
