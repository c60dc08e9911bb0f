"""The garbage collector's tuning (service/gc_tuning.py) as the entry point applies it: in a
fresh interpreter that imports ``server`` as uvicorn does and starts its app, the thresholds
are set at import, the start-up objects frozen once start-up is done (not before), and
``IOM_GRAPH_GC_TUNING=false`` leaves Python's defaults."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service import gc_tuning
from tests.live_server import server_env

ROOT = Path(__file__).resolve().parent.parent
PYTHON_DEFAULT_THRESHOLDS = [700, 10, 10]
# What the child prints on its last line: the collector's state after ``import server``, then
# after the app's start-up, and the answer to one lookup.
PROBE = """
import gc, json
from starlette.testclient import TestClient
import server
imported = {"frozen": gc.get_freeze_count(), "thresholds": list(gc.get_threshold())}
with TestClient(server.app) as client:
    started = {"frozen": gc.get_freeze_count(), "thresholds": list(gc.get_threshold())}
    answer = client.post(
        "/graphql", json={"query": '{ regionalOffice(slug: "nairobi") { rank } }'}
    ).json()
print(json.dumps({"imported": imported, "started": started, "answer": answer}))
"""


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One SQLite file for the module; the first server started migrates and seeds it."""
    return f"sqlite:///{tmp_path_factory.mktemp('gc') / 'iom-graph.sqlite3'}"


def started_server_state(database_url: str, env: dict[str, str]) -> dict[str, dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=server_env(database_url, {"IOM_GRAPH_LOG_LEVEL": "warning", **env}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    state: dict[str, dict[str, object]] = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["answer"]["data"] == {"regionalOffice": {"rank": 6}}
    return state


@pytest.mark.parametrize(
    ("env", "young"),
    [({}, gc_tuning.YOUNG_THRESHOLD), ({"IOM_GRAPH_GC_YOUNG_THRESHOLD": "5000"}, 5000)],
)
def test_started_app_is_tuned(database_url: str, env: dict[str, str], young: int) -> None:
    state = started_server_state(database_url, env)
    assert gc_tuning.YOUNG_THRESHOLD == 2000
    assert state["imported"] == {"frozen": 0, "thresholds": [young, 10, 10]}
    # The modules, the schema and the dataset read: well over 100,000 objects.
    frozen = state["started"]["frozen"]
    assert isinstance(frozen, int)
    assert frozen > 100_000
    assert state["started"]["thresholds"] == [young, 10, 10]


def test_tuning_can_be_turned_off(database_url: str) -> None:
    state = started_server_state(database_url, {"IOM_GRAPH_GC_TUNING": "false"})
    off = {"frozen": 0, "thresholds": PYTHON_DEFAULT_THRESHOLDS}
    assert state["imported"] == off
    assert state["started"] == off
