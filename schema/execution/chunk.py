"""Execution started where it has room on the CPython data stack: where it is, or on a fresh
chunk (the chunk filler).

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

Moving only when needed. The filler's price is paid whether or not the operation would have
fitted where it started. ``schema.execution.data_stack.room()`` reads how much of the current
chunk is left (0.25 µs), and an operation moves to a fresh chunk only when that is less than
the stack it needs (``stack_needed``): ``STACK_BASE`` plus ``STACK_PER_LEVEL`` for each level
of its depth (the one ``MaxDepthRule`` counts, memoised per operation). Measured (the most
the data stack grew during execution, by a profile hook, on the first execution of each
document, which plans it, and on a repeat; bytes): depth 3 lookup 3 608, page 2 4 000,
filtered list 4 000, provenance example 5 296; depth 4 French names 6 192; depth 6 to 8:
6 736, 7 936 (the nested query), 7 384; depth 9 9 472; depth 10 full traversal 10 760; depth
12: 10 408, 12 208; depth 14 11 920; depth 15 13 888. The model (3 072 + 1 024 per level)
is above every one of them; an operation deeper than a fresh chunk holds (depth 13 and
more) always moves, as before. So at any starting depth an operation either fits where it
is (no boundary to cross) or starts on a fresh chunk, as with the filler alone; what moved
to the new design is only who pays: the operations that would not have fitted. Under
``python server.py`` at this commit, execution starts with 13 752 bytes left: every
operation up to depth 10 runs where it is. Where ``room()`` cannot read the stack (not
CPython 3.11 to 3.13, or the thread state does not look as expected), it answers None and
the cost threshold below decides, as it did before.

A move itself is cheaper than the whole-chunk filler where it can be (``filler_for``): a frame
just larger than what is left (in steps of 512 bytes) cannot fit, so it starts the next chunk
and execution follows it there; when the rest of that chunk holds what the operation needs,
one chunk is mapped instead of two and no more than what was left is zeroed. Measured in
isolation (a call needing 3.2 KiB, 20 000 times, near a chunk's end): 20-27 µs a move against
36-43 µs (a call across the boundary without moving: 15-18 µs). In process, at the 11 starting
positions where the lookup and page 2 move (padding of 960 to 1 600 locals, 5 rounds
interleaved, the machine loaded): per position, the lookup -10.4 µs (median; range -19.0 to
+11.9), page 2 -19.1 µs (-42.4 to +24.3).
"""

import functools
from collections.abc import Callable, Mapping
from typing import Any

from graphql import OperationDefinitionNode
from graphql.execution.collect_fields import FragmentDetails

from schema.execution.data_stack import room
from schema.execution.internals import StrawberryContext
from schema.extensions.limits import operation_depth
from schema.identity_memo import IdentityMemo

# 1 900 locals: 15.2 KiB of a 16 KiB chunk (8-byte slots), so that what remains of that chunk
# holds no frame of the executor.
_FILLER_SLOTS = 1_900


def _filler(slots: int) -> Callable[..., Any]:
    """``call(function, *args)``: ``function(*args)`` called from a frame of ``slots`` local
    variables (never assigned: their slots only take the space)."""
    unused = ", ".join(f"_{i}" for i in range(slots))
    source = (
        "def call(function, *args):\n"
        "    if function is None:\n"
        f"        del {unused}\n"
        "    return function(*args)\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, __name__, "exec"), namespace)
    call: Callable[..., Any] = namespace["call"]
    assert call.__code__.co_nlocals >= slots
    return call


call_on_fresh_chunk = _filler(_FILLER_SLOTS)

# A chunk's room after its header (``previous``, ``size``, ``top``).
CHUNK_ROOM = 16_384 - 3 * 8
# Smaller fillers, in steps of this many slots (512 bytes), compiled when first needed.
_STEP_SLOTS = 64
# Bytes beyond what ``room()`` read: its own frame, and each frame's fixed part, are less.
_MARGIN = 512


@functools.cache
def _small_filler(steps: int) -> Callable[..., Any]:
    return _filler(steps * _STEP_SLOTS)


def filler_for(left: int, need: int) -> Callable[..., Any]:
    """The cheapest move for an operation needing ``need`` bytes where ``left`` are left: a
    filler frame just too large for those ``left`` bytes starts the next chunk, and execution
    follows it there, when the rest of that chunk holds ``need``; else the whole-chunk filler.
    A move maps one chunk then, not two, and zeroes no more than ``left`` bytes of frame
    (module docstring)."""
    steps = (left + _MARGIN) // 8 // _STEP_SLOTS + 1
    rest = CHUNK_ROOM - steps * _STEP_SLOTS * 8 - _MARGIN
    if steps * _STEP_SLOTS < _FILLER_SLOTS and rest >= need:
        return _small_filler(steps)
    return call_on_fresh_chunk


# Where ``room()`` cannot be read: the smallest cost estimate executed on a fresh chunk, the
# measured break-even (docstring).
FILLER_FROM_COST = 8


def fills_chunk(context_value: Any) -> bool:
    """Whether the operation of the request whose context is ``context_value`` starts on a
    fresh chunk: its cost estimate (``Context.cost_estimate``, read by name: the context is
    whatever the caller gave) is at least ``FILLER_FROM_COST``, or unknown."""
    cost = getattr(context_value, "cost_estimate", None)
    return not isinstance(cost, int) or cost >= FILLER_FROM_COST


# The stack an operation needs before its first chunk boundary, by its depth (docstring).
STACK_BASE = 3_072
STACK_PER_LEVEL = 1_024

_needs: IdentityMemo[OperationDefinitionNode, int] = IdentityMemo()


def stack_needed(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDetails]
) -> int:
    """The bytes of data stack ``operation`` may need (``STACK_BASE`` + ``STACK_PER_LEVEL``
    a level), worked out on the first request that brings this parsed operation: strawberry's
    parser cache hands the same node to every request of one document."""

    def work(operation: OperationDefinitionNode) -> int:
        definitions = {name: details.definition for name, details in fragments.items()}
        return STACK_BASE + STACK_PER_LEVEL * operation_depth(operation, definitions)

    return _needs.get(operation, work)


class FreshChunkExecutionContext(StrawberryContext):
    """strawberry's execution context, executing an operation on a fresh data-stack chunk
    when it would not fit in what is left of the current one (or, where that cannot be read,
    when it is large enough to pay for the move: ``fills_chunk``)."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        left = room()
        if left is None:
            if fills_chunk(self.context_value):
                return call_on_fresh_chunk(super().execute_operation, serially)
            return super().execute_operation(serially)
        need = stack_needed(self.operation, self.fragments)
        if left < need:
            return filler_for(left, need)(super().execute_operation, serially)
        return super().execute_operation(serially)
