"""Execution started at the beginning of a fresh CPython data-stack chunk (the chunk filler).

CPython (3.11 to 3.13, measured here) keeps the frames of Python calls in 16 KiB chunks of a
per-thread stack. A call that does not fit in the current chunk maps a new one (``mmap``), and
returning from it unmaps it at once. When the boundary between two chunks falls just below a
function called thousands of times in a row, every one of those calls maps and unmaps a chunk:
about 8 µs instead of 30 ns (``benchmark/README.md``, "Data-stack chunks"). Where the boundary
falls depends only on how deep the stack is when execution starts, so the same query was twice
as slow under uvicorn as in a test: profiled, 20 % of the server's CPU on a nested query was
``mmap``/``munmap`` under the resolvers of its countries.

No library controls this, so execution starts from a frame built to fill most of a chunk
(``_FILLER_SLOTS`` locals): it never fits in a chunk already in use, so it takes a new one,
and the first frame of execution, which cannot fit beside it, starts the next chunk. Execution
then always has a whole chunk before its first boundary, at the same depth of the operation,
whatever the server's own stack. Only where the frames are stored differs: the answer is
whatever the execution below gives.

The filler is insurance, and it has a price: its frame's 15 KiB are zeroed and a fresh chunk
(two, when the current one has room for neither) is mapped and unmapped on every operation,
18 µs in process and about 40 µs of a server's CPU per request. What it insures against grows
with the number of resolver calls in a row: where the server's stack happens to put a
boundary under them, each call pays a map and an unmap. So an operation takes it only when
its cost estimate (the objects it returns at most, ``schema.extensions.cost``, known before
execution for every request and memoised) is at least ``FILLER_FROM_COST``; ``CostLimit``
puts the estimate on the request's ``Context`` (``cost_estimate``), read here by name. An
operation without an estimate (a context of another kind) keeps the filler.

The break-even, measured in process (``asyncio.run`` of ``schema.execute`` below a padding
frame of 0 to 2 040 locals in steps of 8, so every starting position in a chunk; filler forced
on and off interleaved, 5 rounds, median CPU per execute at each position): without the
filler, most positions save 17-19 µs, and some 14-28 % of positions lose, by up to 0.08 ms on
the lookup (cost 2), 0.59 ms on 8 countries (cost 9), 0.86 ms on a page of 10 (cost 11),
3 ms at cost 45 and 22 ms on the nested query (cost 992, 2 ms with the filler). The mean over
positions, the expected saving of a server whose depth is not known, changes sign near cost 7
(without the filler, per execute: cost 2 -12 µs, 3 -10, 5 -5, 7 +1, 9 +3, 11 +10, 45 +68, 101
+122, 201 +179, 992 +1 030). Under the server, at its present depth: ``wrk -t1 -c32 -d10s``,
5 rounds alternating between two servers (filler on / off), server CPU per request from
``/proc``: the lookup 236 µs with the filler, 192 without (per-round ratio 0.87, 0.79-0.92);
the nested query 2.21 ms with it, 2.15 without (0.96, 0.92-0.98): this depth happens to be a
good one for both, which is exactly what the filler does not rely on for the large ones. The
server's depth moved by a padding frame (2 s of wrk at each position, against the filler's
median over the run): the lookup without it 175-224 µs at 64 positions (steps of 256 bytes),
none above the filler's 211-217; 8 countries (cost 9) 204-474 µs at 32 positions (steps of
512 bytes), 7 above the filler's 242, a mean of +2 µs: the same break-even as in process.
"""

from collections.abc import Callable
from typing import Any

from schema.execution.internals import StrawberryContext

# 1 900 locals: 15.2 KiB of a 16 KiB chunk (8-byte slots), so that what remains of that chunk
# holds no frame of the executor.
_FILLER_SLOTS = 1_900


def _filler() -> Callable[..., Any]:
    """``call(function, *args)``: ``function(*args)`` called from a frame of ``_FILLER_SLOTS``
    local variables (never assigned: their slots only take the space)."""
    unused = ", ".join(f"_{i}" for i in range(_FILLER_SLOTS))
    source = (
        "def call(function, *args):\n"
        "    if function is None:\n"
        f"        del {unused}\n"
        "    return function(*args)\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, __name__, "exec"), namespace)
    call: Callable[..., Any] = namespace["call"]
    assert call.__code__.co_nlocals >= _FILLER_SLOTS
    return call


call_on_fresh_chunk = _filler()


# The smallest cost estimate executed on a fresh chunk: the measured break-even (docstring).
FILLER_FROM_COST = 8


def fills_chunk(context_value: Any) -> bool:
    """Whether the operation of the request whose context is ``context_value`` starts on a
    fresh chunk: its cost estimate (``Context.cost_estimate``, read by name: the context is
    whatever the caller gave) is at least ``FILLER_FROM_COST``, or unknown."""
    cost = getattr(context_value, "cost_estimate", None)
    return not isinstance(cost, int) or cost >= FILLER_FROM_COST


class FreshChunkExecutionContext(StrawberryContext):
    """strawberry's execution context, executing an operation large enough to pay for it on a
    fresh data-stack chunk (``fills_chunk``)."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        if fills_chunk(self.context_value):
            return call_on_fresh_chunk(super().execute_operation, serially)
        return super().execute_operation(serially)
