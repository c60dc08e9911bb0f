"""The chunk filler (``schema.execution.chunk``) runs for an operation whose cost estimate
reaches ``FILLER_FROM_COST`` and not below it, on strawberry's path (a document's first
request) and on the direct path (a repeat) alike: the filler's calls are counted, and the
estimate ``CostLimit`` left on the context is the cost model's exact one."""

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

import schema.execution.chunk as chunk
from benchmark.peer_queries import LOOKUP_IOM_GRAPH, NESTED_IOM_GRAPH
from resolvers.database import Database
from resolvers.in_memory import read_in_memory
from schema import build_schema
from schema.context import Context

# 7 countries: cost 8 (the connection and its 7 nodes), the smallest that takes the filler.
SEVEN_COUNTRIES = "query Seven { countries(first: 7) { nodes { alpha3 } } }"
SIX_COUNTRIES = "query Six { countries(first: 6) { nodes { alpha3 } } }"


def executions(
    engine: Engine, query: str, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[int | None, int, int]]:
    """Twice ``query`` on a fresh schema (strawberry's path, then the direct path): each time
    the context's cost estimate, the filler's calls, and the direct path's runs."""
    schema = build_schema()
    database = Database(engine)
    dataset = read_in_memory(database)
    calls = 0
    filler: Callable[..., Any] = chunk.call_on_fresh_chunk

    def counted(function: Callable[..., Any], *args: Any) -> Any:
        nonlocal calls
        calls += 1
        return filler(function, *args)

    monkeypatch.setattr(chunk, "call_on_fresh_chunk", counted)

    async def go() -> list[tuple[int | None, int, int]]:
        seen = []
        for _ in range(2):
            context = Context(db=database, dataset=dataset, request_id="chunk")
            before = calls
            result = await schema.execute(query, context_value=context)
            assert result.errors is None
            assert context.plan.answered == 1
            direct_runs = schema.direct.runs if schema.direct is not None else -1
            seen.append((context.cost_estimate, calls - before, direct_runs))
        return seen

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("query", "cost", "filled"),
    [
        (LOOKUP_IOM_GRAPH, 2, 0),
        (SIX_COUNTRIES, 7, 0),
        (SEVEN_COUNTRIES, 8, 1),
        (NESTED_IOM_GRAPH, 992, 1),
    ],
)
def test_the_filler_runs_from_the_threshold_on(
    seeded_engine: Engine, monkeypatch: pytest.MonkeyPatch, query: str, cost: int, filled: int
) -> None:
    assert chunk.FILLER_FROM_COST == 8
    assert executions(seeded_engine, query, monkeypatch) == [(cost, filled, 0), (cost, filled, 1)]


def test_an_operation_without_an_estimate_keeps_the_filler(seeded_engine: Engine) -> None:
    database = Database(seeded_engine)
    assert chunk.fills_chunk(None) is True
    assert chunk.fills_chunk({"cost_estimate": 2}) is True  # an attribute, not a key
    assert chunk.fills_chunk(Context(db=database)) is True
    assert chunk.fills_chunk(Context(db=database, cost_estimate=7)) is False
