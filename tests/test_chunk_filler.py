"""The chunk filler (``schema.execution.chunk``) runs for an operation that would not fit in
what is left of the current data-stack chunk (``data_stack.room()``), and, where that cannot
be read, for one whose cost estimate reaches ``FILLER_FROM_COST``; on strawberry's path (a
document's first request) and on the direct path (a repeat) alike: the filler's calls are
counted, and the estimate ``CostLimit`` left on the context is the cost model's exact one."""

import asyncio
import threading
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
from schema.execution import data_stack

# The fillers themselves, whatever a test has put in their place.
_FRESH, _FILLER_FOR = chunk.call_on_fresh_chunk, chunk.filler_for

# 7 countries: cost 8 (the connection and its 7 nodes), the smallest that takes the filler.
SEVEN_COUNTRIES = "query Seven { countries(first: 7) { nodes { alpha3 } } }"
SIX_COUNTRIES = "query Six { countries(first: 6) { nodes { alpha3 } } }"


def executions(
    engine: Engine, query: str, monkeypatch: pytest.MonkeyPatch, room: int | None = None
) -> list[tuple[int | None, int, int]]:
    """Twice ``query`` on a fresh schema (strawberry's path, then the direct path), with
    ``room()`` answering ``room``: each time the context's cost estimate, the filler's calls,
    and the direct path's runs."""
    schema = build_schema()
    database = Database(engine)
    dataset = read_in_memory(database)
    moves = moves_counted(monkeypatch)
    monkeypatch.setattr(chunk, "room", lambda: room)

    async def go() -> list[tuple[int | None, int, int]]:
        seen = []
        for _ in range(2):
            context = Context(db=database, dataset=dataset, request_id="chunk")
            before = moves[0]
            result = await schema.execute(query, context_value=context)
            assert result.errors is None
            assert context.plan.answered == 1
            direct_runs = schema.direct.runs if schema.direct is not None else -1
            seen.append((context.cost_estimate, moves[0] - before, direct_runs))
        return seen

    return asyncio.run(go())


def moves_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A one-item list counting the operations that move, by either filler."""
    moves = [0]
    fresh, filler_for = _FRESH, _FILLER_FOR

    def counted_fresh(function: Callable[..., Any], *args: Any) -> Any:
        moves[0] += 1
        return fresh(function, *args)

    def counted_for(left: int, need: int) -> Callable[..., Any]:
        filler = filler_for(left, need)
        if filler is chunk.call_on_fresh_chunk:  # the whole-chunk filler, counted already
            return filler

        def counted(function: Callable[..., Any], *args: Any) -> Any:
            moves[0] += 1
            return filler(function, *args)

        return counted

    monkeypatch.setattr(chunk, "call_on_fresh_chunk", counted_fresh)
    monkeypatch.setattr(chunk, "filler_for", counted_for)
    return moves


@pytest.mark.parametrize(
    ("query", "cost", "filled"),
    [
        (LOOKUP_IOM_GRAPH, 2, 0),
        (SIX_COUNTRIES, 7, 0),
        (SEVEN_COUNTRIES, 8, 1),
        (NESTED_IOM_GRAPH, 992, 1),
    ],
)
def test_without_the_room_the_filler_runs_from_the_threshold_on(
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


# Depths 3 and 7 (MaxDepthRule's count): 3 072 + 1 024 bytes a level.
LOOKUP_NEEDS, NESTED_NEEDS = 6_144, 10_240


@pytest.mark.parametrize(
    ("query", "cost", "needs"),
    [
        (LOOKUP_IOM_GRAPH, 2, LOOKUP_NEEDS),
        (SEVEN_COUNTRIES, 8, 6_144),
        (NESTED_IOM_GRAPH, 992, NESTED_NEEDS),
    ],
)
def test_with_the_room_known_an_operation_moves_only_when_it_would_not_fit(
    seeded_engine: Engine, monkeypatch: pytest.MonkeyPatch, query: str, cost: int, needs: int
) -> None:
    assert executions(seeded_engine, query, monkeypatch, room=needs) == [(cost, 0, 0), (cost, 0, 1)]
    moved = executions(seeded_engine, query, monkeypatch, room=needs - 8)
    assert moved == [(cost, 1, 0), (cost, 1, 1)]


def test_the_room_is_read_from_the_data_stack() -> None:
    """``room()`` reads this thread's stack: a caller with 100 more local variables (800
    bytes of frame) leaves exactly 800 bytes less; a thread reads its own, fresh stack."""
    assert data_stack.room() is not None  # CPython 3.11 to 3.13 (pyproject: 3.11)
    small = _with_locals(10)
    large = _with_locals(110)
    assert small(data_stack.room) - large(data_stack.room) == 800
    left = _with_locals(0)(data_stack.room)
    assert 0 < left < 16_384
    in_thread: list[int | None] = []
    worker = threading.Thread(target=lambda: in_thread.append(data_stack.room()))
    worker.start()
    worker.join()
    assert in_thread[0] is not None
    assert 0 < in_thread[0] < 16_384


def test_a_real_shortage_of_room_moves_and_answers_the_same(
    seeded_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run where the real stack leaves the nested query less than it needs at the start of
    execution, the operation moves to a fresh chunk (the filler runs), and answers as it does
    where it fits."""
    schema = build_schema()
    database = Database(seeded_engine)
    dataset = read_in_memory(database)
    rooms: list[int | None] = []
    filler: Callable[..., Any] = chunk.call_on_fresh_chunk
    moves = moves_counted(monkeypatch)

    def read_room() -> int | None:
        rooms.append(data_stack.room())
        return rooms[-1]

    monkeypatch.setattr(chunk, "room", read_room)

    def answer() -> tuple[int | None, Any]:
        at_start = data_stack.room()
        context = Context(db=database, dataset=dataset, request_id="chunk")
        result = asyncio.run(schema.execute(NESTED_IOM_GRAPH, context_value=context))
        assert result.errors is None
        return at_start, result.data

    # From the start of a fresh chunk (the filler itself, uncounted): room for 10 240 bytes.
    at_start, roomy = filler(answer)
    assert moves == [0]
    assert rooms[-1] is not None
    assert at_start is not None
    assert rooms[-1] >= NESTED_NEEDS
    above = at_start - rooms[-1]  # what asyncio and strawberry take before execution

    def short() -> tuple[int | None, Any]:
        left = data_stack.room()
        assert left is not None
        answered: tuple[int | None, Any] = _with_locals((left - above - 4_096) // 8)(answer)
        return answered

    assert filler(short)[1] == roomy
    assert rooms[-1] is not None
    assert rooms[-1] < NESTED_NEEDS
    assert moves == [1]


def _with_locals(count: int) -> Callable[[Callable[[], Any]], Any]:
    """``call(function)``: ``function()`` called from a frame of ``count`` more locals."""
    names = ", ".join(f"_{i}" for i in range(max(count, 1)))
    source = (
        "def call(function):\n"
        f"    if function is None:\n        del {names}\n"
        "    return function()\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "with_locals", "exec"), namespace)
    call: Callable[[Callable[[], Any]], Any] = namespace["call"]
    return call


@pytest.mark.parametrize("need", [LOOKUP_NEEDS, NESTED_NEEDS, 13_312])
def test_a_move_leaves_execution_the_room_it_needs(need: int) -> None:
    """At every position short of ``need`` (1 KiB steps from the start of a fresh chunk), the
    filler ``filler_for`` picks starts a new chunk and leaves at least ``need`` in it; it is a
    small one wherever one can leave that much, never more than 512 bytes past what is left."""
    fresh = chunk.call_on_fresh_chunk
    small = 0
    for short_by in range(1_024, 16_384, 1_024):

        def at_position(short_by: int = short_by) -> tuple[int, int, int] | None:
            left = data_stack.room()
            assert left is not None
            if left < short_by:
                return None
            found: tuple[int, int, int] = _with_locals((left - short_by) // 8)(moved)
            return found

        def moved() -> tuple[int, int, int]:
            left = data_stack.room()
            assert left is not None
            filler = chunk.filler_for(left, need)
            inside = filler(data_stack.room)
            slots = -1 if filler is fresh else filler.__code__.co_nlocals
            return left, inside, slots

        found = fresh(at_position)
        if found is None or found[0] >= need:
            continue
        left, inside, slots = found
        assert inside >= need
        if chunk.CHUNK_ROOM - left - 1_600 >= need:  # a small filler can leave enough
            assert left < slots * 8 <= left + 1_100
            small += 1
    assert small > 0
