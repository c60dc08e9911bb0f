"""``service.metric_batches``: request metrics applied once per event-loop iteration give
the exposition that observing each request at once gives, and a collection never misses a
request that ended before it."""

import asyncio

from prometheus_client import generate_latest

from service.observability import Metrics, RequestOutcome

# Durations that add up exactly in any order (binary fractions), so the sums compare equal.
OBSERVED = [
    (RequestOutcome(operation_name="OfficeBySlug", planned=True), 0.0009765625),
    (RequestOutcome(operation_name="OfficeBySlug", planned=True), 0.0078125),
    (RequestOutcome(operation_name="Mine", outcome="client_error", error_codes=["X"]), 0.5),
    (RequestOutcome(operation_name="OfficeBySlug", statements=3, plan_fallback="error"), 3.0),
    (RequestOutcome(operation_name="invalid", outcome="refused", not_cached="x"), 0.25),
]


def exposition(batched: bool) -> bytes:
    metrics = Metrics(["OfficeBySlug"])
    metrics.batches.batched = batched

    async def serve() -> None:
        for outcome, duration in OBSERVED:
            metrics.observe(outcome, duration)
        if batched:
            assert len(metrics.batches.pending) == len(OBSERVED)  # none applied yet
        await asyncio.sleep(0)  # the iteration ends: the batch is applied

    asyncio.run(serve())
    assert metrics.batches.pending == []
    lines = generate_latest(metrics.registry).splitlines(keepends=True)
    # The service's metrics (not the process's), without their creation times.
    return b"".join(line for line in lines if b"iom_graph_" in line and b"_created" not in line)


def test_a_batch_gives_what_observing_each_request_gives() -> None:
    batched, each = exposition(batched=True), exposition(batched=False)
    assert batched == each
    assert b'iom_graph_requests_total{operation="OfficeBySlug",outcome="ok"} 3.0' in batched
    assert (
        b'iom_graph_request_duration_seconds_bucket{le="0.001",operation="OfficeBySlug"} 1.0'
        in (batched)
    )
    assert b"iom_graph_plan_answers_total 2.0" in batched
    assert b'iom_graph_sql_statements_per_request_bucket{le="4.0"} 5.0' in batched


def test_a_collection_applies_what_is_pending() -> None:
    metrics = Metrics()

    async def serve() -> float | None:
        metrics.observe(RequestOutcome(), 0.01)
        assert metrics.batches.pending  # ended in this iteration, not applied yet
        labels = {"operation": "anonymous", "outcome": "ok"}
        return metrics.registry.get_sample_value("iom_graph_requests_total", labels)

    assert asyncio.run(serve()) == 1.0


def test_outside_an_event_loop_each_request_is_applied_at_once() -> None:
    metrics = Metrics()
    metrics.observe(RequestOutcome(), 0.01)
    assert metrics.batches.pending == []
    assert metrics.latency.labels("anonymous")._sum.get() == 0.01
