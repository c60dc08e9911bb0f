"""The results of ``search``: a connection whose edges say how each entity matched."""

from collections.abc import Sequence
from enum import Enum

import strawberry
from strawberry import relay

from resolvers.pagination import Page
from resolvers.search import SearchHit
from schema.pagination import PageInfo, page_info


@strawberry.enum(
    description="How a search text matched an entity, from the best kind to the weakest."
)
class SearchMatchKind(Enum):
    EXACT = strawberry.enum_value(
        "exact",
        description="A name, acronym or code equals the text (ignoring accents, case and "
        "punctuation): `cedeao`, `UK` for GB (ISO 3166 reserves UK for the United Kingdom).",
    )
    PREFIX = strawberry.enum_value(
        "prefix", description="A name, acronym or code starts with the text: `UN` in `UNEP`."
    )
    WORD = strawberry.enum_value(
        "word",
        description="Each word of the text is a whole word of a name, in any order (the last, "
        "from three letters, may be incomplete): `Amy Pope` in `Amy E. Pope`, `Nations Unies` "
        "in `Office des Nations Unies à Nairobi`. Letters inside a word are no match (`UN` in "
        "`Community`).",
    )
    FUZZY = strawberry.enum_value(
        "fuzzy",
        description="Only when nothing matched otherwise: words of a name are spelt within a "
        "typo or two of the text (texts of four letters or more): `Nairobbi` for Nairobi, "
        "`Mercosul` for MERCOSUR.",
    )


@strawberry.type(description="How well a search result matched the text.")
class SearchMatch:
    kind: SearchMatchKind = strawberry.field(description="The kind of the best match.")
    score: float = strawberry.field(
        description="Similarity of the text to what it matched, 0 to 100 (100 minus the "
        "normalised Indel distance, as rapidfuzz's `ratio`): 100 for an exact match; at least "
        "80 for a typo. Results are ordered by kind, then score, then type."
    )
    term: str = strawberry.field(
        description="The name, acronym or code it matched, as indexed (lower-case, no accents)."
    )


# The GraphQL names are the released ones (NodeEdge, NodeConnection): renaming them would
# break clients' fragments for nothing, as `match` is an added field.
@strawberry.type(name="NodeEdge", description="A search result, its cursor and how it matched.")
class SearchEdge:
    cursor: str = strawberry.field(description="Opaque cursor of this item, for `after`/`before`.")
    node: relay.Node = strawberry.field(description="The entity found.")
    match: SearchMatch = strawberry.field(description="How it matched the text.")


@strawberry.type(name="NodeConnection", description="A page of search results, best matches first.")
class SearchConnection:
    edges: list[SearchEdge] = strawberry.field(
        description="The page's results, with cursors and match quality."
    )
    nodes: list[relay.Node] = strawberry.field(description="The page's results, without cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page stands in the list.")
    total_count: int = strawberry.field(description="Number of results in the whole list.")


def search_connection(page: Page[SearchHit], nodes: Sequence[relay.Node]) -> SearchConnection:
    """A page of hits as a connection; ``nodes`` are the page's entities, in order."""
    edges = [
        SearchEdge(
            cursor=page.cursor(index),
            node=node,
            match=SearchMatch(
                kind=SearchMatchKind(hit.match.kind.value),
                score=hit.match.score,
                term=hit.match.term,
            ),
        )
        for index, (hit, node) in enumerate(zip(page.items, nodes, strict=True))
    ]
    return SearchConnection(
        edges=edges,
        nodes=list(nodes),
        page_info=page_info(page),
        total_count=page.total_count,
    )
