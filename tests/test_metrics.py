"""/metrics on SQLite and PostgreSQL: prometheus-client's own exposition (OpenMetrics when
asked), the process, platform and GC collectors, an ``operation`` label bounded to known names
whatever the clients send (in-process), and the sum over two workers (a real process)."""

import hashlib
import logging
import secrets
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from service.observability import OperationLabels, RequestOutcome
from tests.app_client import serve_in_process
from tests.conftest import DatabaseFactory
from tests.dataset_facts import example
from tests.live_server import start_server

OPENMETRICS = "application/openmetrics-text; version=1.0.0"
PERSISTED = "query OfficeCount { regionalOffices { totalCount } }"
PERSISTED_HASH = hashlib.sha256(PERSISTED.encode()).hexdigest()
# The app's own series once every request was labelled ("other", "ok"): the request counter
# (_total, _created), the latency histogram of that label (13 buckets, _count, _sum,
# _created), the SQL statement histogram (12 buckets, _count, _sum, _created), the
# dataset version, the subscriptions' two gauges and event counter (_total, _created); the
# planned executor's answers (_total, _created), fall-backs (12 reasons, each _total and
# _created) and state (3 states).
APP_SERIES_FOR_ONE_LABEL = 2 + 16 + 15 + 1 + 4 + 2 + 12 * 2 + 3
WORKER_REQUESTS = 30  # at least; more until both workers have answered
# The second worker may still be reading the dataset when the first answers (a loaded
# machine took over 300 requests): keep asking until both answered, bounded by time.
BOTH_WORKERS_SECONDS = 90.0


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


def test_metrics_are_openmetrics_when_the_scraper_asks(client: TestClient) -> None:
    classic = client.get("/metrics")
    assert classic.status_code == 200
    assert classic.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert not classic.text.endswith("# EOF\n")
    negotiated = client.get("/metrics", headers={"Accept": OPENMETRICS})
    assert negotiated.status_code == 200
    assert negotiated.headers["content-type"] == (
        "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"
    )
    assert negotiated.text.endswith("# EOF\n")
    assert client.post("/metrics").status_code == 405


def test_metrics_have_the_process_platform_and_gc_collectors(client: TestClient) -> None:
    names = {line.split("{")[0].split(" ")[0] for line in samples(client)}
    assert {name for name in names if name.startswith("process_")} == {
        "process_virtual_memory_bytes",
        "process_resident_memory_bytes",
        "process_start_time_seconds",
        "process_cpu_seconds_total",
        "process_open_fds",
        "process_max_fds",
    }
    assert {name for name in names if name.startswith("python_")} == {
        "python_info",
        "python_gc_objects_collected_total",
        "python_gc_objects_uncollectable_total",
        "python_gc_collections_total",
    }


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
    assert len(after) == len(before)
    assert len([line for line in after if line.startswith("iom_graph_")]) == (
        APP_SERIES_FOR_ONE_LABEL
    )
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
    # today's structure: seven regional offices (the nine of the seed page until 2024)
    assert by_hash.json()["data"] == {"regionalOffices": {"totalCount": 7}}
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


def test_two_workers_add_their_counts_up(databases: DatabaseFactory) -> None:
    """``python server.py`` with 2 workers: whichever worker answers the scrape, /metrics
    counts the requests of both (prometheus-client's multiprocess mode)."""
    url = databases.new().url.render_as_string(hide_password=False)
    settings = {"IOM_GRAPH_WORKERS": "2", "IOM_GRAPH_RESPONSE_CACHE_BYTES": "0"}
    query = {"query": example("04-french-names")}
    workers: set[str] = set()
    sent = 0
    with start_server(url, settings, entry_point=True) as base_url:
        deadline = time.monotonic() + BOTH_WORKERS_SECONDS
        while sent < WORKER_REQUESTS or (len(workers) < 2 and time.monotonic() < deadline):
            # a new connection each time, so that either worker may accept it
            response = httpx.post(f"{base_url}/graphql", json=query, timeout=10)
            assert response.status_code == 200, response.text
            sent += 1
            # request ids are "<process id>-<counter>"
            workers.add(response.headers["x-request-id"].split("-")[0])
        scrapes = [httpx.get(f"{base_url}/metrics", timeout=10).text for _ in range(4)]
    assert len(workers) == 2, f"one worker answered all {sent} requests"
    for text in scrapes:
        lines = [line for line in text.splitlines() if not line.startswith("#")]
        counted = [line for line in lines if line.startswith("iom_graph_requests_total{")]
        assert counted == [
            f'iom_graph_requests_total{{operation="FrenchNames",outcome="ok"}} {float(sent)}'
        ]
        assert f"iom_graph_sql_statements_per_request_count {float(sent)}" in lines
        assert len([line for line in lines if line.startswith("iom_graph_dataset_info")]) == 1
        assert not [line for line in lines if line.startswith(("process_", "python_gc_"))]
        assert [line.split("{")[0] for line in lines if line.startswith("python_")] == [
            "python_info"
        ]
