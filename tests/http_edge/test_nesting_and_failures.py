"""The HTTP edge, in-process: JSON nesting bounded when a request is read, and the outcome
every request is counted under when something fails. The other modules of this folder: the
length of every text argument, database errors, operations, methods, codings, validators."""

import logging

import pytest
from starlette.testclient import TestClient

import resolvers.lists
import resolvers.organisation
import service.responder
from tests.app_client import serve_in_process
from tests.http_edge.conftest import INTERNAL, TYPENAME, error_of, nested, outcomes

# -- item 4: JSON nesting is bounded when the request is read ----------------------------------


@pytest.mark.parametrize("arrays", [32, 300, 1000])
def test_variables_nested_past_32_levels_are_refused_with_400(
    sqlite_client: TestClient, arrays: int
) -> None:
    body = '{"query": "{ __typename }", "variables": {"x": ' + nested(arrays) + "}}"
    response = sqlite_client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert error_of(response) == {
        "message": "`variables` nests JSON objects and arrays more than 32 levels deep",
        "code": "BAD_REQUEST",
    }


def test_variables_nested_32_levels_are_accepted(sqlite_client: TestClient) -> None:
    # The variables object is level 1, so 31 arrays inside it reach level 32.
    body = '{"query": "{ __typename }", "variables": {"x": ' + nested(31) + "}}"
    response = sqlite_client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


def test_a_body_nested_beyond_what_json_parsing_allows_is_refused(
    sqlite_client: TestClient,
) -> None:
    body = '{"query": "{ __typename }", "variables": {"x": ' + nested(2000) + "}}"
    response = sqlite_client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response) == {
        "message": "the request body nests JSON objects and arrays too deeply: `variables` "
        "and `extensions` may nest at most 32 levels",
        "code": "BAD_REQUEST",
    }


@pytest.mark.parametrize("parameter", ["variables", "extensions"])
def test_get_parameters_nested_past_32_levels_are_refused(
    sqlite_client: TestClient, parameter: str
) -> None:
    for arrays in (300, 2000):
        response = sqlite_client.get(
            "/graphql", params={"query": TYPENAME, parameter: '{"x": ' + nested(arrays) + "}"}
        )
        assert response.status_code == 400
        assert error_of(response) == {
            "message": f"`{parameter}` nests JSON objects and arrays more than 32 levels deep",
            "code": "BAD_REQUEST",
        }


def test_nesting_is_refused_with_the_response_cache_off(sqlite_url: str) -> None:
    """Without the cache (whose key re-encodes variables), the NUL check walked them and hit
    the recursion limit near 970 levels."""
    body = '{"query": "{ __typename }", "variables": {"x": ' + nested(980) + "}}"
    with serve_in_process(sqlite_url, response_cache_bytes=0) as client:
        response = client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert error_of(response)["code"] == "BAD_REQUEST"
        assert outcomes(client, "invalid") == {"refused": 1.0}


def test_an_unexpected_failure_in_the_endpoint_is_a_coded_500_counted_as_error(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object) -> str:
        raise RuntimeError("cache key failed")

    monkeypatch.setattr(service.responder, "response_key", broken)
    with serve_in_process(sqlite_url) as client, caplog.at_level(logging.ERROR):
        response = client.post("/graphql", json={"query": "query Probe { __typename }"})
        assert response.status_code == 500
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        assert response.json() == {
            "errors": [
                {
                    "message": "Internal server error",
                    "extensions": {
                        "code": "INTERNAL_SERVER_ERROR",
                        "requestId": response.headers["x-request-id"],
                    },
                }
            ]
        }
        # not a known operation name: labelled "other" (the access log keeps "Probe")
        assert outcomes(client, "other") == {"error": 1.0}
    logged = [r for r in caplog.records if r.name == "iom_graph.endpoint"]
    assert [r.getMessage() for r in logged] == ["unexpected error in the endpoint"]
    assert logged[0].exc_info is not None
    assert str(logged[0].exc_info[1]) == "cache key failed"


def test_a_failing_resolver_is_counted_as_error_not_client_error(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> object:
        raise RuntimeError("resolver failed")

    monkeypatch.setattr(resolvers.lists.MemoryLists, "notes", broken)
    # "Broken" is not a known operation name: it is counted as "other" (this client is shared)
    before = outcomes(client, "other")
    response = client.post("/graphql", json={"query": "query Broken { dataQualityNotes { slug } }"})
    assert response.status_code == 200  # a field error: the GraphQL result says what failed
    assert error_of(response) == INTERNAL
    assert outcomes(client, "other") == {**before, "error": before.get("error", 0.0) + 1}


# -- item 5: every text argument has a documented maximum ---------------------------------------


# -- item 8: operations, methods, codings, languages, directives, the cache's size -------------
