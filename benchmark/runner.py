"""One benchmark run: every server in turn, each measured then stopped."""

import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmark import memory, peer, postgres
from benchmark.interleaved import LoadPlan, against_bounds, against_postgraphile
from benchmark.log import note
from benchmark.measure import LoadSettings, cold_starts, measure_server
from benchmark.peer_queries import AnswersDifferError
from benchmark.probe_shapes import PROBE_SHAPES
from benchmark.results import RunResults
from benchmark.scenarios import (
    CONCURRENCY,
    FULL_TRAVERSAL_POST,
    THREADS,
    Database,
    Server,
    variants_on,
)
from benchmark.servers import (
    REPO_ROOT,
    UVICORN_SETTINGS,
    iom_graph,
    running,
)
from benchmark.shapes import SHAPES
from benchmark.synthetic import multiply_dataset
from db.engine import build_engine
from db.migrate import upgrade

LOAD_TIMEOUT = 120.0  # seconds for ``python -m db load`` on a fresh database
ONLY_POSTGRAPHILE = "postgraphile"
ONLY_PROBE = "probe"  # the comparison with PostGraphile on the probe shapes instead
ONLY_BOUNDS = "bounds"
ONLY_MEMORY = "memory"
ONLY_COLD_START = "cold-start"
TENFOLD = 10  # the data factor of the memory-at-scale servers
DEFAULT_WORKERS = os.cpu_count() or 1  # the default deployment: one uvicorn worker per core


@dataclass(frozen=True)
class Options:
    rounds: int
    duration: float
    postgres_url: str | None  # the maintenance database; None skips PostgreSQL
    cold_starts: int = 3
    only: str | None = None  # "postgraphile", "probe": only the comparison with PostGraphile

    @property
    def peer_only(self) -> bool:
        return self.only in (ONLY_POSTGRAPHILE, ONLY_PROBE)

    @property
    def with_peer(self) -> bool:
        """PostGraphile runs: in the default run, ``--only postgraphile`` and ``--only probe``."""
        return self.only is None or self.peer_only

    @property
    def plan(self) -> LoadPlan:
        """The interleaved comparisons' rounds: at least 3, so that a range means something."""
        return LoadPlan(max(self.rounds, 3), self.duration)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.processor() or "unknown CPU"


def describe_machine() -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{platform.machine()}, {cpu_model()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {now}"
    )


def wrk_version() -> str:
    completed = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
    return completed.stdout.split(" [")[0] or "wrk"


def describe_settings(options: Options) -> str:
    versions = peer.pinned_versions()
    database = (
        f"PostgreSQL {postgres.server_version(options.postgres_url)}; PostGraphile "
        f"{versions['postgraphile']} on Node {versions['node']} "
        "(benchmark/postgraphile/graphile.config.mjs)"
        if options.postgres_url
        else "PostgreSQL and PostGraphile skipped"
    )
    return (
        f"{options.rounds} round(s) of {options.duration:g} s per figure; {wrk_version()} "
        f"-c {CONCURRENCY} -t {THREADS} (and -c 1 -t 1); iom-graph: python server.py; "
        f"other apps: uvicorn {' '.join(UVICORN_SETTINGS)}; "
        f"{database}"
    )


def run_iom_graph(
    server: Server, database_url: str, workdir: Path, settings: LoadSettings, results: RunResults
) -> None:
    """One iom-graph variant, measured on its own."""
    with running(iom_graph(server, database_url), FULL_TRAVERSAL_POST, workdir) as running_server:
        measure_server(running_server, settings, workdir, results)


def run_sqlite(workdir: Path, settings: LoadSettings, results: RunResults) -> str:
    """The SQLite variants on one file (the first migrates and seeds it); the file's URL."""
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    for server in variants_on(Database.SQLITE):
        run_iom_graph(server, url, workdir, settings, results)
    return url


def fill_multiplied(database_url: str, factor: int) -> None:
    """Migrate the empty database, load the dataset, then copy it until ``factor`` times."""
    note(f"{database_url.partition(':')[0]}: the dataset copied to {factor} times its size")
    engine = build_engine(database_url)
    try:
        upgrade(engine)
        multiply_dataset(engine, factor)
    finally:
        engine.dispose()


def run_multiplied(
    database: Database,
    database_url: str,
    workdir: Path,
    settings: LoadSettings,
    results: RunResults,
) -> None:
    """The variants on ``database`` holding ``TENFOLD`` times the data, in ``database_url``."""
    fill_multiplied(database_url, TENFOLD)
    for server in variants_on(database, data_factor=TENFOLD):
        run_iom_graph(server, database_url, workdir, settings, results)


def run_memory(
    options: Options, workdir: Path, settings: LoadSettings, results: RunResults
) -> None:
    """Peak RSS of one iom-graph worker on the dataset and on ten times the data, each after
    its scenarios' load (SQLite, then PostgreSQL unless skipped); then, in a process of its
    own, where the memory goes at ten times the data on SQLite."""
    sqlite_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    run_iom_graph(Server.SQLITE, sqlite_url, workdir, settings, results)
    tenfold_url = f"sqlite:///{workdir / 'bench-10x.sqlite3'}"
    run_multiplied(Database.SQLITE, tenfold_url, workdir, settings, results)
    once, tenfold = (
        iom_graph(Server.SQLITE, sqlite_url),
        iom_graph(Server.SQLITE_TENFOLD, tenfold_url),
    )
    first = memory.measure(once.server, once, workdir, trace=False)
    results.memory_profiles += [
        first,
        memory.measure(tenfold.server, tenfold, workdir, trace=False),
        memory.measure(tenfold.server, tenfold, workdir, False, import_first=first.imported),
        memory.measure(tenfold.server, tenfold, workdir, trace=True),
    ]
    if options.postgres_url:
        with postgres.fresh_database(options.postgres_url) as database_url:
            load_database(database_url)
            run_iom_graph(Server.POSTGRES, database_url, workdir, settings, results)
        with postgres.fresh_database(options.postgres_url) as database_url:
            run_multiplied(Database.POSTGRES, database_url, workdir, settings, results)


def load_database(database_url: str) -> None:
    """``python -m db load`` (migrate, then load the dataset) on the run's fresh database."""
    note("PostgreSQL: python -m db load")
    subprocess.run(
        [sys.executable, "-m", "db", "--database-url", database_url, "load"],
        cwd=REPO_ROOT,
        check=True,
        timeout=LOAD_TIMEOUT,
        stdin=subprocess.DEVNULL,
        stdout=sys.stderr,  # its progress with the benchmark's; stdout is the report
        env={k: v for k, v in os.environ.items() if not k.startswith("IOM_GRAPH_")},
    )


def run_postgres(
    options: Options, workdir: Path, settings: LoadSettings, results: RunResults
) -> None:
    """On one fresh database, loaded first: iom-graph's variants each on its own, then
    iom-graph against PostGraphile, interleaved; then the ten-times-the-data servers."""
    assert options.postgres_url
    with postgres.fresh_database(options.postgres_url) as database_url:
        load_database(database_url)
        if not options.peer_only:
            for server in variants_on(Database.POSTGRES):
                run_iom_graph(server, database_url, workdir, settings, results)
        try:
            shapes = PROBE_SHAPES if options.only == ONLY_PROBE else SHAPES
            results.interleaved += against_postgraphile(
                database_url, options.plan, DEFAULT_WORKERS, workdir, shapes=shapes
            )
            results.peer_check = "equal to iom-graph's leaf by leaf on every shape"
        except AnswersDifferError as error:
            results.peer_check, results.peer_differs = f"DIFFERENT: {error}", True
            note(f"PostGraphile check FAILED, not measured further: {error}")
    if not options.peer_only:
        with postgres.fresh_database(options.postgres_url) as database_url:
            run_multiplied(Database.POSTGRES, database_url, workdir, settings, results)


def run_benchmark(options: Options) -> RunResults:
    started = time.monotonic()
    settings = LoadSettings(options.rounds, options.duration)
    results = RunResults(describe_machine(), describe_settings(options))
    if options.postgres_url and options.with_peer:
        peer.ensure_installed()
    with tempfile.TemporaryDirectory(prefix="iom-graph-bench-") as tmp:
        workdir = Path(tmp)
        if options.only == ONLY_COLD_START:
            results.cold_starts = cold_starts(workdir, options.cold_starts)
        elif options.only == ONLY_MEMORY:
            run_memory(options, workdir, settings, results)
        elif options.only == ONLY_BOUNDS:  # the bounds' interleaved comparisons, nothing else
            sqlite_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
            results.reference_check, bounds = against_bounds(sqlite_url, options.plan, workdir)
            results.interleaved += bounds
        elif not options.peer_only:
            results.cold_starts = cold_starts(workdir, options.cold_starts)
            sqlite_url = run_sqlite(workdir, settings, results)
            results.reference_check, bounds = against_bounds(sqlite_url, options.plan, workdir)
            results.interleaved += bounds
            tenfold_url = f"sqlite:///{workdir / 'bench-10x.sqlite3'}"
            run_multiplied(Database.SQLITE, tenfold_url, workdir, settings, results)
        if options.postgres_url and options.with_peer:
            run_postgres(options, workdir, settings, results)
    results.seconds = time.monotonic() - started
    return results
