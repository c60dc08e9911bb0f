"""/metrics in-process, on SQLite and PostgreSQL: an ``operation`` label bounded to known names
whatever the clients send."""

import hashlib
import logging
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from service.observability import OperationLabels, RequestOutcome
from tests.app_client import serve_in_process
from tests.dataset_facts import example

PERSISTED = "query OfficeCount { regionalOffices { totalCount } }"
PERSISTED_HASH = hashlib.sha256(PERSISTED.encode()).hexdigest()
# The app's own series once every request was labelled ("other", "ok"): the request counter
# (_total, _created), the latency histogram of that label (13 buckets, _count, _sum,
# _created), the SQL statement histogram (12 buckets, _count, _sum, _created) and the
# dataset version.
APP_SERIES_FOR_ONE_LABEL = 2 + 16 + 15 + 1


@pytest.fixture
def client(seeded_engine: Engine) -> Iterator[TestClient]:
    url = seeded_engine.url.render_as_string(hide_password=False)
    with serve_in_process(url, response_cache_bytes=0) as client:
        yield client


def samples(client: TestClient) -> list[str]:
    """The sample lines of /metrics (name, labels, value)."""
    return [line for line in client.get("/metrics").text.splitlines() if not line.startswith("#")]


def requests_by_label(client: TestClient) -> dict[str, float]:
    counts = {}
    for line in samples(client):
        if line.startswith("iom_graph_requests_total{"):
            labels, value = line.split(" ")
            counts[labels.removeprefix("iom_graph_requests_total")] = float(value)
    return counts


def test_random_operation_names_leave_the_series_count_bounded(client: TestClient) -> None:
    def send_random_name() -> None:
        name = f"Random{secrets.token_hex(8)}"
        response = client.post("/graphql", json={"query": f"query {name} {{ __typename }}"})
        assert response.status_code == 200, response.text

    send_random_name()
    before = samples(client)
    for _ in range(200):
        send_random_name()
    after = samples(client)
    assert len(after) == len(before) == APP_SERIES_FOR_ONE_LABEL
    assert requests_by_label(client) == {'{operation="other",outcome="ok"}': 201.0}


def test_example_names_are_labels_and_the_access_log_keeps_the_clients_name(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="iom_graph.access")
    assert client.post("/graphql", json={"query": example("04-french-names")}).status_code == 200
    response = client.post("/graphql", json={"query": "query NairobiCheck { __typename }"})
    assert response.status_code == 200
    assert client.get("/graphql", params={"query": "{ __typename }"}).status_code == 200
    assert requests_by_label(client) == {
        '{operation="FrenchNames",outcome="ok"}': 1.0,
        '{operation="other",outcome="ok"}': 1.0,
        '{operation="anonymous",outcome="ok"}': 1.0,
    }
    logged = [r.operation for r in caplog.records if getattr(r, "path", None) == "/graphql"]
    assert logged == ["FrenchNames", "NairobiCheck", "anonymous"]


def test_a_persisted_query_gives_its_operation_name_as_label(client: TestClient) -> None:
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": PERSISTED_HASH}}
    registered = client.post("/graphql", json={"query": PERSISTED, "extensions": persisted})
    assert registered.status_code == 200, registered.text
    by_hash = client.post(
        "/graphql", json={"operationName": "OfficeCount", "extensions": persisted}
    )
    assert by_hash.status_code == 200, by_hash.text
    assert by_hash.json()["data"] == {"regionalOffices": {"totalCount": 9}}
    assert requests_by_label(client) == {'{operation="OfficeCount",outcome="ok"}': 2.0}


def test_persisted_names_are_admitted_up_to_the_cap() -> None:
    labels = OperationLabels(["FullTraversal"], cap=2)

    def label(name: str, persisted: bool = True, outcome: str = "ok") -> str:
        return labels.label(RequestOutcome(name, outcome, persisted=persisted))

    assert label("FullTraversal", persisted=False) == "FullTraversal"
    assert label("Ad", persisted=False) == "other"
    assert label("Refused", outcome="refused") == "other"
    assert [label("One"), label("Two"), label("Three"), label("One")] == [
        "One",
        "Two",
        "other",
        "One",
    ]
    assert label("anonymous", persisted=False) == "anonymous"
