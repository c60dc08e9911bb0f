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

import orjson

from benchmark import peer, postgres
from benchmark.ceiling_app import BODY_FILE_ENV
from benchmark.log import note
from benchmark.measure import LoadSettings, cold_starts, measure_server
from benchmark.peer_run import iom_graph_answers, run_postgraphile
from benchmark.reference_app import DATABASE_ENV
from benchmark.results import RunResults
from benchmark.scenarios import (
    CONCURRENCY,
    FULL_TRAVERSAL_POST,
    THREADS,
    Database,
    HttpRequest,
    Server,
    scenarios_of,
    variants_on,
)
from benchmark.servers import (
    IOM_GRAPH_ENV,
    REPO_ROOT,
    UVICORN_SETTINGS,
    ServerSpec,
    iom_graph,
    running,
)
from benchmark.synthetic import multiply_dataset
from db.engine import build_engine
from db.migrate import upgrade

LOAD_TIMEOUT = 120.0  # seconds for ``python -m db load`` on a fresh database
ONLY_POSTGRAPHILE = "postgraphile"
TENFOLD = 10  # the data factor of the memory-at-scale servers


@dataclass(frozen=True)
class Options:
    rounds: int
    duration: float
    postgres_url: str | None  # the maintenance database; None skips PostgreSQL
    cold_starts: int = 3
    only: str | None = None  # "postgraphile": only the PostgreSQL servers' peer scenarios

    @property
    def peer_only(self) -> bool:
        return self.only == ONLY_POSTGRAPHILE


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
        f"-c {CONCURRENCY} -t {THREADS} (and -c 1 -t 1); uvicorn {' '.join(UVICORN_SETTINGS)}; "
        f"{database}"
    )


def compare_bodies(expected: bytes, actual: bytes) -> tuple[bool, str]:
    """Whether the reference answers what iom-graph answers, and how closely."""
    if actual == expected:
        return True, f"byte-for-byte identical to iom-graph's ({len(actual)} bytes)"
    if orjson.loads(actual) == orjson.loads(expected):
        return True, f"JSON-equal to iom-graph's ({len(actual)} vs {len(expected)} bytes)"
    return False, f"DIFFERENT from iom-graph's: {actual[:300]!r}"


def run_iom_graph(
    server: Server,
    database_url: str,
    workdir: Path,
    settings: LoadSettings,
    results: RunResults,
    *,
    peer_only: bool = False,
) -> dict[HttpRequest, bytes]:
    """One iom-graph variant, measured; returns its first answers (the full traversal's, and
    on PostgreSQL those PostGraphile's are checked against), kept from before the load."""
    with running(iom_graph(server, database_url), FULL_TRAVERSAL_POST, workdir) as running_server:
        answers = {FULL_TRAVERSAL_POST: running_server.first_answer.body}
        if server is Server.POSTGRES:
            answers |= iom_graph_answers(running_server.base_url)
        measure_server(running_server, settings, workdir, results, peer_only=peer_only)
        return answers


def run_sqlite(workdir: Path, settings: LoadSettings, results: RunResults) -> bytes:
    """The SQLite variants on one file (the first migrates and seeds it); the first's body."""
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    bodies = [
        run_iom_graph(server, url, workdir, settings, results)[FULL_TRAVERSAL_POST]
        for server in variants_on(Database.SQLITE)
    ]
    return bodies[0]


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


def run_ceiling(workdir: Path, body: bytes, settings: LoadSettings, results: RunResults) -> None:
    body_file = workdir / "full-traversal.json"
    body_file.write_bytes(body)
    env = {BODY_FILE_ENV: str(body_file)}
    spec = ServerSpec(Server.CEILING, "benchmark.ceiling_app:create_app", env, factory=True)
    with running(spec, FULL_TRAVERSAL_POST, workdir) as server:
        measure_server(server, settings, workdir, results)


def run_reference(
    workdir: Path, expected: bytes, settings: LoadSettings, results: RunResults
) -> None:
    """The in-memory reference, measured only if it answers what iom-graph answers."""
    env = {**IOM_GRAPH_ENV, DATABASE_ENV: f"sqlite:///{workdir / 'bench.sqlite3'}"}
    spec = ServerSpec(Server.REFERENCE, "benchmark.reference_app:create_app", env, factory=True)
    with running(spec, FULL_TRAVERSAL_POST, workdir) as server:
        matches, results.reference_check = compare_bodies(expected, server.first_answer.body)
        note(f"reference check: the full traversal is {results.reference_check}")
        if matches:
            measure_server(server, settings, workdir, results)


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
    maintenance_url: str,
    workdir: Path,
    settings: LoadSettings,
    results: RunResults,
    *,
    peer_only: bool = False,
) -> None:
    """The PostgreSQL servers on one fresh database, loaded first: iom-graph's variants (the
    first one's answers kept), then PostGraphile, checked against them."""
    with postgres.fresh_database(maintenance_url) as database_url:
        load_database(database_url)
        expected: dict[HttpRequest, bytes] = {}
        for server in variants_on(Database.POSTGRES):
            if scenarios_of(server, peer_only):
                expected |= run_iom_graph(
                    server, database_url, workdir, settings, results, peer_only=peer_only
                )
        run_postgraphile(database_url, expected, workdir, settings, results, peer_only=peer_only)
    if not peer_only:
        with postgres.fresh_database(maintenance_url) as database_url:
            run_multiplied(Database.POSTGRES, database_url, workdir, settings, results)


def run_benchmark(options: Options) -> RunResults:
    started = time.monotonic()
    settings = LoadSettings(options.rounds, options.duration)
    results = RunResults(describe_machine(), describe_settings(options))
    if options.postgres_url:
        peer.ensure_installed()
    with tempfile.TemporaryDirectory(prefix="iom-graph-bench-") as tmp:
        workdir = Path(tmp)
        if not options.peer_only:
            results.cold_starts = cold_starts(workdir, options.cold_starts)
            expected = run_sqlite(workdir, settings, results)
            run_ceiling(workdir, expected, settings, results)
            run_reference(workdir, expected, settings, results)
            tenfold_url = f"sqlite:///{workdir / 'bench-10x.sqlite3'}"
            run_multiplied(Database.SQLITE, tenfold_url, workdir, settings, results)
        if options.postgres_url:
            peer_only = options.peer_only
            run_postgres(options.postgres_url, workdir, settings, results, peer_only=peer_only)
    results.seconds = time.monotonic() - started
    return results
