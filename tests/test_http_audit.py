"""GraphQL over HTTP conformance: the graphql-http audit suite against the real server.

Node runs ``tests/audit/run-audit.mjs`` (graphql-http pinned in ``tests/audit/package.json``)
against a server started as a subprocess on a fresh SQLite database. Every MUST (``error``) and
SHOULD (``warn``) audit has to pass; failed MAY audits (``notice``) are optional by the spec.
Node is required: the test fails, it does not skip, when ``node`` or ``npm`` is missing.
"""

import json
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests.live_server import REPO_ROOT, start_server

pytestmark = pytest.mark.audit

AUDIT_DIR = REPO_ROOT / "tests" / "audit"
GRAPHQL_HTTP_VERSION = "1.23.1"
NODE_TIMEOUT = 300


@pytest.fixture(scope="module")
def live_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT``) of a real server on a fresh SQLite database."""
    database = tmp_path_factory.mktemp("live-server") / "iom-graph.sqlite3"
    with start_server(f"sqlite:///{database}") as base_url:
        yield base_url


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"`{name}` is required for the GraphQL-over-HTTP audit and is not on PATH "
            "(install Node.js 18 or later).",
            pytrace=False,
        )
    return path


def _run(command: list[str], what: str) -> str:
    try:
        completed = subprocess.run(
            command,
            cwd=AUDIT_DIR,
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what} did not finish within {NODE_TIMEOUT} s: {command}", pytrace=False)
    if completed.returncode != 0:
        pytest.fail(
            f"{what} failed with exit code {completed.returncode}: {command}\n"
            f"--- stdout ---\n{completed.stdout[-4000:]}\n"
            f"--- stderr ---\n{completed.stderr[-4000:]}",
            pytrace=False,
        )
    return completed.stdout


@pytest.fixture(scope="module")
def node() -> str:
    """The node executable, with the audit's packages installed (``npm ci`` when missing)."""
    node = _tool("node")
    if not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        _run([_tool("npm"), "ci", "--no-audit", "--no-fund"], "npm ci in tests/audit")
    installed = json.loads(
        (AUDIT_DIR / "node_modules" / "graphql-http" / "package.json").read_text("utf-8")
    )
    assert installed["version"] == GRAPHQL_HTTP_VERSION, (
        f"tests/audit/node_modules holds graphql-http {installed['version']}, the lock pins "
        f"{GRAPHQL_HTTP_VERSION}: run `npm ci` in tests/audit"
    )
    return node


def _package_audit_ids(node: str) -> list[str]:
    """The ids of every audit graphql-http defines, straight from the package."""
    script = (
        "import { serverAudits } from 'graphql-http';"
        "console.log(JSON.stringify(serverAudits({ url: 'http://127.0.0.1:9/' }).map(a => a.id)));"
    )
    ids: list[str] = json.loads(
        _run([node, "--input-type=module", "-e", script], "listing the graphql-http audits")
    )
    return ids


def _describe(result: dict[str, Any]) -> str:
    line = f"- [{result['status']}] {result['id']} {result['name']}: {result['reason']}"
    response = result.get("response")
    if response:
        line += f"\n    got HTTP {response['status']} ({response['contentType']})"
        if response.get("body"):
            line += f" {response['body']}"
    return line


def test_graphql_over_http_audit(node: str, live_server_url: str) -> None:
    url = f"{live_server_url}/graphql"
    output = _run([node, str(AUDIT_DIR / "run-audit.mjs"), url], "run-audit.mjs")
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, f"run-audit.mjs should print one JSON line, printed:\n{output}"
    results: list[dict[str, Any]] = json.loads(lines[0])

    expected_ids = _package_audit_ids(node)
    assert len(expected_ids) > 0
    assert [r["id"] for r in results] == expected_ids, (
        f"run-audit.mjs reported {len(results)} audits, graphql-http {GRAPHQL_HTTP_VERSION} "
        f"defines {len(expected_ids)}: the run is partial or out of order"
    )

    unknown = {r["status"] for r in results} - {"ok", "notice", "warn", "error"}
    assert not unknown, f"unknown audit statuses {unknown}"
    failing = [r for r in results if r["status"] in ("error", "warn")]
    assert not failing, (
        f"{len(failing)} of {len(results)} GraphQL-over-HTTP audits fail against {url}:\n"
        + "\n".join(_describe(r) for r in failing)
    )
