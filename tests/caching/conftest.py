"""Exact caching, in-process on SQLite and PostgreSQL: the server each test of this folder
asks (an empty database it migrates and seeds), and how they read its outcomes."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.app_client import serve_in_process
from tests.conftest import DatabaseFactory

ROOT = Path(__file__).resolve().parent.parent.parent
QUERY = '{ institution(slug: "escwa") { name } regionalOffice(slug: "cairo") { name } }'
HASH = hashlib.sha256(QUERY.encode()).hexdigest()


@pytest.fixture
def database_url(databases: DatabaseFactory) -> str:
    """An empty database of the session's backend: the server migrates and seeds it."""
    return databases.new().url.render_as_string(hide_password=False)


@pytest.fixture
def server(database_url: str) -> Iterator[TestClient]:
    with serve_in_process(database_url) as client:
        yield client


def outcomes(client: TestClient) -> dict[str, float]:
    counts: dict[str, float] = {}
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("iom_graph_requests_total{"):
            outcome = line.split('outcome="')[1].split('"')[0]
            counts[outcome] = counts.get(outcome, 0) + float(line.split()[-1])
    return counts
