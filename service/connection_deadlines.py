"""uvicorn's httptools protocol with one timer for the deadlines of its connection: the
request being read must have arrived by ``read_by``; an idle connection is closed at
``idle_by``. ``service.protocol.BoundedHttpToolsProtocol`` sets them (a request's start, its
end, a response sent) and decides what a missed read deadline answers (``_read_timed_out``).
"""

import asyncio
from typing import ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class DeadlineHttpToolsProtocol(HttpToolsProtocol):
    """httptools with a read deadline and a keep-alive deadline on one timer per connection."""

    # Set once by the process entry point from its settings (server.py), in every worker:
    # uvicorn builds one protocol per connection from the class alone.
    read_timeout_seconds: ClassVar[float] = 5.0

    # The connection's one timer (``_check_deadlines``) and its deadlines, None for none:
    # class-level until a connection sets its own (no ``__init__`` of its own, so building a
    # protocol per connection costs no more than before the split).
    timer: asyncio.TimerHandle | None = None
    read_by: float | None = None
    idle_by: float | None = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        super().connection_lost(exc)

    def on_message_complete(self) -> None:
        self.read_by = None
        super().on_message_complete()

    def _read_from_now(self) -> None:
        self.read_by = self.loop.time() + self.read_timeout_seconds
        self._arm_timer(self.read_by)

    def _arm_timer(self, when: float) -> None:
        """Make sure the timer fires by ``when``. A timer armed for earlier is kept, and
        re-armed from ``_check_deadlines``: arming and cancelling one per request (a libuv
        timer each on uvloop) cost about 3 us each, for the read timeout and the keep-alive
        timeout alike."""
        if self.timer is None:
            self.timer = self.loop.call_at(when, self._check_deadlines)
        elif self.timer.when() > when:
            self.timer.cancel()
            self.timer = self.loop.call_at(when, self._check_deadlines)

    def _check_deadlines(self) -> None:
        self.timer = None
        if self.transport.is_closing():
            return
        now = self.loop.time()
        if self.read_by is not None and now >= self.read_by:
            self.read_by = None
            self._read_timed_out()
        elif self.idle_by is not None and now >= self.idle_by:
            self.idle_by = None
            self.timeout_keep_alive_handler()  # uvicorn's: closes the connection
        else:
            pending = [when for when in (self.read_by, self.idle_by) if when is not None]
            if pending:
                self._arm_timer(min(pending))

    def _read_timed_out(self) -> None:
        """A request not arrived by ``read_by``: the connection is closed."""
        self.transport.close()
