"""The report's tables of ratios from interleaved rounds (``benchmark.interleaved``): the tuned
shapes, the probe shapes and the bounds, each row a median of per-round ratios with its range."""

import statistics
from collections.abc import Collection

from benchmark import interleaved as il
from benchmark.markdown import figure, number, table
from benchmark.probe_shapes import PROBE_SHAPES
from benchmark.results import Figure, RunResults
from benchmark.runner import DEFAULT_WORKERS
from benchmark.scenarios import CONCURRENCY
from benchmark.shapes import NOT_COMPARED, SHAPES

TUNED = frozenset(shape.name for shape in SHAPES)
PROBES = frozenset(shape.name for shape in PROBE_SHAPES)


def interleaved_rows(
    results: RunResults, ours: str, theirs: str, names: Collection[str] | None = None
) -> list[list[str]]:
    """One row per comparison holding both servers (of ``names``, if given): medians, the
    ratio and its range."""
    rows = []
    for found in results.interleaved:
        if ours not in found.results or theirs not in found.results:
            continue
        if names is not None and found.name not in names:
            continue
        mine, other = found.results[ours], found.results[theirs]
        ratios = found.ratios(ours, theirs)
        rows.append(
            [
                found.name,
                figure(Figure.of([r.requests_per_second for r in mine])),
                figure(Figure.of([r.requests_per_second for r in other])),
                f"**{found.ratio(ours, theirs):.2f}**",
                f"{min(ratios):.2f}–{max(ratios):.2f}",
                f"{number(statistics.median(r.p50_ms for r in mine))} / "
                f"{number(statistics.median(r.p99_ms for r in mine))}",
                f"{number(statistics.median(r.p50_ms for r in other))} / "
                f"{number(statistics.median(r.p99_ms for r in other))}",
            ]
        )
    return rows


def interleaved_table(
    results: RunResults, ours: str, theirs: str, names: Collection[str] | None = None
) -> str:
    rows = interleaved_rows(results, ours, theirs, names)
    if not rows:
        return "Not run."
    header = [
        "question",
        f"{ours} req/s",
        f"{theirs} req/s",
        "ratio (median of rounds)",
        "per-round range",
        "p50 / p99 ms, first",
        "p50 / p99 ms, second",
    ]
    return table(header, rows)


def interleaved_sections(results: RunResults) -> list[str]:
    many = il.iom_graph_n(DEFAULT_WORKERS)
    return [
        f"### Ratios from interleaved rounds (A, B / B, A; at {CONCURRENCY} connections)",
        f"Against PostGraphile, per process. Not compared: {NOT_COMPARED}.",
        interleaved_table(results, il.IOM_GRAPH_1, il.POSTGRAPHILE, TUNED),
        f"Against PostGraphile, the default deployment ({DEFAULT_WORKERS} workers, one per core):",
        interleaved_table(results, many, il.POSTGRAPHILE, TUNED),
        "Against the ceiling (precomputed bytes) and the in-memory reference, on SQLite:",
        interleaved_table(results, il.CACHED, il.CEILING),
        interleaved_table(results, il.UNCACHED, il.REFERENCE),
        "The cost of the bounded protocol (issue 22.5: head size, read timeout, requests in "
        "progress), against uvicorn's plain httptools:",
        interleaved_table(results, il.BOUNDED, il.PLAIN),
        "### Probe shapes against PostGraphile (`--only probe`; benchmark/probe_shapes.py)",
        'Questions the tuned shapes above do not ask (issue 26: "an independent rerun with '
        'query shapes you have not seen"), each checked equal leaf by leaf first. Not compared, '
        "as above: a text filter, and countries' names (page 3 is by alpha-2, not by name). "
        "Per process:",
        interleaved_table(results, il.IOM_GRAPH_1, il.POSTGRAPHILE, PROBES),
        f"The default deployment ({DEFAULT_WORKERS} workers, one per core):",
        interleaved_table(results, many, il.POSTGRAPHILE, PROBES),
    ]
