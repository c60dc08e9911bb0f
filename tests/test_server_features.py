"""The process as an operator and a client meet it: ``python server.py``, JSON logs with
request ids, gzip, CORS, and the README's Python client example."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from gql import Client, gql
from gql.transport.httpx import HTTPXTransport

from tests.app_client import serve_in_process
from tests.dataset_facts import example
from tests.live_server import free_port, server_env, start_server

ROOT = Path(__file__).resolve().parent.parent


def test_python_server_py_prints_the_addresses_once_ready_and_logs_json(tmp_path: Path) -> None:
    port = free_port()
    env = server_env(f"sqlite:///{tmp_path / 'run.sqlite3'}", {"IOM_GRAPH_PORT": str(port)})
    process = subprocess.Popen(
        [sys.executable, "server.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("  data downloads"):
            lines.append(process.stdout.readline().rstrip("\n"))
            assert lines[-1] or process.poll() is None, "\n".join(lines)
        assert lines[-2] == f"  GraphiQL        http://127.0.0.1:{port}/graphql"
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/graphql",
                    json={"query": "query Probe { organisation { slug } }"},
                    headers={"x-request-id": "req-42"},
                )
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server.py never answered"
                time.sleep(0.1)
        assert response.json()["data"] == {"organisation": {"slug": "iom"}}
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    access = [r for r in records if r["logger"] == "iom_graph.access" and r["path"] == "/graphql"]
    assert len(access) == 1
    # one line per request: uvicorn's own access line (no request id) is off, also in workers
    assert [r for r in records if r["logger"] == "uvicorn.access"] == []
    assert {k: access[0][k] for k in ("request_id", "operation", "status", "outcome")} == {
        "request_id": "req-42",
        "operation": "Probe",
        "status": 200,
        "outcome": "ok",
    }
    assert "query" not in access[0]  # never the text of a query
    assert access[0]["sql_statements"] == 0  # the organisation is read from memory
    assert access[0]["duration_ms"] > 0


def test_gzip_and_cors(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'gz.sqlite3'}"
    with serve_in_process(database, cors_origins=["https://app.example.org"]) as client:
        raw = client.post(
            "/graphql",
            json={"query": example("01-full-traversal")},
            headers={"accept-encoding": "gzip"},
        )
        assert raw.headers["content-encoding"] == "gzip"
        # httpx undoes the compression for .json(); seven offices are in force today
        assert raw.json()["data"]["organisation"]["regionalOffices"]["totalCount"] == 7
        preflight = client.options(
            "/graphql",
            headers={
                "origin": "https://app.example.org",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://app.example.org"
        foreign = client.options(
            "/graphql",
            headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
        )
        assert "access-control-allow-origin" not in foreign.headers


def test_the_readme_gql_example(tmp_path: Path) -> None:
    with start_server(f"sqlite:///{tmp_path / 'gql.sqlite3'}") as url:
        client = Client(transport=HTTPXTransport(url=f"{url}/graphql"))
        query = gql(
            '{ institution(acronym: "CEDEAO") { name regionalOffices { nodes { slug } } } }'
        )
        result = client.execute(query)
    assert result == {
        "institution": {
            "name": "Economic Community of West African States",
            "regionalOffices": {"nodes": [{"slug": "dakar"}, {"slug": "dakar"}]},
        }
    }
