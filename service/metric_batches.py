"""The per-request metrics of ``service.observability.Metrics``, applied in batches.

Each GraphQL request counted itself, observed its latency and its SQL statement count and,
when the plan answered it, counted that: six increments of prometheus-client values, each
under a lock, and in multiprocess mode (several workers) each also asking the process id
(a system call) and writing the value into the worker's memory-mapped file: 4.7 us a
request in one process, 14.4 us with the files (timeit, ``Metrics.observe``). ``Batches``
keeps each request's observation and applies those that ended in one event-loop iteration
together, at its end (``call_soon``): one increment per counter, histogram sum and bucket
touched. Before any collection of the registry it applies what is pending (``collect``, a
collector registered ahead of the metrics), so a scrape never misses a request that ended
before it. Counts and buckets are the ones observing each request gives; a latency sum adds
an iteration's durations before adding them to the total, so its last bits may differ.

A histogram is applied through prometheus-client's internals (0.26): ``_sum``,
``_buckets`` and ``_upper_bounds`` of a labelled child, as its ``observe`` uses them.
``has_internals`` checks them at start; without them, every observation is a plain
``observe`` at once, as before.
"""

import asyncio
from bisect import bisect_left
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from prometheus_client import Counter, Histogram
from prometheus_client.metrics_core import Metric

from service.plan_metrics import PlanMetrics

if TYPE_CHECKING:
    from service.observability import RequestOutcome

_HISTOGRAM_INTERNALS = ("_sum", "_buckets", "_upper_bounds")


def has_internals(histogram: Histogram) -> bool:
    """Whether a histogram child has what ``Batches`` applies a batch through."""
    return all(hasattr(histogram, name) for name in _HISTOGRAM_INTERNALS)


class _HistogramBatch:
    """Observations of one histogram child: their sum and the count per bucket."""

    __slots__ = ("buckets", "histogram", "total")

    def __init__(self, histogram: Histogram) -> None:
        self.histogram, self.total = histogram, 0.0
        self.buckets: dict[int, int] = {}

    def add(self, amount: float) -> None:
        self.total += amount
        # The first bucket whose upper bound holds ``amount``, as ``Histogram.observe`` picks.
        index = bisect_left(self.histogram._upper_bounds, amount)
        self.buckets[index] = self.buckets.get(index, 0) + 1

    def apply(self) -> None:
        self.histogram._sum.inc(self.total)
        for index, count in self.buckets.items():
            self.histogram._buckets[index].inc(count)


class Batches:
    """Pending request observations: ``add`` one, ``flush`` them all. Registered in a
    registry before the metrics it applies to, then given them (``bind``)."""

    def __init__(self) -> None:
        self.batched = False
        # (requests counter child, latency histogram child, duration, statements, planned)
        self.pending: list[tuple[Counter, Histogram, float, int, bool]] = []

    def bind(
        self, statements: Histogram, plan: PlanMetrics, not_cached: Counter, batched: bool
    ) -> None:
        """The metrics every request adds to beside its labelled children; ``batched``
        false: observe each request at once."""
        self.statements, self.plan_answers = statements, plan.plan_answers
        self.plan, self.not_cached, self.batched = plan, not_cached, batched

    def add(
        self, requests: Counter, latency: Histogram, duration: float, outcome: "RequestOutcome"
    ) -> None:
        """One request's observation: ``requests`` and ``latency`` are its labelled children;
        the rare counts (not cached, a plan's fall-back) are made at once."""
        if outcome.not_cached is not None:
            self.not_cached.labels(outcome.not_cached).inc()
        if outcome.plan_fallback is not None:
            self.plan.fallback(outcome.plan_fallback)
        statements, planned = outcome.statements, outcome.planned
        if not self.batched:
            self._observe(requests, latency, duration, statements, planned)
            return
        if not self.pending:
            try:
                asyncio.get_running_loop().call_soon(self.flush)
            except RuntimeError:  # no event loop in this thread: no iteration to batch in
                self._observe(requests, latency, duration, statements, planned)
                return
        self.pending.append((requests, latency, duration, statements, planned))

    def _observe(
        self, requests: Counter, latency: Histogram, duration: float, statements: int, planned: bool
    ) -> None:
        requests.inc()
        latency.observe(duration)
        self.statements.observe(statements)
        if planned:
            self.plan_answers.inc()

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        if not pending:
            return
        counts: dict[Counter, int] = {}
        latencies: dict[Histogram, _HistogramBatch] = {}
        statements = _HistogramBatch(self.statements)
        planned = 0
        for requests, latency, duration, statement_count, was_planned in pending:
            counts[requests] = counts.get(requests, 0) + 1
            batch = latencies.get(latency)
            if batch is None:
                batch = latencies[latency] = _HistogramBatch(latency)
            batch.add(duration)
            statements.add(statement_count)
            planned += was_planned
        for counter, count in counts.items():
            counter.inc(count)
        for batch in latencies.values():
            batch.apply()
        statements.apply()
        if planned:
            self.plan_answers.inc(planned)

    def collect(self) -> Iterable[Metric]:
        """A collector of no metric: registered ahead of the metrics, it applies what is
        pending before they are collected."""
        self.flush()
        return []

    def describe(self) -> list[Any]:
        return []
