"""What a newcomer meets first: the install says nothing alarming, ``python server.py`` (what
``make run`` runs) ends its output with the three addresses to open once it is ready, and an
installed wheel keeps its SQLite database outside ``site-packages``."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from tests.live_server import REPO_ROOT, free_port, server_env

STARTUP_TIMEOUT = 60.0
# Folders the service reads at run time: each file must be in the wheel.
DATA_FOLDERS = (
    "db/data",
    "db/migrations",
    "schema",
    "service/graphiql",
    "service/map",
)


def _tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout
    return [name for name in listed.decode().split("\0") if name]


def _copy_checkout(target: Path) -> None:
    """The committed files and the working copy's edits, without build/ or caches (setuptools
    builds in the source folder)."""
    for name in _tracked_files():
        source = REPO_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def build_wheel(tmp_path: Path) -> tuple[Path, str]:
    """The wheel, built as pip builds the project for ``make run``, and pip's verbose output."""
    source, out = tmp_path / "src", tmp_path / "wheel"
    _copy_checkout(source)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = built.stdout + built.stderr
    assert built.returncode == 0, output[-4000:]
    (wheel,) = out.glob("iom_graph-*.whl")
    return wheel, output


def test_the_wheel_builds_quietly_holds_every_data_file_and_keeps_its_database_outside_it(
    tmp_path: Path,
) -> None:
    wheel, output = build_wheel(tmp_path)
    assert "would be ignored" not in output
    assert "is absent from the `packages` configuration" not in output
    with zipfile.ZipFile(wheel) as archive:
        packaged = set(archive.namelist())
    needed = {
        name for name in _tracked_files() if name.startswith(DATA_FOLDERS) or name == "server.py"
    }
    assert sorted(needed - packaged) == []

    installed, data_home = tmp_path / "site-packages", tmp_path / "data-home"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOM_GRAPH_")}
    env.update(PYTHONPATH=str(installed), XDG_DATA_HOME=str(data_home))
    url = subprocess.run(
        [sys.executable, "-c", "from db.settings import DEFAULT_DATABASE_URL as u; print(u)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert url == f"sqlite:///{data_home / 'iom-graph' / 'iom-graph.sqlite3'}"


def test_a_checkout_keeps_its_database_in_var() -> None:
    from db.settings import DEFAULT_SQLITE_PATH

    assert DEFAULT_SQLITE_PATH == REPO_ROOT / "var" / "iom-graph.sqlite3"


def test_server_py_ends_its_output_with_the_three_addresses_once_ready(tmp_path: Path) -> None:
    port = free_port()
    env = server_env(f"sqlite:///{tmp_path / 'first.sqlite3'}")
    env.update(IOM_GRAPH_HOST="127.0.0.1", IOM_GRAPH_PORT=str(port))
    process = subprocess.Popen(
        [sys.executable, "server.py"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("  data downloads"):
                break
    finally:
        process.terminate()
        process.communicate(timeout=15)
    base = f"http://127.0.0.1:{port}"
    assert lines[-4:] == [
        "iom-graph is ready:",
        f"  map             {base}/",
        f"  GraphiQL        {base}/graphql",
        f"  data downloads  {base}/data/",
    ], "\n".join(lines)
    logged = [json.loads(line) for line in lines[:-4]]  # every other line is a JSON log line
    assert [entry for entry in logged if entry["level"] != "info"] == []
    assert [line for line in lines if "warn" in line.lower()] == []
    # uvicorn's own lines, in the same format, come before the addresses
    assert [entry["message"] for entry in logged if entry["logger"] == "uvicorn.error"] == [
        f"Started server process [{process.pid}]",
        "Waiting for application startup.",
        "Application startup complete.",
        f"Uvicorn running on {base} (Press CTRL+C to quit)",
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", logged[-1]["time"])
