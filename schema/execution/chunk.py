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


class FreshChunkExecutionContext(StrawberryContext):
    """strawberry's execution context, executing the operation on a fresh data-stack chunk."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        return call_on_fresh_chunk(super().execute_operation, serially)
