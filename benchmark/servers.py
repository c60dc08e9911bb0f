"""Starting and stopping the servers: one subprocess each, all with the same settings.

iom-graph runs as ``make run`` runs it: ``python server.py``, its host, port and workers in
``IOM_GRAPH_*`` variables (the bounded protocol, and the acceptor of service/accepting.py), unless
a spec asks for a protocol (``ServerSpec.http``: ``uvicorn server:app --http <it>``, to compare
protocols). The other uvicorn apps (ceiling, reference) run under ``UVICORN_SETTINGS``."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmark.client import Answer, wait_until_answered
from benchmark.procfs import cpu_ticks
from benchmark.scenarios import IOM_GRAPH_VARIANTS, HttpRequest, Server, slugify

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
ENTRY_POINT_APP = "server:app"  # the app ``python server.py`` serves
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
UVICORN_SETTINGS = (
    "--http",
    "httptools",
    "--loop",
    "uvloop",
    "--no-access-log",
    "--log-level",
    "warning",
)
# Settings of every iom-graph process (and of the reference, which reads the same ones):
# - its JSON request log is an access log: off like uvicorn's (warnings and errors still kept);
# - the rate limiter runs on every request but never refuses: all the load comes from one
#   client (127.0.0.1), which the default budget (10 000 cost units/s) would cap at ~4 full
#   traversals per second;
# - the response cache is off: the same request repeated would otherwise be served from it
#   (the cached variant turns it back on).
IOM_GRAPH_ENV = {
    "IOM_GRAPH_LOG_LEVEL": "warning",
    "IOM_GRAPH_RESPONSE_CACHE_BYTES": "0",
    "IOM_GRAPH_RATE_LIMIT_PER_SECOND": "1000000000",
    "IOM_GRAPH_RATE_LIMIT_BURST": "1000000000000000",
}


@dataclass(frozen=True)
class ServerSpec:
    server: Server
    app: str  # "module:attribute"
    env: Mapping[str, str] = field(default_factory=dict)
    workers: int = 1
    factory: bool = False  # ``app`` names a function returning the application
    # A server that is not a uvicorn app (PostGraphile): its command, "{port}" replaced.
    command: tuple[str, ...] = ()
    postgres_url: str | None = None  # its PostgreSQL database, whose backends' CPU is read
    # uvicorn's --http instead of UVICORN_SETTINGS' (a class path); for ``server:app``, it
    # runs ``uvicorn server:app`` instead of ``python server.py``
    http: str | None = None

    @property
    def as_shipped(self) -> bool:
        """Run as ``make run`` runs it: ``python server.py``."""
        return self.app == ENTRY_POINT_APP and self.http is None and not self.command

    @property
    def slug(self) -> str:
        return slugify(self.server)


@dataclass(frozen=True)
class RunningServer:
    spec: ServerSpec
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path
    first_answer: Answer


def iom_graph(server: Server, database_url: str) -> ServerSpec:
    """``server:app`` as ``IOM_GRAPH_VARIANTS[server]`` says, on ``database_url``."""
    variant = IOM_GRAPH_VARIANTS[server]
    env = {**IOM_GRAPH_ENV, **dict(variant.env), "IOM_GRAPH_DATABASE_URL": database_url}
    on_postgres = database_url.startswith("postgresql")
    postgres_url = database_url if on_postgres else None
    return ServerSpec(server, "server:app", env, variant.workers, postgres_url=postgres_url)


PORTS_ENV = "IOM_GRAPH_BENCH_PORTS"  # e.g. "18300-18399": a shared machine's share of ports


def free_port() -> int:
    """A port free on ``HOST``: the first of ``IOM_GRAPH_BENCH_PORTS`` if set, else any."""
    low, _, high = os.environ.get(PORTS_ENV, "0-0").partition("-")
    for candidate in range(int(low), int(high or low) + 1):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((HOST, candidate))
            except OSError:
                continue
            port: int = probe.getsockname()[1]
            return port
    raise RuntimeError(f"no free port in {PORTS_ENV}={low}-{high}")


def server_command(spec: ServerSpec, port: int) -> list[str]:
    if spec.command:
        return [part.replace("{port}", str(port)) for part in spec.command]
    if spec.as_shipped:
        return [sys.executable, "server.py"]
    return uvicorn_command(spec, port)


def uvicorn_command(spec: ServerSpec, port: int) -> list[str]:
    command = [sys.executable, "-m", "uvicorn", spec.app, "--host", HOST, "--port", str(port)]
    settings = list(UVICORN_SETTINGS)
    if spec.http is not None:
        settings[settings.index("--http") + 1] = spec.http
    command += [*settings, "--workers", str(spec.workers)]
    return [*command, "--factory"] if spec.factory else command


def server_env(spec: ServerSpec) -> dict[str, str]:
    """The parent's environment without its IOM_GRAPH_* settings, plus the spec's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOM_GRAPH_")}
    return {**env, **spec.env}


def entry_point_env(spec: ServerSpec, port: int) -> dict[str, str]:
    """What ``python server.py`` reads instead of uvicorn's options (the log level is in
    every iom-graph spec's ``env``)."""
    if not spec.as_shipped:
        return {}
    return {
        "IOM_GRAPH_HOST": HOST,
        "IOM_GRAPH_PORT": str(port),
        "IOM_GRAPH_WORKERS": str(spec.workers),
    }


def launch(spec: ServerSpec, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start the server in its own session (so stopping it reaches its workers)."""
    with log.open("ab") as output:
        return subprocess.Popen(
            server_command(spec, port),
            cwd=REPO_ROOT,
            env={**server_env(spec), **entry_point_env(spec, port)},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (uvicorn drains and stops its workers), then SIGKILL to its process group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait(STOP_TIMEOUT)


def log_tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def running(spec: ServerSpec, probe: HttpRequest, workdir: Path) -> Iterator[RunningServer]:
    """The server, started and answering ``probe``; stopped on exit whatever happens."""
    port = free_port()
    log = workdir / f"{spec.slug}.log"
    process = launch(spec, port, log)
    base_url = f"http://{HOST}:{port}"
    try:
        try:
            answer = wait_until_answered(base_url, probe, process, START_TIMEOUT)
        except Exception as error:
            raise RuntimeError(f"{spec.server} did not start: {error}\n{log_tail(log)}") from error
        yield RunningServer(spec, process, base_url, log, answer)
    finally:
        stop(process)


def time_to_first_answer(spec: ServerSpec, probe: HttpRequest, log: Path) -> tuple[float, int]:
    """Seconds from process start to the first answered ``probe``, and the CPU clock ticks
    the server used until then (then it stops)."""
    port = free_port()
    started = time.perf_counter()
    process = launch(spec, port, log)
    try:
        wait_until_answered(f"http://{HOST}:{port}", probe, process, START_TIMEOUT)
        return time.perf_counter() - started, cpu_ticks(process.pid)
    finally:
        stop(process)
