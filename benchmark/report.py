"""The Markdown report of a run: throughput, latency, memory, cold start and targets."""

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from benchmark import interleaved as il
from benchmark.interleaved_report import interleaved_sections
from benchmark.markdown import figure, number, table
from benchmark.memory_report import memory_profile_sections
from benchmark.probe_shapes import PROBE_SHAPES
from benchmark.results import RunResults, ScenarioResult
from benchmark.runner import DEFAULT_WORKERS
from benchmark.scenarios import CONCURRENCY, IOM_GRAPH_SERVERS
from benchmark.shapes import SHAPES
from benchmark.wrk import WrkResult

WARNING = "⚠"
# Issue 26's targets, each a ratio from interleaved rounds (benchmark.interleaved); the
# per-shape PostGraphile targets are in benchmark.shapes.
UNCACHED_VS_REFERENCE = 1.0
CACHED_VS_CEILING = 0.5
REVALIDATED_VS_CEILING = 0.5
DEFAULT_DEPLOYMENT_VS_POSTGRAPHILE = 1.5
WORKERS_VS_ONE = 1.6
TAIL_P99_OVER_P50 = 3.0
COLD_START_SECONDS = 3.0
PEAK_RSS_MB = 150.0


@dataclass(frozen=True)
class Target:
    name: str
    measured: str
    passed: bool | None  # None: not measurable yet

    @property
    def verdict(self) -> str:
        return "n/a" if self.passed is None else ("PASS" if self.passed else "FAIL")


def throughput_rows(results: RunResults) -> list[list[str]]:
    rows = []
    for result in results.scenarios:
        flag = f"{WARNING} " if result.problems else ""
        sql = "–" if result.sql_per_request is None else f"{result.sql_per_request:.1f}"
        rows.append(
            [
                result.scenario.server,
                result.scenario.name,
                flag + figure(result.throughput),
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


def ratio_target(results: RunResults, name: str, ours: str, theirs: str, minimum: float) -> Target:
    """``ours`` at least ``minimum`` × ``theirs`` on ``name``, median of interleaved rounds."""
    title = f"{name}: {ours} ≥ {minimum:g} × {theirs}"
    found = results.comparison(name)
    if found is None or ours not in found.results or theirs not in found.results:
        return Target(title, "n/a (not measured in this run)", None)
    ratios = found.ratios(ours, theirs)
    value, problems = found.ratio(ours, theirs), found.problems()
    errors = f" {WARNING} {'; '.join(problems)}" if problems else ""
    measured = f"{value:.2f} × ({min(ratios):.2f}–{max(ratios):.2f}){errors}"
    return Target(title, measured, value >= minimum and not problems)


def tail_target(results: RunResults, name: str) -> Target:
    title = f"{name}: p99 ≤ {TAIL_P99_OVER_P50:g} × p50 at {CONCURRENCY} connections, 1 worker"
    found = results.comparison(name)
    if found is None:
        return Target(title, "n/a (not measured in this run)", None)
    value = found.tail(il.IOM_GRAPH_1)
    return Target(title, f"{value:.1f} ×", value <= TAIL_P99_OVER_P50)


def cold_start_target(results: RunResults) -> Target:
    title = f"cold start < {COLD_START_SECONDS:g} s (median)"
    if not results.cold_starts:
        return Target(title, "n/a", None)
    median = statistics.median(start.seconds for start in results.cold_starts)
    cpu = statistics.median(start.cpu_seconds for start in results.cold_starts)
    return Target(title, f"{median:.2f} s ({cpu:.2f} s CPU)", median < COLD_START_SECONDS)


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
    many = il.iom_graph_n(DEFAULT_WORKERS)
    nested = SHAPES[0].name
    per_shape = [
        ratio_target(results, shape.name, il.IOM_GRAPH_1, il.POSTGRAPHILE, shape.target)
        for shape in SHAPES
    ]
    probes = [  # only when run (--only probe): a default run's report would be all n/a
        ratio_target(results, shape.name, il.IOM_GRAPH_1, il.POSTGRAPHILE, shape.target)
        for shape in PROBE_SHAPES
        if results.comparison(shape.name)
    ]
    deployed = [
        ratio_target(results, s.name, many, il.POSTGRAPHILE, DEFAULT_DEPLOYMENT_VS_POSTGRAPHILE)
        for s in SHAPES
    ]
    return [
        *per_shape,
        *probes,
        tail_target(results, nested),
        ratio_target(results, il.CACHED_REPEAT, il.CACHED, il.CEILING, CACHED_VS_CEILING),
        ratio_target(results, il.REVALIDATION, il.CACHED, il.CEILING, REVALIDATED_VS_CEILING),
        ratio_target(
            results, il.UNCACHED_TRAVERSAL, il.UNCACHED, il.REFERENCE, UNCACHED_VS_REFERENCE
        ),
        *deployed,
        ratio_target(results, nested, many, il.IOM_GRAPH_1, WORKERS_VS_ONE),
        cold_start_target(results),
        memory_target(results),
    ]


def cold_start_table(results: RunResults) -> str:
    if not results.cold_starts:
        return "Not run."
    header = [f"start {index + 1}" for index in range(len(results.cold_starts))] + ["median"]

    def row(name: str, values: list[float]) -> list[str]:
        return [name, *(f"{v:.2f}" for v in values), f"{statistics.median(values):.2f}"]

    return table(
        ["", *header],
        [
            row("wall time (s)", [start.seconds for start in results.cold_starts]),
            row("server CPU (s)", [start.cpu_seconds for start in results.cold_starts]),
        ],
    )


def render(results: RunResults) -> str:
    minutes, seconds = divmod(round(results.seconds), 60)
    sections = [
        f"Machine: {results.machine}  ",
        f"Settings: {results.settings}  ",
        f"Run time: {minutes} min {seconds:02d} s  ",
        f"Reference check: the reference's full traversal is {results.reference_check}.  ",
        f"PostGraphile check: its answers are {results.peer_check}."
        + (f" {WARNING} PostGraphile was not measured further." if results.peer_differs else ""),
        *interleaved_sections(results),
        f"### Each server on its own (requests/s at {CONCURRENCY} connections; median "
        "(min–max); no ratio is taken between these rows: see above)",
        table(
            ["server", "scenario", "req/s", "SQL/request", "errors"],
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
        *memory_profile_sections(results),
        "### Cold start (empty SQLite file: migrate + load + first full traversal answered)",
        cold_start_table(results),
        "### Targets",
        table(
            ["target", "measured", "result"],
            [[t.name, t.measured, t.verdict] for t in targets(results)],
        ),
    ]
    return "\n\n".join(sections) + "\n"
