"""The HTTP edge, in-process: JSON nesting, the length of every text argument, database errors
told apart by cause, operation selection, methods, content codings and validators, and the
outcome every request is counted under. Behaviour that reaches the database runs on SQLite and
PostgreSQL."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

import resolvers.organisation
import service.endpoint
from tests.app_client import serve_in_process
from tests.conftest import DatabaseFactory

TYPENAME = "{ __typename }"
INTERNAL = {"message": "Internal server error", "code": "INTERNAL_SERVER_ERROR"}


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """For behaviour that never reaches the database: one engine is enough."""
    return f"sqlite:///{tmp_path_factory.mktemp('edge') / 'iom.sqlite3'}"


@pytest.fixture(scope="module")
def sqlite_client(sqlite_url: str) -> Iterator[TestClient]:
    with serve_in_process(sqlite_url) as client:
        yield client


@pytest.fixture(scope="module")
def database_url(databases: DatabaseFactory) -> str:
    """An empty database of the session's backend: the app migrates and seeds it."""
    return databases.new().url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def client(database_url: str) -> Iterator[TestClient]:
    with serve_in_process(database_url) as client:
        yield client


def error_of(response: Any) -> dict[str, Any]:
    """The only error of a response, as message, code and (when given) argument."""
    errors = response.json()["errors"]
    assert len(errors) == 1, errors
    error = errors[0]
    found = {"message": error["message"], "code": error["extensions"]["code"]}
    if "argument" in error["extensions"]:
        found["argument"] = error["extensions"]["argument"]
    return found


def outcomes(client: TestClient, operation: str) -> dict[str, float]:
    """The request counts of one operation name on /metrics, by outcome."""
    counts: dict[str, float] = {}
    prefix = f'iom_graph_requests_total{{operation="{operation}",outcome="'
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(prefix):
            counts[line[len(prefix) :].split('"')[0]] = float(line.split()[-1])
    return counts


def nested(depth: int) -> str:
    """JSON arrays nested ``depth`` levels deep."""
    return "[" * depth + "]" * depth


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

    monkeypatch.setattr(service.endpoint, "response_key", broken)
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
        assert outcomes(client, "Probe") == {"error": 1.0}
    logged = [r for r in caplog.records if r.name == "iom_graph.endpoint"]
    assert [r.getMessage() for r in logged] == ["unexpected error in the endpoint"]
    assert logged[0].exc_info is not None
    assert str(logged[0].exc_info[1]) == "cache key failed"


def test_a_failing_resolver_is_counted_as_error_not_client_error(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> object:
        raise RuntimeError("resolver failed")

    monkeypatch.setattr(resolvers.organisation, "_fetch", broken)
    response = client.post("/graphql", json={"query": "query Broken { organisation { slug } }"})
    assert response.status_code == 200  # a field error: the GraphQL result says what failed
    assert error_of(response) == INTERNAL
    assert outcomes(client, "Broken") == {"error": 1.0}
    access = client.get("/metrics").text
    assert 'iom_graph_requests_total{operation="Broken",outcome="client_error"}' not in access
