"""Query shapes both iom-graph and PostGraphile answer, beyond the nested one.

Each shape is one question asked of both servers in each one's own schema, and a way to bring
both answers to one tree, so that ``peer_queries.compare`` checks them leaf by leaf before any
load is run. Shapes PostGraphile cannot answer as the same question are left out, and the report
says why (``NOT_COMPARED``):

- a text filter: the amber preset's ``condition`` is equality only, and
  ``benchmark/postgraphile/package.json`` installs no filter plugin
  (``postgraphile-plugin-connection-filter``'s ``includes``/``likeInsensitive``);
- the nested query with English texts: ``translation`` rows point at their subject by
  ``(subject_type, subject_id)``, no foreign key, so PostGraphile has no relation from an office
  to its texts; it could only send every English row beside the tree (``allTranslations``) for
  the client to join, and fall back to no other language, which is not the question iom-graph
  answers.

A shape whose query needs a value only the running server knows (a page's cursor, a node's ID)
builds it from a first answer: ``Shape.iom_graph_query(base_url)``,
``Shape.postgraphile_query(base_url)``.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from benchmark import node_shape, peer_queries, reverse_walk
from benchmark.client import ask
from benchmark.peer_queries import COUNTRY_FIELDS as COUNTRY
from benchmark.peer_queries import Tree, in_force, without
from benchmark.scenarios import HttpRequest, graphql_post

Normalise = Callable[[Mapping[str, Any]], Tree]
Query = str | Callable[[str], str]  # a query, or one built on the running server at base_url

LOOKUP_CODE = "KE"
# 25 countries, each looked up by its own alias
_ALIASED = "KE EG SN TH ZA CR AR BE AT PE MX BR IN CN FR DE ES IT JP GH NG ET TZ UG SD"
ALIASED_CODES = _ALIASED.split()
PAGE_SIZE = 10
REVERSE_CODE = "ZA"
FILTER_OFFICE = "nairobi"
LOOKUP_TARGET = 0.8  # issue 26: every lookup at least 0.8x PostGraphile (goal 1.0x)


@dataclass(frozen=True)
class Shape:
    """One question, asked of iom-graph and of PostGraphile, and how to compare the answers."""

    name: str
    iom_graph: Query  # a query, or built from the running server
    postgraphile: Query
    iom_graph_tree: Normalise
    postgraphile_tree: Normalise
    target: float = 1.0  # issue 26: at least this many times PostGraphile, per process
    connections: int | None = None  # wrk's connections; None: the plan's (32)

    def iom_graph_query(self, base_url: str) -> str:
        return _built(self.iom_graph, base_url)

    def postgraphile_query(self, base_url: str) -> str:
        return _built(self.postgraphile, base_url)


def _built(query: Query, base_url: str) -> str:
    return query if isinstance(query, str) else query(base_url)


# Country by code, with the office supporting it today.
COUNTRY_IOM = (
    f'query CountryByCode {{ country(code: "{LOOKUP_CODE}") {{ {COUNTRY} '
    "regionalOffice { slug rank } } }"
)
COUNTRY_PEER = (
    f'query CountryByCode {{ allCountries(condition: {{ alpha2: "{LOOKUP_CODE}" }}) {{ nodes '
    f"{{ {COUNTRY} offices: officeCountriesByCountryId {{ nodes {{ office: regionalOfficeByOfficeId"
    " { slug rank kind validUntil } } } } } }"
)


def country_peer(data: Mapping[str, Any]) -> Tree:
    """A country by code, with the office in force among those PostGraphile lists for it."""
    country = dict(peer_queries.only(data["allCountries"]["nodes"], "country"))
    offices = [row["office"] for row in country.pop("offices")["nodes"]]
    current = [without(o, "kind", "validUntil") for o in offices if in_force(o)]
    office = peer_queries.only(current, "office")
    tree: Tree = peer_queries.upper_enums({"country": {**country, "regionalOffice": office}})
    return tree


# Reverse walk: a country, the office supporting it, that office's institutions, and every
# office each institution works with.
REVERSE_IOM = reverse_walk.iom_graph_query(REVERSE_CODE, "slug", "slug")
REVERSE_PEER = reverse_walk.postgraphile_query(REVERSE_CODE, "slug", "slug")


# Page 2 of the countries ordered by alpha-3, descending (iom-graph by cursor, PostGraphile
# by offset: each server's own way to the same rows).
PAGE_PEER = (
    f"query CountriesPage {{ allCountries(orderBy: ALPHA3_DESC, first: {PAGE_SIZE}, "
    f"offset: {PAGE_SIZE}) {{ nodes {{ {COUNTRY} }} }} }}"
)


def cursor_page(
    root: str, arguments: str, size: int, page: int, fields: str, name: str
) -> Callable[[str], str]:
    """Page ``page`` (from 2) of ``root(arguments)``, ``size`` a page, as iom-graph is asked for
    it: after the cursor the running server gave the last item of the pages before it."""

    def build(base_url: str) -> str:
        before = (
            f"{{ {root}({arguments}, first: {size * (page - 1)}) {{ pageInfo {{ endCursor }} }} }}"
        )
        cursor = ask(base_url, before)[root]["pageInfo"]["endCursor"]
        return (
            f'query {name} {{ {root}({arguments}, first: {size}, after: "{cursor}") '
            f"{{ nodes {{ {fields} }} }} }}"
        )

    return build


def page_nodes(data: Mapping[str, Any]) -> Tree:
    """The nodes of the answer's one root field (a page or a filtered list)."""
    (found,) = data.values()
    return {"nodes": list(found["nodes"])}


PAGE_IOM = cursor_page(
    "countries",
    "orderBy: { field: ALPHA3, direction: DESC }",
    PAGE_SIZE,
    2,
    COUNTRY,
    "CountriesPage",
)


# The countries one office supports, filtered on the office, sorted by alpha-3.
FILTER_IOM = (
    f'query OfficeCountries {{ countries(filter: {{ offices: ["{FILTER_OFFICE}"] }}, '
    f"orderBy: {{ field: ALPHA3 }}, first: 100) {{ nodes {{ {COUNTRY} }} }} }}"
)
FILTER_PEER = (
    f'query OfficeCountries {{ allRegionalOffices(condition: {{ slug: "{FILTER_OFFICE}" }}) '
    f"{{ nodes {{ officeCountriesByOfficeId {{ nodes {{ countryByCountryId {{ {COUNTRY} }} }} }}"
    " } } }"
)


def _filter_peer(data: Mapping[str, Any]) -> Tree:
    office = peer_queries.only(data["allRegionalOffices"]["nodes"], "office")
    rows = office["officeCountriesByOfficeId"]["nodes"]
    return {"nodes": sorted((r["countryByCountryId"] for r in rows), key=lambda c: c["alpha3"])}


# 25 lookups in one document, by alias.
ALIASES_IOM = (
    "query Aliases { "
    + " ".join(
        f'c{i}: country(code: "{code}") {{ {COUNTRY} }}' for i, code in enumerate(ALIASED_CODES)
    )
    + " }"
)
ALIASES_PEER = (
    "query Aliases { "
    + " ".join(
        f'c{i}: allCountries(condition: {{ alpha2: "{code}" }}) {{ nodes {{ {COUNTRY} }} }}'
        for i, code in enumerate(ALIASED_CODES)
    )
    + " }"
)


def aliased_nodes(data: Mapping[str, Any]) -> Tree:
    """PostGraphile's aliased lookups, each alias's one node."""
    return {alias: peer_queries.only(found["nodes"], alias) for alias, found in data.items()}


SHAPES: tuple[Shape, ...] = (
    Shape(
        "nested: offices, countries, institutions",
        peer_queries.NESTED_IOM_GRAPH,
        peer_queries.NESTED_POSTGRAPHILE,
        peer_queries.iom_graph_tree,
        peer_queries.postgraphile_tree,
    ),
    Shape(
        "office by slug",
        peer_queries.LOOKUP_IOM_GRAPH,
        peer_queries.LOOKUP_POSTGRAPHILE,
        peer_queries.lookup_tree,
        peer_queries.lookup_tree,
        LOOKUP_TARGET,
    ),
    Shape(
        "country by code, with its office",
        COUNTRY_IOM,
        COUNTRY_PEER,
        dict,
        country_peer,
        LOOKUP_TARGET,
    ),
    Shape(
        "reverse walk: country, office, institutions, their offices",
        REVERSE_IOM,
        REVERSE_PEER,
        reverse_walk.iom_graph_tree,
        reverse_walk.postgraphile_tree,
    ),
    Shape("page 2 of an ordered list", PAGE_IOM, PAGE_PEER, page_nodes, page_nodes),
    Shape("list filtered by office, ordered", FILTER_IOM, FILTER_PEER, page_nodes, _filter_peer),
    Shape("25 aliased lookups", ALIASES_IOM, ALIASES_PEER, dict, aliased_nodes, LOOKUP_TARGET),
    Shape(
        f"{node_shape.NODE_COUNT} nodes by ID",
        node_shape.iom_graph_query,
        node_shape.postgraphile_query,
        node_shape.iom_graph_tree,
        node_shape.postgraphile_tree,
        LOOKUP_TARGET,
    ),
    Shape(
        "office by slug, 1 connection",
        peer_queries.LOOKUP_IOM_GRAPH,
        peer_queries.LOOKUP_POSTGRAPHILE,
        peer_queries.lookup_tree,
        peer_queries.lookup_tree,
        LOOKUP_TARGET,
        connections=1,
    ),
)
NOT_COMPARED = (
    "a text filter (PostGraphile's amber preset filters by equality only, and no filter plugin "
    "is installed); the nested query with English texts (PostGraphile has no relation to the "
    "`translation` table, whose rows name their subject without a foreign key)"
)


def requests_of(shape: Shape, iom_graph_url: str, peer_url: str) -> tuple[HttpRequest, HttpRequest]:
    """The shape's two requests, each built on its running server: iom-graph's, PostGraphile's."""
    ours = graphql_post(shape.iom_graph_query(iom_graph_url))
    return ours, graphql_post(shape.postgraphile_query(peer_url))
