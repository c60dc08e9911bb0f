"""The usual GraphQL security audit, in-process: overloading, recursion, duplication,
introspection, leakage and suggestions. (HTTP-level checks: test_http_protection.py.)"""

import logging
from pathlib import Path

import pytest
from graphql import FieldNode, OperationDefinitionNode, build_ast_schema, parse, print_ast

import resolvers.lists
import resolvers.organisation
from tests.app_client import serve_in_process
from tests.conftest import Execute
from tests.dataset_facts import example
from tests.test_federation_schema import FEDERATION_TYPES
from tests.test_schema_contract import SDL_PATH


def organisation_selection() -> str:
    """The full traversal's selection on the organisation, as a fragment body."""
    document = parse(example("01-full-traversal"))
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    organisation = operation.selection_set.selections[0]
    assert isinstance(organisation, FieldNode)
    assert organisation.selection_set is not None
    return print_ast(organisation.selection_set)


def codes(result: object) -> list[str]:
    return [e.extensions["code"] for e in getattr(result, "errors", None) or []]


async def test_alias_overloading_of_an_expensive_field(execute: Execute) -> None:
    ten = "{ " + " ".join(f"t{i}: organisation {{ ...Full }}" for i in range(10)) + " }"
    result = await execute(f"{ten} fragment Full on Organisation {organisation_selection()}")
    assert result.data is None
    assert codes(result) == ["QUERY_TOO_COMPLEX"]


async def test_nodes_batch_is_bounded(execute: Execute) -> None:
    ids = ["UmVnaW9uYWxPZmZpY2U6bmFpcm9iaQ=="] * 101
    result = await execute("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert codes(result) == ["BAD_USER_INPUT"]


async def test_directive_overloading(execute: Execute) -> None:
    result = await execute("{ __typename " + "@include(if: true) " * 50 + "}")
    assert result.data is None
    assert "TOO_MANY_DIRECTIVES" in codes(result)


async def test_deep_recursion_through_cycles_is_refused_by_cost(execute: Execute) -> None:
    cycle = "countries(first: 100) { nodes { regionalOffice { "
    query = (
        "{ regionalOffices(first: 100) { nodes { " + cycle * 3 + "slug" + " } } }" * 3 + " } } }"
    )
    result = await execute(query)
    assert result.data is None
    assert codes(result) == ["QUERY_TOO_COMPLEX"]


async def test_field_duplication_is_refused_before_execution(execute: Execute) -> None:
    result = await execute("{ organisation { " + "name " * 1500 + "} }")
    assert result.data is None
    assert codes(result) == ["TOO_MANY_FIELDS"]  # refused before graphql-core validates it


async def test_introspection_shows_only_the_public_contract(execute: Execute) -> None:
    result = await execute(
        "{ __schema { queryType { name } mutationType { name } subscriptionType { name } "
        "types { name fields { name } } } }"
    )
    assert result.errors is None
    data = result.data["__schema"]  # type: ignore[index]
    assert (data["queryType"], data["mutationType"], data["subscriptionType"]) == (
        {"name": "Query"},
        None,
        {"name": "Subscription"},  # datasetChanged, over WebSocket only (issue 24)
    )
    fields = {f["name"] for t in data["types"] for f in (t["fields"] or [])}
    assert fields.isdisjoint({"record", "noteId", "texts", "countryId", "engine", "db"})
    # Nothing is discoverable beyond the committed, reviewed SDL and the types of Apollo
    # Federation (schema/subgraph.graphql).
    committed = build_ast_schema(parse(SDL_PATH.read_text(encoding="utf-8")))
    assert {t["name"] for t in data["types"]} == set(committed.type_map) | FEDERATION_TYPES


async def test_unexpected_errors_are_masked_and_logged_in_full(
    execute: Execute, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object) -> object:
        raise RuntimeError("password=hunter2 at db-internal:5432")

    monkeypatch.setattr(resolvers.lists.MemoryLists, "notes", broken)
    with caplog.at_level(logging.ERROR, logger="iom_graph.errors"):
        result = await execute("{ dataQualityNotes { slug } }")
    assert result.errors is not None
    error = result.errors[0]
    assert error.message == "Internal server error"
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR", "requestId": "test"}
    assert "hunter2" not in str(error.formatted)
    assert "Traceback" not in str(error.formatted)
    logged = [r for r in caplog.records if r.name == "iom_graph.errors"]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    assert "hunter2" in str(logged[0].exc_info[1])


async def test_field_suggestions_in_every_environment(execute: Execute) -> None:
    # Introspection publishes the schema anyway: "did you mean" hides nothing (issue 12).
    result = await execute("{ organisaton { slug } }")
    assert result.errors is not None
    assert result.errors[0].message == (
        "Cannot query field 'organisaton' on type 'Query'. Did you mean 'organisation'?"
    )
    assert codes(result) == ["GRAPHQL_VALIDATION_FAILED"]


def test_production_serves_introspection_and_suggestions_alike(tmp_path: Path) -> None:
    """The decision graphql-cop's "Field Suggestions" finding asks for (issue 22.9): with
    ``IOM_GRAPH_ENVIRONMENT=production`` introspection is served, so suggestions stay on
    too, as README and the setting's description say; the setting changes neither."""
    database = f"sqlite:///{tmp_path / 'iom.sqlite3'}"
    with serve_in_process(database, environment="production") as client:
        schema = client.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
        typo = client.post("/graphql", json={"query": "{ organisaton { slug } }"})
    assert schema.json()["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    assert typo.json()["errors"] == [
        {
            "message": "Cannot query field 'organisaton' on type 'Query'. "
            "Did you mean 'organisation'?",
            "locations": [{"line": 1, "column": 3}],
            "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
        }
    ]
