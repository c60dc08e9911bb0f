"""iom-graph as a subgraph behind a real Apollo gateway (node, tests/federation/).

iom-graph runs as a real process (tests/live_server.py) beside a second subgraph written for
this test with @apollo/subgraph (tests/federation/test-subgraph.mjs: its numbers are made up
and labelled so). @apollo/composition composes the two from their ``_service { sdl }``;
@apollo/gateway serves the supergraph on a free loopback port, and one query in each
direction crosses both subgraphs. Only the made-up numbers come from the test subgraph: every
other value asserted is iom-graph's real dataset.

Node is required in CI: without ``node`` these tests fail when ``CI`` is set, and are
skipped otherwise (a developer without node still runs the rest of the suite).
"""

import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live_server import REPO_ROOT, start_server

pytestmark = pytest.mark.federation

FEDERATION_DIR = REPO_ROOT / "tests" / "federation"
PINNED = {"@apollo/composition": "2.14.4", "@apollo/gateway": "2.14.4", "graphql": "16.15.0"}
NODE_TIMEOUT = 120.0
ACROSS_FROM_IOM = '{ country(code: "KEN") { name population regionalOffice { slug staffCount } } }'
ACROSS_FROM_TEST = """{
  featuredCountries {
    nodes { alpha3 population name regionalOffice { slug name } }
    pageInfo { hasNextPage }
  }
}"""
# What composition says of iom-graph's subgraph without its @shareable (PageInfo): both
# subgraphs resolve its four fields, which Federation 2 refuses unless both share them.
UNSHARED_PAGE_INFO = """
import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { typeDefs } from "./test-subgraph.mjs";
const iom = parse(readFileSync(0, "utf8"));
const result = composeServices([
  { name: "iom", url: "http://127.0.0.1:9/graphql", typeDefs: iom },
  { name: "test", url: "http://127.0.0.1:9/graphql", typeDefs },
]);
console.log(JSON.stringify((result.errors ?? []).map((e) => e.extensions.code)));
"""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"`{name}` is needed for the federation tests (Node.js 20 or later)"
        if os.environ.get("CI"):
            pytest.fail(f"{message} and is not on PATH in CI", pytrace=False)
        pytest.skip(f"{message}; not on PATH")
    return path


def _node_env() -> dict[str, str]:
    """No managed federation (Apollo's key and graph ref) and no telemetry: loopback only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("APOLLO_")}
    env["APOLLO_TELEMETRY_DISABLED"] = "true"
    return env


def _run(command: list[str], what: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command,
            cwd=FEDERATION_DIR,
            env=_node_env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what} did not finish within {NODE_TIMEOUT} s: {command}", pytrace=False)


@pytest.fixture(scope="module")
def node() -> str:
    """The node executable, with tests/federation's packages installed (``npm ci``)."""
    node = _tool("node")
    if not (FEDERATION_DIR / "node_modules" / "@apollo" / "gateway").is_dir():
        installed = _run([_tool("npm"), "ci", "--no-audit", "--no-fund"], "npm ci")
        assert installed.returncode == 0, installed.stderr[-4000:]
    for package, version in PINNED.items():
        manifest = FEDERATION_DIR / "node_modules" / package / "package.json"
        assert json.loads(manifest.read_text("utf-8"))["version"] == version, (
            f"tests/federation/node_modules holds another {package}: run `npm ci` there"
        )
    return node


@contextmanager
def node_server(node: str, *args: str) -> Iterator[str]:
    """Run ``node SCRIPT ARGS`` (serve.mjs prints its URL first); yield the URL, then stop it."""
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [node, *args],
            cwd=FEDERATION_DIR,
            env=_node_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        assert process.stdout is not None
        try:
            ready, _, _ = select.select([process.stdout], [], [], NODE_TIMEOUT)
            line = process.stdout.readline() if ready else ""
            if not line.startswith("listening http://127.0.0.1:"):
                log.seek(0)
                pytest.fail(f"{args[0]} did not start: {line!r}\n{log.read()[-4000:]}")
            yield line.split()[1]
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()


@pytest.fixture(scope="module")
def subgraphs(node: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """iom-graph (a real server on a fresh SQLite database) and the test subgraph, by name."""
    database = tmp_path_factory.mktemp("federation") / "iom-graph.sqlite3"
    with (
        start_server(f"sqlite:///{database}") as iom,
        node_server(node, "test-subgraph.mjs", "0") as test,
    ):
        yield {"iom": f"{iom}/graphql", "test": test}


@pytest.fixture(scope="module")
def composition(
    node: str, subgraphs: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], Path]:
    """compose.mjs's report, and the supergraph it wrote."""
    supergraph = tmp_path_factory.mktemp("supergraph") / "supergraph.graphql"
    pairs = [f"{name}={url}" for name, url in subgraphs.items()]
    composed = _run([node, "compose.mjs", str(supergraph), *pairs], "compose.mjs")
    assert composed.returncode == 0, composed.stdout + composed.stderr[-4000:]
    report: dict[str, Any] = json.loads(composed.stdout)
    return report, supergraph


def test_the_two_subgraphs_compose_without_errors_or_hints(
    composition: tuple[dict[str, Any], Path], subgraphs: dict[str, str]
) -> None:
    report, supergraph = composition
    assert report == {"errors": [], "hints": []}
    sdl = supergraph.read_text("utf-8")
    assert f'IOM @join__graph(name: "iom", url: "{subgraphs["iom"]}")' in sdl
    assert f'TEST @join__graph(name: "test", url: "{subgraphs["test"]}")' in sdl
    start = sdl.index("type Country implements Sourced & Node\n")
    assert sdl[start : sdl.index("{", start)].split("\n")[1:-1] == [
        '  @join__implements(graph: IOM, interface: "Sourced")',
        '  @join__implements(graph: IOM, interface: "Node")',
        '  @join__type(graph: IOM, key: "alpha3")',
        '  @join__type(graph: IOM, key: "alpha2")',
        '  @join__type(graph: TEST, key: "alpha3")',
    ]


def test_page_info_needs_its_shareable(node: str) -> None:
    iom = (REPO_ROOT / "schema" / "subgraph.graphql").read_text("utf-8")
    assert iom.count("type PageInfo @shareable {") == 1
    unshared = iom.replace("type PageInfo @shareable {", "type PageInfo {")
    composed = _run([node, "--input-type=module", "-e", UNSHARED_PAGE_INFO], "compose", unshared)
    assert composed.returncode == 0, composed.stderr[-4000:]
    assert json.loads(composed.stdout) == ["INVALID_FIELD_SHARING"] * 4


@pytest.fixture(scope="module")
def gateway(node: str, composition: tuple[dict[str, Any], Path]) -> Iterator[str]:
    with node_server(node, "gateway.mjs", str(composition[1]), "0") as url:
        yield url


def _ask(url: str, query: str) -> Any:
    response = httpx.post(url, json={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_query_from_iom_graph_into_the_test_subgraph(gateway: str) -> None:
    assert _ask(gateway, ACROSS_FROM_IOM) == {
        "data": {
            "country": {
                "name": "Kenya",
                "population": 1001,  # made up by the test subgraph
                "regionalOffice": {"slug": "nairobi", "staffCount": 11},  # 11: made up
            }
        }
    }


def test_a_query_from_the_test_subgraph_into_iom_graph(gateway: str) -> None:
    assert _ask(gateway, ACROSS_FROM_TEST) == {
        "data": {
            "featuredCountries": {
                "nodes": [
                    {
                        "alpha3": "KEN",
                        "population": 1001,
                        "name": "Kenya",
                        "regionalOffice": {
                            "slug": "nairobi",
                            "name": "IOM Regional Office for East and Horn of Africa",
                        },
                    },
                    {
                        "alpha3": "PER",
                        "population": 1003,
                        "name": "Peru",
                        "regionalOffice": {
                            "slug": "americas",
                            "name": "IOM Regional Office for the Americas",
                        },
                    },
                ],
                "pageInfo": {"hasNextPage": False},
            }
        }
    }
