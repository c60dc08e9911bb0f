"""What the scale-out tests (``tests.test_scale_out``) do to a running topology and read from
it: reload the shared database as an operator does, ask through the edge, count what each
replica answered and where the balancer sent each request."""

import subprocess
import sys
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.live_server import REPO_ROOT
from tests.scale_topology import Topology

QUERY = 'query Names { regionalOffice(slug: "bangkok") { name } }'


def reload(database_url: str, path: Path) -> None:
    """``python -m db load path`` on the shared database, as an operator runs it."""
    command = [sys.executable, "-m", "db", "--database-url", database_url, "load", str(path)]
    loaded = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr


def get(base_url: str, **params: str) -> httpx.Response:
    response = httpx.get(f"{base_url}/graphql", params=params or {"query": QUERY})
    assert response.status_code == 200, response.text
    return response


def name(response: httpx.Response) -> str:
    body = response.json()
    assert body.get("errors") is None
    return str(body["data"]["regionalOffice"]["name"])


def graphql_requests(replica: str) -> float:
    """``iom_graph_requests_total`` of one replica, all operations and outcomes."""
    text = httpx.get(f"{replica}/metrics").text
    families = {family.name: family for family in text_string_to_metric_families(text)}
    return sum(sample.value for sample in families["iom_graph_requests"].samples)


def balanced(topology: Topology, since: int) -> list[tuple[str, str]]:
    """(replica address, status) of each request the balancer passed on after line ``since``."""
    lines = topology.access()[since:]
    return [(x["upstream"], x["status"]) for x in lines if x["server"] == "iom-graph-balancer"]


def addresses(topology: Topology) -> set[str]:
    return {url.removeprefix("http://") for url in topology.replicas}
