"""The schema as an Apollo Federation 2 subgraph, in-process: the committed subgraph SDL, the
standalone SDL beside it, ``_entities`` through the batch loaders, its errors and its cost.
(Its drift test: tests/test_schema_contract.py; composition and a real gateway:
tests/test_federation_gateway.py.)"""

from typing import Any

from graphql import GraphQLUnionType, build_ast_schema, parse
from sqlalchemy import Engine

from resolvers.database import count_statements
from schema import build_schema
from schema.__main__ import SDL_PATH, SUBGRAPH_SDL_PATH
from schema.extensions.limits import Limits
from schema.federation import entity_keys
from tests.conftest import Execute, make_execute
from tests.dataset_facts import office_countries

QUERY = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Country { alpha3 name regionalOffice { slug } }
    ... on RegionalOffice { slug name(lang: FR) }
    ... on Institution { slug acronym }
    ... on LeadershipPosition { slug title }
  }
}
"""
COUNTRIES = """
query Countries($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Country { alpha3 regionalOffice { slug } } }
}
"""
# What federation adds to the standalone schema: two root fields and the types they use.
FEDERATION_TYPES = {"_Any", "_Entity", "_Service", "_FieldSet", "link__Import", "link__Purpose"}
# Entities are found in the dataset in memory, however many representations there are.
STATEMENTS = 0


def country(alpha3: str) -> dict[str, str]:
    return {"__typename": "Country", "alpha3": alpha3}


def codes(result: Any) -> list[str]:
    return [error.extensions["code"] for error in result.errors or []]


def test_the_standalone_sdl_is_the_subgraph_without_federation() -> None:
    standalone = build_ast_schema(parse(SDL_PATH.read_text(encoding="utf-8")))
    served = build_schema()._schema
    assert set(served.type_map) - set(standalone.type_map) == FEDERATION_TYPES
    assert set(standalone.type_map) <= set(served.type_map)
    served_root = set(served.type_map["Query"].fields)  # type: ignore[attr-defined]
    assert served_root - set(standalone.type_map["Query"].fields) == {"_service", "_entities"}  # type: ignore[attr-defined]
    subgraph = SUBGRAPH_SDL_PATH.read_text(encoding="utf-8")
    assert subgraph.startswith(
        'schema @link(url: "https://specs.apollo.dev/federation/v2.11", '
        'import: ["@key", "@shareable"]) {'
    )
    keyed = [line for line in subgraph.splitlines()[3:] if "@key" in line or "@shareable" in line]
    assert keyed == [
        'type Country implements Sourced & Node @key(fields: "alpha3") @key(fields: "alpha2") {',
        'type Institution implements Sourced & Node @key(fields: "slug") {',
        'type LeadershipPosition implements Sourced & Node @key(fields: "slug") {',
        "type PageInfo @shareable {",
        'type RegionalOffice implements Sourced & Node @key(fields: "slug") {',
    ]


async def test_service_sdl_is_the_committed_subgraph_sdl(execute: Execute) -> None:
    result = await execute("{ _service { sdl } }")
    assert result.errors is None
    assert result.data == {"_service": {"sdl": SUBGRAPH_SDL_PATH.read_text("utf-8")[:-1]}}
    assert result.extensions["cost"] == {"requested": 1, "maximum": 25_000}  # type: ignore[index]


async def test_entities_of_every_type_in_one_statement_per_type(execute: Execute) -> None:
    representations = [
        country("KEN"),
        {"__typename": "Country", "alpha2": "PE"},
        country("KE"),  # an alpha-2 code is no country's alpha3
        {"__typename": "RegionalOffice", "slug": "nairobi"},
        {"__typename": "RegionalOffice", "slug": "atlantis"},
        {"__typename": "Institution", "slug": "asean"},
        {"__typename": "LeadershipPosition", "slug": "director-general"},
    ]
    with count_statements() as counter:
        result = await execute(QUERY, {"representations": representations})
    assert result.errors is None
    assert counter.count == STATEMENTS
    assert result.data == {
        "_entities": [
            {
                "__typename": "Country",
                "alpha3": "KEN",
                "name": "Kenya",
                "regionalOffice": {"slug": "nairobi"},
            },
            {
                "__typename": "Country",
                "alpha3": "PER",
                "name": "Peru",
                "regionalOffice": {"slug": "americas"},
            },
            None,
            {
                "__typename": "RegionalOffice",
                "slug": "nairobi",
                "name": "Bureau régional de Nairobi",
            },
            None,
            {"__typename": "Institution", "slug": "asean", "acronym": "ASEAN"},
            {
                "__typename": "LeadershipPosition",
                "slug": "director-general",
                "title": "Director General",
            },
        ]
    }


async def test_the_statement_count_does_not_grow_with_the_representations(
    execute: Execute,
) -> None:
    every = sorted({code for codes in office_countries().values() for code in codes})
    assert len(every) == 190
    with count_statements() as counter:
        result = await execute(COUNTRIES, {"representations": [country(c) for c in every]})
    assert result.errors is None
    assert counter.count == STATEMENTS
    entities = result.data["_entities"]  # type: ignore[index]
    assert [e["alpha3"] for e in entities] == every
    by_code = {e["alpha3"]: e["regionalOffice"] for e in entities}
    assert (by_code["KEN"], by_code["FRA"], by_code["ARG"]) == (
        {"slug": "nairobi"},
        {"slug": "europe-central-asia"},
        {"slug": "americas"},
    )


async def test_each_bad_representation_is_its_own_error(execute: Execute) -> None:
    representations: list[Any] = [
        {"__typename": "Organisation", "slug": "iom"},  # a node, not an entity
        "KEN",
        {"alpha3": "KEN"},
        {"__typename": "Country", "slug": "kenya"},
        {"__typename": "Country", "alpha3": "KEN", "alpha2": "KE"},
        {"__typename": "Country", "alpha3": 404},
        {"__typename": "RegionalOffice", "slug": "x" * 65},
        country("EGY"),
    ]
    result = await execute(COUNTRIES, {"representations": representations})
    assert result.data == {
        "_entities": [None] * 7 + [{"alpha3": "EGY", "regionalOffice": {"slug": "cairo"}}]
    }
    messages = {tuple(e.path): e.message for e in result.errors}  # type: ignore[union-attr]
    assert codes(result) == ["BAD_USER_INPUT"] * 7
    entity_list = "(one of Country, Institution, LeadershipPosition, RegionalOffice)"
    assert messages == {
        ("_entities", 0): "`representations[0]`: `__typename` 'Organisation' is not an entity "
        f"of this subgraph {entity_list}",
        ("_entities", 1): "`representations[1]` is not an object",
        ("_entities", 2): "`representations[2]`: `__typename` None is not an entity of this "
        f"subgraph {entity_list}",
        ("_entities", 3): "`representations[3]`: a Country is found by exactly one of its keys "
        "(alpha2, alpha3); it gives ['slug']",
        ("_entities", 4): "`representations[4]`: a Country is found by exactly one of its keys "
        "(alpha2, alpha3); it gives ['alpha2', 'alpha3']",
        ("_entities", 5): "`representations[5]`: `alpha3` must be a string of at most 64 "
        "characters",
        ("_entities", 6): "`representations[6]`: `slug` must be a string of at most 64 characters",
    }


async def test_entities_cost_one_list_item_per_representation(execute: Execute) -> None:
    # Per representation: the entity, and below it the country's regionalOffice.
    representations = [country("KEN")] * 40
    result = await execute(
        COUNTRIES, {"representations": representations}, extensions={"cost": {"dryRun": True}}
    )
    assert result.errors is None
    assert result.extensions["cost"] == {"requested": 80, "maximum": 25_000}  # type: ignore[index]


async def test_entities_past_the_budget_are_refused_before_the_database(
    seeded_engine: Engine,
) -> None:
    execute = make_execute(seeded_engine, build_schema(Limits(max_cost=80)))
    at_budget = await execute(COUNTRIES, {"representations": [country("KEN")] * 40})
    assert at_budget.errors is None
    with count_statements() as counter:
        result = await execute(COUNTRIES, {"representations": [country("KEN")] * 41})
    assert result.data is None
    assert codes(result) == ["QUERY_TOO_COMPLEX"]
    assert result.errors[0].message == (  # type: ignore[index]
        "the operation's cost is 82, above the maximum of 80: ask for fewer items "
        "(first/last) or fewer nested lists"
    )
    assert counter.count == 0  # refused before the snapshot read anything


TYPENAMES = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"


async def test_representations_past_the_cap_are_one_error_and_no_per_item_work(
    execute: Execute,
) -> None:
    """Issue 22.4: 24,000 representations `1` (cost 24,000, under the budget) gave 24,000
    errors, a 4.6 MB body and 765 ms of blocking work."""
    result = await execute(TYPENAMES, {"r": [1] * 24_000})
    assert result.data is None
    assert result.errors is not None
    assert [(e.message, e.path, e.extensions) for e in result.errors] == [
        (
            "`representations`: 24000 in this request, above the maximum of 1000; send them "
            "in several requests",
            ["_entities"],
            {
                "code": "BAD_USER_INPUT",
                "argument": "representations",
                "limit": 1000,
                "actual": 24000,
            },
        )
    ]


async def test_aliased_entities_fields_share_the_cap_of_the_request(seeded_engine: Engine) -> None:
    execute = make_execute(seeded_engine, build_schema(Limits(max_representations=3)))
    document = (
        "query($a: [_Any!]!, $b: [_Any!]!) { a: _entities(representations: $a) "
        "{ ... on Country { alpha3 } } b: _entities(representations: $b) { __typename } }"
    )
    at_cap = await execute(document, {"a": [country("KEN")] * 2, "b": [country("EGY")]})
    assert at_cap.errors is None
    assert at_cap.data == {"a": [{"alpha3": "KEN"}] * 2, "b": [{"__typename": "Country"}]}
    over = await execute(document, {"a": [country("KEN")] * 2, "b": [country("EGY")] * 2})
    # One of the two fields (non-null) is refused, and with it the response: which one
    # depends on the executor's order (the planned executor's fall-back resolves again).
    assert over.data is None
    assert [(e.path, (e.extensions or {})["actual"]) for e in over.errors or []] in (
        [(["a"], 4)],
        [(["b"], 4)],
    )


async def test_a_response_holds_at_most_100_errors_and_one_counting_the_rest(
    execute: Execute,
) -> None:
    result = await execute(TYPENAMES, {"r": [1] * 1000})
    assert result.data == {"_entities": [None] * 1000}
    errors = result.errors or []
    assert len(errors) == 101
    assert [e.path for e in errors[:100]] == [["_entities", i] for i in range(100)]
    assert errors[99].message == "`representations[99]` is not an object"
    assert {(e.extensions or {})["code"] for e in errors[:100]} == {"BAD_USER_INPUT"}
    assert (errors[100].message, errors[100].path, errors[100].extensions) == (
        "900 more errors were left out: a response holds at most 100",
        None,
        {"code": "TOO_MANY_ERRORS", "omitted": 900, "limit": 100},
    )


def test_entities_are_the_keyed_types_and_their_description_names_them() -> None:
    """``_Entity`` lists the types declaring ``@key`` on themselves (strawberry gathers them);
    its description and the representations' check derive from them, not from a hand list."""
    entity = build_schema()._schema.type_map["_Entity"]
    assert isinstance(entity, GraphQLUnionType)
    assert (
        {member.name for member in entity.types}
        == set(entity_keys())
        == {
            "Country",
            "Institution",
            "LeadershipPosition",
            "RegionalOffice",
        }
    )
    assert entity.description == (
        "Every type other subgraphs can extend: Country, Institution, LeadershipPosition and "
        "RegionalOffice."
    )
    assert entity_keys()["Country"] == {"alpha3", "alpha2"}
