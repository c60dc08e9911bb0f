"""The HTTP edge, in-process: the apps the modules of this folder ask, and how they read
answers. Behaviour that reaches the database runs on SQLite and PostgreSQL (``client``); what
never reaches it, on one SQLite engine (``sqlite_client``)."""

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

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
