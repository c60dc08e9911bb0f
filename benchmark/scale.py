"""The scale-out topology against one replica: three iom-graph replicas on one PostgreSQL
database, behind nginx with ``deploy/nginx-scale.conf`` (balancer and edge cache), measured
with wrk beside one replica alone, on 127.0.0.1 only.

    .venv/bin/python -m benchmark.scale                          # 3 rounds of 5 s, ~4 minutes
    .venv/bin/python -m benchmark.scale --rounds 1 --duration 2  # smoke run, ~1 minute

Every replica (and the lone one) runs as the main benchmark's servers do (``benchmark.servers``:
httptools, uvloop, no access log, a rate limiter that never refuses). Three configurations:

1. **uncached**: the response cache off, no Redis. POST (the edge never caches POST) of the
   full traversal and of the point lookup: what balancing the execution over replicas gives.
2. **shared cache**: the replicas' response cache in Redis (127.0.0.1:6379). GET of the full
   traversal: alone, a replica answers it from Redis; through nginx, the edge sends its copy
   after a replica's 304 (``X-Cache-Status: REVALIDATED``, the deployed default, max-age=0).
3. **edge fresh**: the same with ``IOM_GRAPH_CACHE_MAX_AGE_SECONDS=60``: nginx answers from its
   copy without asking a replica (``HIT``), stale for up to 60 s after a load.

Each figure: one checked request, a 1 s warm-up, then ``--rounds`` wrk runs of ``--duration``
seconds at ``--connections`` (32) connections, the median and range of requests/s. After each
run the benchmark waits until every replica stops using CPU. Prints a Markdown table.
"""

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmark import postgres, wrk
from benchmark.client import send
from benchmark.log import note
from benchmark.measure import SETTLE_TIMEOUT, ServerBusyError, answer_problems
from benchmark.procfs import wait_until_idle
from benchmark.results import Figure
from benchmark.scenarios import (
    CONCURRENCY,
    FULL_TRAVERSAL_GET,
    FULL_TRAVERSAL_POST,
    POINT_LOOKUP_POST,
    THREADS,
    HttpRequest,
    Server,
)
from benchmark.servers import IOM_GRAPH_ENV, ServerSpec, running
from db.engine import build_engine
from db.loader import load_dataset
from db.migrate import upgrade
from tests.scale_topology import REDIS_URL, REPLICAS, start_edge

WARM_UP_SECONDS = 1.0
UNCACHED: dict[str, str] = {}
SHARED_CACHE = {"IOM_GRAPH_REDIS_URL": REDIS_URL}
EDGE_FRESH = {**SHARED_CACHE, "IOM_GRAPH_CACHE_MAX_AGE_SECONDS": "60"}


@dataclass(frozen=True)
class Load:
    rounds: int
    duration: float
    connections: int


@dataclass(frozen=True)
class Row:
    """One request measured against one replica alone and through the topology."""

    name: str
    alone: Figure | None
    topology: Figure
    problems: list[str]


@dataclass(frozen=True)
class Front:
    """Where wrk sends its load, and the replica processes that answer it."""

    base_url: str
    pids: tuple[int, ...]


def settle(pids: tuple[int, ...]) -> None:
    """Wait until every replica has finished the requests wrk abandoned."""
    for pid in pids:
        if not wait_until_idle(pid, SETTLE_TIMEOUT):
            raise ServerBusyError(f"replica {pid} still busy {SETTLE_TIMEOUT:g} s after wrk")


def check(front: Front, request: HttpRequest, edge_status: str | None) -> list[str]:
    """The answer's problems; through the edge, the second answer must come ``edge_status``."""
    problems = answer_problems(send(front.base_url, request), revalidating=False)
    if edge_status is not None:
        status = send(front.base_url, request).headers.get("X-Cache-Status")
        if status != edge_status:
            problems.append(f"X-Cache-Status {status}, expected {edge_status}")
    return problems


def measure(
    front: Front, request: HttpRequest, load: Load, workdir: Path, edge_status: str | None = None
) -> tuple[Figure, list[str]]:
    """Requests/s of ``request`` at ``front``: the rounds' median and range, and problems."""
    problems = check(front, request, edge_status)
    script = wrk.write_script(request, workdir / "scale.lua")
    threads = min(THREADS, load.connections)

    def run(duration: float) -> wrk.WrkResult:
        result = wrk.run(
            front.base_url,
            script,
            connections=load.connections,
            threads=threads,
            duration=duration,
        )
        settle(front.pids)
        return result

    run(WARM_UP_SECONDS)
    rounds = [run(load.duration) for _ in range(load.rounds)]
    errors = sum(r.non_2xx + r.socket_errors for r in rounds)
    problems += [f"{errors} non-2xx/3xx responses or socket errors"] if errors else []
    return Figure.of([r.requests_per_second for r in rounds]), problems


@contextmanager
def replicas(
    database_url: str, settings: Mapping[str, str], count: int, workdir: Path
) -> Iterator[tuple[tuple[str, ...], tuple[int, ...]]]:
    """``count`` replicas (base URLs, process ids), each with its own log directory."""
    env = {**IOM_GRAPH_ENV, **settings, "IOM_GRAPH_DATABASE_URL": database_url}
    with ExitStack() as stack:
        started = []
        for index in range(count):
            directory = workdir / f"replica-{index + 1}"
            directory.mkdir(exist_ok=True)
            spec = ServerSpec(Server.POSTGRES, "server:app", env)
            started.append(stack.enter_context(running(spec, FULL_TRAVERSAL_POST, directory)))
        yield tuple(s.base_url for s in started), tuple(s.process.pid for s in started)


def compare(
    database_url: str,
    settings: Mapping[str, str],
    requests: list[tuple[str, HttpRequest, str | None]],
    load: Load,
    workdir: Path,
    alone: bool = True,
) -> list[Row]:
    """Each (name, request, edge status) against one replica, then through the topology."""
    lone: dict[str, tuple[Figure, list[str]]] = {}
    if alone:
        with replicas(database_url, settings, 1, workdir) as (urls, pids):
            for name, request, _ in requests:
                note(f"one replica: {name}")
                lone[name] = measure(Front(urls[0], pids), request, load, workdir)
    rows = []
    with (
        replicas(database_url, settings, REPLICAS, workdir) as (urls, pids),
        start_edge(urls, access_log=False) as topology,
    ):
        for name, request, edge_status in requests:
            note(f"{REPLICAS} replicas behind nginx: {name}")
            figure, problems = measure(
                Front(topology.edge, pids), request, load, workdir, edge_status
            )
            alone_figure, alone_problems = lone.get(name, (None, []))
            rows.append(Row(name, alone_figure, figure, alone_problems + problems))
    return rows


def run(database_url: str, load: Load, workdir: Path) -> list[Row]:
    uncached = [
        ("full traversal, POST, uncached", FULL_TRAVERSAL_POST, None),
        ("point lookup, POST, uncached", POINT_LOOKUP_POST, None),
    ]
    shared = [
        ("full traversal, GET, Redis cache (edge: REVALIDATED)", FULL_TRAVERSAL_GET, "REVALIDATED")
    ]
    fresh = [("full traversal, GET, max-age 60 (edge: HIT)", FULL_TRAVERSAL_GET, "HIT")]
    return [
        *compare(database_url, UNCACHED, uncached, load, workdir),
        *compare(database_url, SHARED_CACHE, shared, load, workdir),
        # Alone, a replica answers this as in the shared-cache row: only the edge changes.
        *compare(database_url, EDGE_FRESH, fresh, load, workdir, alone=False),
    ]


def _cell(figure: Figure | None) -> str:
    if figure is None:
        return "(as above)"
    return f"{figure.median:,.0f} ({figure.low:,.0f}-{figure.high:,.0f})"


def render(rows: list[Row], load: Load) -> str:
    lines = [
        f"{os.cpu_count()} CPUs; wrk at {load.connections} connections, {load.rounds} round(s) "
        f"of {load.duration:g} s; requests/s, median (min-max).",
        "",
        f"| request | one replica | {REPLICAS} replicas behind nginx | ratio | problems |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = f"{row.topology.median / row.alone.median:.2f}x" if row.alone else ""
        problems = "; ".join(row.problems) or "none"
        lines.append(
            f"| {row.name} | {_cell(row.alone)} | {_cell(row.topology)} | {ratio} | {problems} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmark.scale", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per figure (default 3)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run (5)")
    parser.add_argument("--connections", type=int, default=CONCURRENCY, help="(default 32)")
    parser.add_argument("--postgres", default=postgres.DEFAULT_MAINTENANCE_URL)
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.duration <= 0 or args.connections < 1:
        parser.error("--rounds, --duration and --connections must be positive")
    if wrk.find_wrk() is None:
        print(f"benchmark.scale: wrk is missing: {wrk.INSTALL_COMMAND}", file=sys.stderr)
        return 2
    load = Load(args.rounds, args.duration, args.connections)
    with (
        postgres.fresh_database(args.postgres) as database_url,
        tempfile.TemporaryDirectory(prefix="iom-graph-bench-scale-") as workdir,
    ):
        engine = build_engine(database_url)
        upgrade(engine)
        load_dataset(engine)
        engine.dispose()
        rows = run(database_url, load, Path(workdir))
    print(render(rows, load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
