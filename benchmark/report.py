"""The Markdown report of a run: throughput, latency, memory, cold start and targets."""

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmark.results import Figure, RunResults, ScenarioResult
from benchmark.scenarios import (
    CACHED,
    CONCURRENCY,
    FULL_TRAVERSAL,
    IOM_GRAPH_SERVERS,
    NESTED,
    PEER_LOOKUP,
    PEER_SCENARIOS,
    REVALIDATED,
    Server,
)
from benchmark.wrk import WrkResult

WARNING = "⚠"
UNCACHED_VS_REFERENCE = 1.0  # issue 14 (was 0.7)
CACHED_VS_CEILING = 0.8
REVALIDATED_VS_CEILING = 1.0
TWO_WORKERS_VS_ONE = 1.6
COLD_START_SECONDS = 3.0
PEAK_RSS_MB = 150.0
NESTED_VS_POSTGRAPHILE = 0.5
LOOKUP_VS_POSTGRAPHILE = 1.0
BASELINE_LABELS = {Server.REFERENCE: "reference", Server.CEILING: "ceiling"}


@dataclass(frozen=True)
class Target:
    name: str
    measured: str
    passed: bool | None  # None: not measurable yet

    @property
    def verdict(self) -> str:
        return "n/a" if self.passed is None else ("PASS" if self.passed else "FAIL")


def number(value: float) -> str:
    """Three significant figures at most, no exponent."""
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def figure(value: Figure | None) -> str:
    if value is None:
        return "–"
    if value.low == value.high:
        return number(value.median)
    return f"{number(value.median)} ({number(value.low)}–{number(value.high)})"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def baseline(results: RunResults, server: Server) -> float | None:
    found = results.find(server, FULL_TRAVERSAL)
    return found.throughput.median if found else None


def ratio(result: ScenarioResult, base: float | None) -> str:
    """Throughput over ``base``: three significant figures, two below 0.1 (e.g. 0.00046)."""
    if not base:
        return "n/a"
    value = result.throughput.median / base
    return number(value) if value >= 0.1 else f"{value:.2g}"


def vs_postgraphile(results: RunResults, result: ScenarioResult) -> str:
    """Throughput over PostGraphile's on the same query; "–" for queries it does not answer."""
    if result.scenario.name not in PEER_SCENARIOS:
        return "–"
    peer = results.find(Server.POSTGRAPHILE, result.scenario.name)
    return ratio(result, peer.throughput.median if peer else None)


def throughput_rows(results: RunResults) -> list[list[str]]:
    reference = baseline(results, Server.REFERENCE)
    ceiling = baseline(results, Server.CEILING)
    rows = []
    for result in results.scenarios:
        flag = f"{WARNING} " if result.problems else ""
        sql = "–" if result.sql_per_request is None else f"{result.sql_per_request:.1f}"
        rows.append(
            [
                result.scenario.server,
                result.scenario.name,
                flag + figure(result.throughput),
                ratio(result, reference),
                ratio(result, ceiling),
                vs_postgraphile(results, result),
                sql,
                f"{WARNING} " + "; ".join(result.problems) if result.problems else "none",
            ]
        )
    return rows


def latency_rows(results: RunResults) -> list[list[str]]:
    def at(rounds: list[WrkResult], pick: Callable[[WrkResult], float]) -> str:
        return figure(ScenarioResult.figure(rounds, pick))

    return [
        [
            r.scenario.server,
            r.scenario.name,
            at(r.loaded, lambda w: w.p50_ms),
            at(r.loaded, lambda w: w.p99_ms),
            at(r.single, lambda w: w.p50_ms),
            at(r.single, lambda w: w.p99_ms),
        ]
        for r in results.scenarios
    ]


def cpu_rows(results: RunResults) -> list[list[str]]:
    rows = []
    for r in results.scenarios:
        if r.cpu is None:
            continue
        database = r.cpu.database_ms
        total = r.cpu.server_ms + (database or 0.0)
        rows.append(
            [
                r.scenario.server,
                r.scenario.name,
                number(r.cpu.server_ms),
                "–" if database is None else number(database),
                number(total),
            ]
        )
    return rows


def memory_rows(results: RunResults) -> list[list[str]]:
    return [
        [entry.server, process.role, str(process.pid), f"{process.peak_rss_mb:.0f}"]
        for entry in results.memory
        for process in entry.processes
    ]


def vs_baseline(
    results: RunResults, server: Server, name: str, base_server: Server, minimum: float
) -> Target:
    """``name`` on ``server`` at least ``minimum`` × the full traversal on ``base_server``."""
    label = BASELINE_LABELS[base_server]
    title = f"{name} on {server} ≥ {minimum:g} × {label}"
    result, base = results.find(server, name), baseline(results, base_server)
    if result is None or base is None:
        missing = "not measured in this run" if result is None else f"no {label} figure"
        return Target(title, f"n/a ({missing})", None)
    value = result.throughput.median / base
    errors = f" {WARNING} {'; '.join(result.problems)}" if result.problems else ""
    return Target(title, f"{value:.2f} ×{errors}", value >= minimum and not result.problems)


def peer_target(results: RunResults, name: str, minimum: float) -> Target:
    """iom-graph on PostgreSQL, uncached, at least ``minimum`` × PostGraphile on ``name``."""
    title = f"{name} on {Server.POSTGRES} ≥ {minimum:g} × PostGraphile"
    ours, theirs = results.find(Server.POSTGRES, name), results.find(Server.POSTGRAPHILE, name)
    if ours is None or theirs is None:
        return Target(title, "n/a (not measured in this run)", None)
    value = ours.throughput.median / theirs.throughput.median
    problems = ours.problems + theirs.problems
    errors = f" {WARNING} {'; '.join(problems)}" if problems else ""
    return Target(title, f"{value:.2f} ×{errors}", value >= minimum and not problems)


def scale_out_target(results: RunResults) -> Target:
    title = f"2 workers ≥ {TWO_WORKERS_VS_ONE:g} × 1 worker (PostgreSQL, {FULL_TRAVERSAL})"
    two = results.find(Server.POSTGRES_2_WORKERS, FULL_TRAVERSAL)
    one = baseline(results, Server.POSTGRES)
    if two is None or one is None:
        return Target(title, "n/a (not measured in this run)", None)
    value = two.throughput.median / one
    return Target(title, f"{value:.2f} ×", value >= TWO_WORKERS_VS_ONE and not two.problems)


def cold_start_target(results: RunResults) -> Target:
    title = f"cold start < {COLD_START_SECONDS:g} s (median)"
    if not results.cold_starts:
        return Target(title, "n/a", None)
    median = statistics.median(results.cold_starts)
    return Target(title, f"{median:.2f} s", median < COLD_START_SECONDS)


def memory_target(results: RunResults) -> Target:
    peaks = [
        process.peak_rss_mb
        for entry in results.memory
        if entry.server in IOM_GRAPH_SERVERS
        for process in entry.processes
        if process.serves
    ]
    title = f"peak RSS < {PEAK_RSS_MB:g} MB per iom-graph worker"
    if not peaks:
        return Target(title, "n/a", None)
    return Target(title, f"{max(peaks):.0f} MB (largest)", max(peaks) < PEAK_RSS_MB)


def targets(results: RunResults) -> list[Target]:
    uncached = UNCACHED_VS_REFERENCE
    return [
        vs_baseline(results, Server.SQLITE, FULL_TRAVERSAL, Server.REFERENCE, uncached),
        vs_baseline(results, Server.POSTGRES, FULL_TRAVERSAL, Server.REFERENCE, uncached),
        vs_baseline(results, Server.SQLITE_CACHED, CACHED, Server.CEILING, CACHED_VS_CEILING),
        vs_baseline(
            results, Server.SQLITE_CACHED, REVALIDATED, Server.CEILING, REVALIDATED_VS_CEILING
        ),
        peer_target(results, NESTED, NESTED_VS_POSTGRAPHILE),
        peer_target(results, PEER_LOOKUP, LOOKUP_VS_POSTGRAPHILE),
        scale_out_target(results),
        cold_start_target(results),
        memory_target(results),
    ]


def cold_start_table(results: RunResults) -> str:
    if not results.cold_starts:
        return "Not run."
    starts = [f"{seconds:.2f}" for seconds in results.cold_starts]
    header = [f"start {index + 1} (s)" for index in range(len(starts))] + ["median (s)"]
    return table(header, [[*starts, f"{statistics.median(results.cold_starts):.2f}"]])


def render(results: RunResults) -> str:
    minutes, seconds = divmod(round(results.seconds), 60)
    sections = [
        f"Machine: {results.machine}  ",
        f"Settings: {results.settings}  ",
        f"Run time: {minutes} min {seconds:02d} s  ",
        f"Reference check: the reference's full traversal is {results.reference_check}.  ",
        f"PostGraphile check: its answers are {results.peer_check}."
        + (f" {WARNING} PostGraphile was not measured." if results.peer_differs else ""),
        f"### Throughput (requests/s at {CONCURRENCY} connections; median (min–max))",
        table(
            [
                "server",
                "scenario",
                "req/s",
                "× reference",
                "× ceiling",
                "× PostGraphile",
                "SQL/request",
                "errors",
            ],
            throughput_rows(results),
        ),
        "### Latency (ms; median (min–max) of the rounds' percentiles)",
        table(
            [
                "server",
                "scenario",
                f"p50 @{CONCURRENCY}",
                f"p99 @{CONCURRENCY}",
                "p50 @1",
                "p99 @1",
            ],
            latency_rows(results),
        ),
        f"### CPU per request (ms, from /proc over the rounds at {CONCURRENCY} connections)",
        table(
            ["server", "scenario", "server CPU", "PostgreSQL CPU", "total"],
            cpu_rows(results),
        ),
        "### Peak RSS after the server's load (VmHWM)",
        table(["server", "process", "pid", "peak RSS (MB)"], memory_rows(results)),
        "### Cold start (empty SQLite file: migrate + load + first full traversal answered)",
        cold_start_table(results),
        "### Targets",
        table(
            ["target", "measured", "result"],
            [[t.name, t.measured, t.verdict] for t in targets(results)],
        ),
    ]
    return "\n\n".join(sections) + "\n"
