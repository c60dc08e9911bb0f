"""The real server process (``uvicorn server:app``) over HTTP: answers, operational endpoints,
readiness that follows the database, and a clean shutdown on SIGTERM; ``python server.py``
with two workers, each running the acceptor (service/accepting.py).

The readiness test runs the server against PostgreSQL through a TCP proxy written here, so the
database can be made unreachable and reachable again without restarting the server.
"""

import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, admin_connection, answer_date
from tests.live_server import start_server
from tests.tcp_proxy import TcpProxy

NAIROBI_QUERY = """query NairobiCheck {
  regionalOffice(slug: "nairobi") {
    name(lang: FR)
    hostCountry { alpha3 }
    countries(first: 100) { totalCount }
  }
}"""
NAIROBI_DATA = {
    "regionalOffice": {
        "name": "Bureau régional de Nairobi",
        "hostCountry": {"alpha3": "KEN"},
        "countries": {"totalCount": 10},
    }
}
PROBE_QUERY = '{ regionalOffice(slug: "nairobi") { hostCountry { alpha3 } } }'
PROBE_DATA = {"regionalOffice": {"hostCountry": {"alpha3": "KEN"}}}
WAIT_TIMEOUT = 15.0


def wait_for(
    probe: Callable[[], httpx.Response], expected_status: int, what: str
) -> httpx.Response:
    """Poll ``probe`` until it answers ``expected_status``; fail after ``WAIT_TIMEOUT`` s."""
    deadline = time.monotonic() + WAIT_TIMEOUT
    last = "no answer"
    while True:
        try:
            response = probe()
        except httpx.TransportError as error:
            last = f"{type(error).__name__}: {error}"
        else:
            if response.status_code == expected_status:
                return response
            last = f"HTTP {response.status_code} {response.text[:300]}"
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: no HTTP {expected_status} within {WAIT_TIMEOUT:.0f} s ({last})")
        time.sleep(0.1)


def test_server_answers_over_http_and_stops_cleanly(tmp_path: Path) -> None:
    with (
        start_server(f"sqlite:///{tmp_path / 'iom-graph.sqlite3'}") as base_url,
        httpx.Client(base_url=base_url, timeout=10.0) as client,
    ):
        response = client.post("/graphql", json={"query": NAIROBI_QUERY})
        assert response.status_code == 200, response.text
        assert response.json() == {
            "data": NAIROBI_DATA,
            "extensions": {"cost": {"requested": 3, "maximum": 25000}, **answer_date()},
        }
        # the first request of this client: a full bucket (100 000) less the cost
        assert response.headers["x-ratelimit-remaining"] == "99997"
        generated = response.headers.get("x-request-id")
        assert generated, f"no x-request-id header in {dict(response.headers)}"

        echoed = client.post(
            "/graphql", json={"query": NAIROBI_QUERY}, headers={"X-Request-ID": "abc-123"}
        )
        assert echoed.status_code == 200, echoed.text
        assert echoed.headers.get("x-request-id") == "abc-123"

        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.text == "ok"

        metrics = client.get("/metrics")
        assert metrics.status_code == 200
        lines = metrics.text.splitlines()
        counters = {
            line.split("outcome=")[1].split('"')[1]: float(line.split()[-1])
            for line in lines
            # not a known operation name: the label is "other" (the access log keeps the name)
            if line.startswith('iom_graph_requests_total{operation="other",')
        }
        # the second, identical request was answered from the response cache
        assert counters == {"ok": 1.0, "cached": 1.0}, metrics.text
        assert any(
            re.fullmatch(r'iom_graph_dataset_info\{version="[0-9a-f]{64}"\} 1\.0', line)
            for line in lines
        ), f"no dataset version in /metrics:\n{metrics.text}"
    # start_server has now checked that SIGTERM stopped the server with exit code 0.


def listening_socket_inodes(port: int) -> list[str]:
    """The inodes of the sockets listening on 127.0.0.1:``port`` (Linux's /proc/net/tcp)."""
    inodes = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        address, state, inode = fields[1], fields[3], fields[9]
        if state == "0A" and address == f"0100007F:{port:04X}":  # LISTEN on 127.0.0.1
            inodes.append(inode)
    return inodes


def holders_of(inode: str) -> list[int]:
    """For each process of this user holding the socket ``inode``: how many descriptors."""
    counts = []
    for process in Path("/proc").iterdir():
        if not process.name.isdigit():
            continue
        try:
            links = [os.readlink(descriptor) for descriptor in (process / "fd").iterdir()]
        except (PermissionError, FileNotFoundError):  # another user's, or gone
            continue
        if held := links.count(f"socket:[{inode}]"):
            counts.append(held)
    return sorted(counts)


def test_each_of_two_workers_answers_and_runs_the_acceptor(tmp_path: Path) -> None:
    """``python server.py`` with 2 workers: both answer, and each listens on a socket of its
    own (SO_REUSEPORT) and reads a duplicate of it (AcceptingServer), so holds it twice;
    workers running uvicorn's own server would listen on one socket, the supervisor's."""
    settings = {"IOM_GRAPH_WORKERS": "2"}
    workers: set[str] = set()
    database = f"sqlite:///{tmp_path / 'iom-graph.sqlite3'}"
    with start_server(database, settings, entry_point=True) as base_url:
        deadline = time.monotonic() + WAIT_TIMEOUT
        while len(workers) < 2 and time.monotonic() < deadline:
            # a new connection each time, so that either worker may accept it
            response = httpx.post(f"{base_url}/graphql", json={"query": PROBE_QUERY}, timeout=10)
            assert response.status_code == 200, response.text
            assert response.json()["data"] == PROBE_DATA
            # request ids are "<process's random id>-<counter>"
            workers.add(response.headers["x-request-id"].split("-")[0])
        assert len(workers) == 2, f"one worker answered every request for {WAIT_TIMEOUT:.0f} s"
        inodes = listening_socket_inodes(int(base_url.rsplit(":", 1)[1]))
        assert [holders_of(inode) for inode in inodes] == [[2], [2]]


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """The name of a fresh, empty PostgreSQL database, dropped at the end."""
    name = f"iom_graph_test_{uuid.uuid4().hex[:12]}"
    with admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_proxy() -> Iterator[TcpProxy]:
    url = make_url(POSTGRES_URL)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


def test_readiness_follows_the_database(postgres_database: str, database_proxy: TcpProxy) -> None:
    url = make_url(POSTGRES_URL).set(
        host="127.0.0.1", port=database_proxy.port, database=postgres_database
    )
    with (
        start_server(url.render_as_string(hide_password=False)) as base_url,
        httpx.Client(base_url=base_url, timeout=10.0) as client,
    ):

        def readyz() -> httpx.Response:
            return client.get("/readyz")

        def query() -> httpx.Response:
            return client.post("/graphql", json={"query": PROBE_QUERY})

        assert readyz().status_code == 200
        assert query().json()["data"] == PROBE_DATA
        notes_query = {"query": "{ dataQualityNotes { slug } }"}
        notes = client.post("/graphql", json=notes_query).json()["data"]["dataQualityNotes"]
        assert len(notes) > 1

        database_proxy.stop()
        down = wait_for(readyz, 503, "/readyz with the database unreachable")
        assert down.json() == {
            "status": "unavailable",
            "database": "unreachable",
            "redis": "not configured",
        }
        # A response already cached for this dataset version is still served...
        assert query().status_code == 200
        # ...so is the graph, from the dataset in memory...
        graph = client.post("/graphql", json={"query": "{ organisation { slug } }"})
        assert graph.json()["data"] == {"organisation": {"slug": "iom"}}
        # ...and so are root lists, read from memory too (they needed the database before).
        listed = client.post("/graphql", json=notes_query)
        assert listed.status_code == 200, listed.text
        assert listed.json()["data"]["dataQualityNotes"] == notes

        database_proxy.start()
        up = wait_for(readyz, 200, "/readyz once the database is back")
        assert up.json() == {"status": "ready", "database": "ok", "redis": "not configured"}
        recovered = wait_for(query, 200, "a GraphQL query once the database is back")
        assert recovered.json()["data"] == PROBE_DATA
