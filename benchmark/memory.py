"""Where one iom-graph process's memory goes, stage by stage, and (traced) by file and line.

    .venv/bin/python -m benchmark.memory DATABASE_URL [--trace] [--requests N]

Builds the application in this process as ``uvicorn server:app`` does (``import server``, with
the environment's ``IOM_GRAPH_*`` settings), runs its start-up (the migration check, the
dataset read into memory) through Starlette's test client, then answers the full traversal N
times. After each stage it reads VmRSS and VmHWM from /proc. With ``--trace``, tracemalloc
runs from before the imports, and the answer adds the largest allocations still alive at the
end, by line and by file. tracemalloc's own bookkeeping inflates RSS, so the stages' figures
come from a run without it. Writes one JSON object to ``--output``; ``benchmark.runner``
(``--only memory``) runs this module in a subprocess (``measure``) and ``benchmark.report``
renders it.
"""

import argparse
import importlib
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from benchmark.log import note
from benchmark.procfs import status_mb
from benchmark.scenarios import FULL_TRAVERSAL_POST
from benchmark.servers import REPO_ROOT, ServerSpec, server_env

TOP = 12  # rows of each tracemalloc table
DEFAULT_REQUESTS = 10
MB = 1_000_000
PROFILE_TIMEOUT = 300.0  # seconds for one profiling subprocess


@dataclass(frozen=True)
class Stage:
    name: str
    rss_mb: float
    peak_mb: float
    traced_mb: float | None = None  # tracemalloc's current total, when tracing


@dataclass(frozen=True)
class Allocation:
    where: str  # file:line, or file
    size_mb: float
    blocks: int


@dataclass
class MemoryProfile:
    """One process's stages, and (traced) the largest live allocations at the end."""

    label: str
    stages: list[Stage] = field(default_factory=list)
    by_line: list[Allocation] = field(default_factory=list)
    by_file: list[Allocation] = field(default_factory=list)
    # The packages ``import server`` loads (top-level names, in the order they were first
    # imported; the repository's own left out), and, when imported one by one before it, the
    # RSS each added (``blocks``: how many modules it brought, its dependencies not yet loaded
    # among them).
    imported: list[str] = field(default_factory=list)
    by_package: list[Allocation] = field(default_factory=list)


def _short(filename: str) -> str:
    """A path from the repository or from site-packages, not the machine's prefix."""
    for marker in ("site-packages/", f"{Path.cwd()}/", "/lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _top(snapshot: tracemalloc.Snapshot, key: str) -> list[Allocation]:
    def where(stat: tracemalloc.Statistic) -> str:
        frame = stat.traceback[0]
        name = _short(frame.filename)
        return f"{name}:{frame.lineno}" if key == "lineno" else name

    return [
        Allocation(where(stat), stat.size / MB, stat.count)
        for stat in snapshot.statistics(key)[:TOP]
    ]


def _packages_loaded() -> list[str]:
    """Top-level names in ``sys.modules``, in the order their import began, without the
    repository's own modules (its virtualenv's are kept) and private or built-in ones."""

    def own(name: str) -> bool:
        file = str(getattr(sys.modules[name], "__file__", None) or REPO_ROOT)
        return file.startswith(str(REPO_ROOT)) and "site-packages" not in file

    names = dict.fromkeys(name.partition(".")[0] for name in list(sys.modules))
    return [
        name for name in names if not name.startswith("_") and name in sys.modules and not own(name)
    ]


def _import_one_by_one(packages: list[str]) -> list[Allocation]:
    """The RSS each package adds, imported in turn (those already loaded add nothing)."""
    added = []
    for name in packages:
        if name in sys.modules:
            continue
        before, modules = status_mb("self", "VmRSS"), len(sys.modules)
        try:
            importlib.import_module(name)
        except ImportError:  # imported conditionally by another package: left to it
            continue
        size = status_mb("self", "VmRSS") - before
        added.append(Allocation(name, size, len(sys.modules) - modules))
    return sorted(added, key=lambda allocation: -allocation.size_mb)


def profile(requests: int, trace: bool, import_first: list[str]) -> MemoryProfile:
    """The stages of this process (its settings from the environment); ``import_first``:
    packages to import one by one, before ``import server``, each measured."""
    if trace:
        tracemalloc.start()
    found = MemoryProfile("traced" if trace else "untraced")

    def stage(name: str) -> None:
        traced = tracemalloc.get_traced_memory()[0] / MB if trace else None
        rss, peak = status_mb("self", "VmRSS"), status_mb("self", "VmHWM")
        found.stages.append(Stage(name, rss, peak, traced))

    stage("interpreter and the benchmark's modules")
    if import_first:
        found.by_package = _import_one_by_one(import_first)
        stage(f"{len(found.by_package)} packages imported one by one")
    from starlette.testclient import TestClient

    import server  # the stage measures this import (and the app it builds)

    found.imported = _packages_loaded()
    stage("imports and the app built (import server)")
    with TestClient(server.app) as client:
        stage("start-up done (migration check, dataset read)")
        headers = dict(FULL_TRAVERSAL_POST.headers)
        for _ in range(requests):
            answer = client.post("/graphql", content=FULL_TRAVERSAL_POST.body, headers=headers)
            if answer.status_code != 200 or b'"errors"' in answer.content[:200]:
                raise RuntimeError(f"full traversal: {answer.status_code} {answer.text[:300]}")
        stage(f"after {requests} full traversals")
        if trace:
            snapshot = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__)]
            )
            found.by_line, found.by_file = _top(snapshot, "lineno"), _top(snapshot, "filename")
    return found


def from_json(label: str, payload: bytes) -> MemoryProfile:
    data = orjson.loads(payload)
    return MemoryProfile(
        label,
        [Stage(**s) for s in data["stages"]],
        [Allocation(**a) for a in data["by_line"]],
        [Allocation(**a) for a in data["by_file"]],
        data["imported"],
        [Allocation(**a) for a in data["by_package"]],
    )


def measure(
    label: str, spec: ServerSpec, workdir: Path, trace: bool, import_first: Sequence[str] = ()
) -> MemoryProfile:
    """This module run in a subprocess with ``spec``'s settings (as its server would run)."""
    run = "traced" if trace else ("by-package" if import_first else "untraced")
    output = workdir / f"memory-{spec.slug}-{run}.json"
    database_url = spec.env["IOM_GRAPH_DATABASE_URL"]
    command = [sys.executable, "-m", "benchmark.memory", database_url, "--output", str(output)]
    if import_first:
        command += ["--import-first", ",".join(import_first)]
    note(f"{label}: where the memory goes ({run})")
    subprocess.run(
        [*command, *(["--trace"] if trace else [])],
        cwd=REPO_ROOT,
        env=server_env(spec),
        stdin=subprocess.DEVNULL,
        stdout=sys.stderr,  # the app's own output with the benchmark's progress
        check=True,
        timeout=PROFILE_TIMEOUT,
    )
    return from_json(label, output.read_bytes())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmark.memory",
        description="One iom-graph process's RSS after each stage; --trace: tracemalloc's top.",
    )
    parser.add_argument("database_url", help="the database to serve (IOM_GRAPH_DATABASE_URL)")
    parser.add_argument("--output", type=Path, required=True, help="where to write the JSON")
    parser.add_argument("--trace", action="store_true", help="tracemalloc, top by line and file")
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS)
    parser.add_argument(
        "--import-first", default="", help="comma-separated packages to import one by one first"
    )
    args = parser.parse_args(argv)
    os.environ["IOM_GRAPH_DATABASE_URL"] = args.database_url
    found = profile(args.requests, args.trace, [n for n in args.import_first.split(",") if n])
    args.output.write_bytes(orjson.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
