"""Global IDs round-trip through ``node``/``nodes`` for every type; bad IDs are refused clearly."""

import base64

import pytest
from graphql import GraphQLInterfaceType

from schema.build import build_schema
from schema.node import dated_node_types, node_types
from tests.conftest import Execute

QUERY = """
{
  organisation { id }
  leadershipPosition(slug: "director-general") { id }
  regionalOffice(slug: "nairobi") { id }
  country(code: "KEN") { id }
  institution(slug: "escwa") { id }
  dataQualityNote(slug: "count-eight-vs-nine") { id }
}
"""

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Organisation { slug }
    ... on LeadershipPosition { slug }
    ... on RegionalOffice { slug }
    ... on Country { alpha3 }
    ... on Institution { slug }
    ... on DataQualityNote { slug }
  }
}
"""

EXPECTED = {
    "organisation": ("Organisation", "slug", "iom"),
    "leadershipPosition": ("LeadershipPosition", "slug", "director-general"),
    "regionalOffice": ("RegionalOffice", "slug", "nairobi"),
    "country": ("Country", "alpha3", "KEN"),
    "institution": ("Institution", "slug", "escwa"),
    "dataQualityNote": ("DataQualityNote", "slug", "count-eight-vs-nine"),
}


async def test_every_type_round_trips(execute: Execute) -> None:
    result = await execute(QUERY)
    assert result.errors is None
    ids = {field: value["id"] for field, value in result.data.items()}  # type: ignore[union-attr]
    for field, (type_name, key, value) in EXPECTED.items():
        assert base64.b64decode(ids[field]).decode() == f"{type_name}:{value}"
        found = await execute(NODE, {"id": ids[field]})
        assert found.errors is None
        assert found.data == {"node": {"__typename": type_name, "id": ids[field], key: value}}
    many = await execute(
        "query Many($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": list(ids.values())}
    )
    assert many.errors is None
    assert [n["id"] for n in many.data["nodes"]] == list(ids.values())  # type: ignore[index]


def _id(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def test_an_unknown_key_of_a_known_type_is_null(execute: Execute) -> None:
    result = await execute(NODE, {"id": _id("RegionalOffice:atlantis")})
    assert result.errors is None
    assert result.data == {"node": None}


@pytest.mark.parametrize(
    "bad_id", ["not-base64!", _id("no colon"), _id("Mutation:1"), _id("User:1"), ""]
)
async def test_malformed_or_foreign_ids_are_bad_user_input(execute: Execute, bad_id: str) -> None:
    result = await execute(NODE, {"id": bad_id})
    assert result.data == {"node": None}
    assert result.errors is not None
    assert [e.extensions for e in result.errors] == [{"code": "BAD_USER_INPUT", "argument": "id"}]
    assert result.errors[0].message == f"{bad_id!r} is not an ID this API issued"


def test_node_types_are_the_schemas_node_implementations() -> None:
    """``node``/``nodes`` answer exactly the types that implement ``Node`` (derived from the
    entity types, not listed by hand); an office and a country take a day for a subject."""
    graphql_schema = build_schema()._schema
    node_interface = graphql_schema.type_map["Node"]
    assert isinstance(node_interface, GraphQLInterfaceType)
    implementations = {t.name for t in graphql_schema.get_possible_types(node_interface)}
    assert (
        set(node_types())
        == implementations
        == {
            "Country",
            "DataQualityNote",
            "Institution",
            "LeadershipPosition",
            "Organisation",
            "RegionalOffice",
        }
    )
    assert dated_node_types() == {"Country", "RegionalOffice"}
