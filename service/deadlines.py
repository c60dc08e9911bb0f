"""The request timeout of operations: one timer for every operation in progress.

``asyncio.timeout_at`` arms a timer per operation and cancels it when the operation ends; on
uvloop each such timer is a libuv timer of its own, and arming and cancelling one cost about
3 us (measured in-process: ``loop.call_at`` then ``cancel``, 2.6-3.7 us), more than a
hundredth of a lookup's CPU, for a timer that almost never fires. ``Deadlines`` keeps the
operations in progress in the order they started; as every one has the same timeout, that is
the order of their deadlines, and one timer, armed for the oldest, is enough. An operation
entering or leaving costs a dictionary entry; the timer is re-armed only when it fires (at
most once per timeout while operations keep arriving).

What happens at a deadline is what ``asyncio.timeout_at`` does: the task is cancelled, and
the ``CancelledError`` that this cancellation caused leaves the block as ``TimeoutError``
(a cancellation from elsewhere stays a cancellation, as ``Task.uncancel`` tells apart).
"""

import asyncio
from types import TracebackType


class Deadline:
    """One operation's deadline: a context manager around the work it bounds."""

    __slots__ = ("cancelling", "deadlines", "expired", "expires", "task")

    def __init__(self, deadlines: "Deadlines", task: asyncio.Task[object], expires: float):
        self.deadlines, self.task, self.expires = deadlines, task, expires
        self.cancelling = task.cancelling()
        self.expired = False

    def __enter__(self) -> "Deadline":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.deadlines.pending.pop(self, None)
        expired_here = self.expired and kind is asyncio.CancelledError
        if expired_here and self.task.uncancel() <= self.cancelling:
            raise TimeoutError from error


class Deadlines:
    """The deadlines of the operations in progress on one event loop, all ``timeout`` long
    (``Deadline``s in the order they started)."""

    def __init__(self) -> None:
        self.pending: dict[Deadline, None] = {}
        self.timer: asyncio.TimerHandle | None = None
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop of the timer

    def start(self, loop: asyncio.AbstractEventLoop, expires: float) -> Deadline:
        """The deadline ``expires`` (``loop.time()``) of the current task, which must be
        later than every deadline started before it."""
        task = asyncio.current_task(loop)
        if task is None:
            raise RuntimeError("a deadline bounds a task")
        if loop is not self.loop:  # a first loop, or another (tests run apps on several)
            self.pending.clear()
            self.loop, self.timer = loop, None
        deadline = Deadline(self, task, expires)
        self.pending[deadline] = None
        if self.timer is None:
            self.timer = loop.call_at(expires, self._expire, loop)
        return deadline

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        """Cancel every task past its deadline; armed again for the next deadline."""
        self.timer = None
        now = loop.time()
        for deadline in list(self.pending):
            if deadline.expires > now:
                self.timer = loop.call_at(deadline.expires, self._expire, loop)
                return
            del self.pending[deadline]
            deadline.expired = True
            deadline.task.cancel()
