"""Measuring one running server: response checks, SQL statements, load rounds, cold starts."""

from dataclasses import dataclass
from pathlib import Path

from benchmark import cpu, wrk
from benchmark.client import Answer, metric, send
from benchmark.log import note
from benchmark.procfs import process_tree_memory, wait_until_idle
from benchmark.results import ColdStart, RunResults, ScenarioResult, ServerMemory
from benchmark.scenarios import (
    CONCURRENCY,
    FULL_TRAVERSAL_POST,
    IOM_GRAPH_SERVERS,
    THREADS,
    HttpRequest,
    Scenario,
    Server,
    scenarios_of,
)
from benchmark.servers import RunningServer, iom_graph, time_to_first_answer

SQL_REQUESTS = 20  # requests between the two /metrics readings
WARM_UP_SECONDS = 1.0
SETTLE_TIMEOUT = 60.0  # seconds for the server to finish requests wrk abandoned
SQL_SUM = "iom_graph_sql_statements_per_request_sum"
SQL_COUNT = "iom_graph_sql_statements_per_request_count"


@dataclass(frozen=True)
class LoadSettings:
    rounds: int
    duration: float


def answer_problems(answer: Answer, revalidating: bool) -> list[str]:
    """What is wrong with a scenario's answer: its status, or GraphQL errors in its body."""
    expected = (304,) if revalidating else tuple(range(200, 300))
    if answer.status not in expected:
        return [f"HTTP {answer.status}"]
    errors = [] if answer.status == 304 else answer.graphql_errors()
    return [f"GraphQL errors: {errors[0]}"] if errors else []


def with_etag(base_url: str, request: HttpRequest) -> tuple[HttpRequest, list[str]]:
    """``request`` with ``If-None-Match`` set to the ETag of its response."""
    etag = send(base_url, request).headers.get("ETag")
    if etag is None:
        return request, ["no ETag in the response: cannot revalidate"]
    return request.with_header("If-None-Match", etag), []


def sql_statements_per_request(base_url: str, request: HttpRequest) -> float:
    """Delta of the statements histogram's sum over delta of its count, around N requests."""
    before_sum, before_count = metric(base_url, SQL_SUM), metric(base_url, SQL_COUNT)
    for _ in range(SQL_REQUESTS):
        send(base_url, request)
    requests = metric(base_url, SQL_COUNT) - before_count
    return (metric(base_url, SQL_SUM) - before_sum) / requests


def counts_sql(server: RunningServer) -> bool:
    """Only a one-process iom-graph has one /metrics for all its requests."""
    return server.spec.server in IOM_GRAPH_SERVERS and server.spec.workers == 1


class ServerBusyError(RuntimeError):
    """The server kept using CPU long after the load stopped."""


def load(server: RunningServer, script: Path, connections: int, duration: float) -> wrk.WrkResult:
    """One wrk run, then wait until the server has finished what wrk left in flight."""
    threads = min(THREADS, connections)
    result = wrk.run(
        server.base_url, script, connections=connections, threads=threads, duration=duration
    )
    if not wait_until_idle(server.process.pid, SETTLE_TIMEOUT):
        raise ServerBusyError(f"{server.spec.server} still busy {SETTLE_TIMEOUT:g} s after wrk")
    return result


def load_rounds(
    server: RunningServer, script: Path, connections: int, settings: LoadSettings
) -> list[wrk.WrkResult]:
    return [load(server, script, connections, settings.duration) for _ in range(settings.rounds)]


def load_problems(results: list[wrk.WrkResult]) -> list[str]:
    non_2xx = sum(result.non_2xx for result in results)
    socket_errors = sum(result.socket_errors for result in results)
    problems = [f"{non_2xx} non-2xx/3xx responses"] if non_2xx else []
    return problems + ([f"{socket_errors} socket errors"] if socket_errors else [])


def measure_scenario(
    server: RunningServer, scenario: Scenario, settings: LoadSettings, workdir: Path
) -> ScenarioResult:
    """Check the answer, count SQL statements, warm up, then the load rounds."""
    note(f"{scenario.server}: {scenario.name}")
    base_url, request, problems = server.base_url, scenario.request, []
    if scenario.revalidate:
        request, problems = with_etag(base_url, request)
    problems += answer_problems(send(base_url, request), scenario.revalidate)
    sql = sql_statements_per_request(base_url, request) if counts_sql(server) else None
    script = wrk.write_script(request, workdir / f"{scenario.slug}.lua")
    load(server, script, CONCURRENCY, WARM_UP_SECONDS)
    before = cpu.read(server)
    loaded = load_rounds(server, script, CONCURRENCY, settings)
    cpu_used = cpu.per_request(before, cpu.read(server), sum(r.requests for r in loaded))
    single = load_rounds(server, script, 1, settings) if scenario.latency_at_one else []
    problems += load_problems(loaded + single)
    return ScenarioResult(scenario, loaded, single, sql, problems, cpu_used)


def measure_server(
    server: RunningServer,
    settings: LoadSettings,
    workdir: Path,
    results: RunResults,
) -> None:
    """Every scenario of the server, then its peak RSS."""
    for scenario in scenarios_of(server.spec.server):
        results.scenarios.append(measure_scenario(server, scenario, settings, workdir))
    memory = process_tree_memory(server.process.pid)
    results.memory.append(ServerMemory(server.spec.server, memory))


def cold_starts(workdir: Path, count: int) -> list[ColdStart]:
    """Each from an empty SQLite file, to the first answered full traversal."""
    found = []
    for index in range(count):
        database = workdir / f"cold-{index}.sqlite3"
        database.touch()
        spec = iom_graph(Server.SQLITE, f"sqlite:///{database}")
        seconds, ticks = time_to_first_answer(spec, FULL_TRAVERSAL_POST, workdir / "cold.log")
        found.append(ColdStart(seconds, ticks / cpu.TICKS_PER_SECOND))
        note(f"cold start {index + 1}/{count}: {seconds:.2f} s ({found[-1].cpu_seconds:.2f} s CPU)")
    return found
