"""uvicorn's httptools protocol with the bounds a server without a proxy in front needs.

uvicorn with httptools reads a request head of any size, never times out a client that sends
its head or body slowly (or nothing at all), and its ``limit_concurrency`` counts open
connections as well as requests in progress, so 1,100 silent connections made every request
a 503 (issue 22.5). ``BoundedHttpToolsProtocol`` (``python server.py`` uses it; with the
uvicorn command: ``--http service.protocol:BoundedHttpToolsProtocol``):

- refuses a request head (request line and headers) above ``max_head_bytes`` (uvicorn's
  ``h11_max_incomplete_event_size``, from ``IOM_GRAPH_MAX_HEADER_BYTES``) with a coded 431
  and closes the connection. httptools buffers a header until it ends, so the bytes of an
  unfinished head are counted as they arrive, whole reads at a time (it holds at most the
  bound plus one read); a head that arrived whole is measured when it ends;
- closes a connection whose request, head and body, has not fully arrived
  ``read_timeout_seconds`` after the connection opened (or after the request's first byte on
  a kept-alive connection); a partly sent head gets a 408 first;
- applies uvicorn's ``limit_concurrency`` to requests in progress only (beyond: a coded
  503 ``SERVICE_UNAVAILABLE`` with ``Retry-After: 1``, where uvicorn's is plain text);
- writes a response's head and body in one write (``HeadWithBody``), where uvicorn makes
  one write of each.

The two deadlines share one timer per connection (``service.connection_deadlines``, its base
class); the coded refusals are the mixin ``Refusals``. It is a subclass, not a copy: it
overrides uvicorn's parser callbacks and calls them, so it depends only on their names
(``data_received``, ``on_message_begin``, ``on_headers_complete``, ``on_message_complete``,
``on_response_complete``, ``connection_lost``), on the attributes ``tasks``, ``transport``,
``app``, ``loop``, ``limit_concurrency``, ``config``, ``cycle`` and ``expect_100_continue``,
and on the cycle writing through its ``transport`` attribute (``write``, ``close``,
``is_closing``).
"""

import asyncio
from typing import TYPE_CHECKING, Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE
from uvicorn.server import ServerState

from schema.errors import ErrorCode
from service.connection_deadlines import DeadlineHttpToolsProtocol
from service.request import JSON, HTTPError
from service.response import error_response

DEFAULT_MAX_HEAD_BYTES = 16 * 1024

if TYPE_CHECKING:  # what the mixin reads of the protocol it is mixed into
    _Protocol = DeadlineHttpToolsProtocol
else:
    _Protocol = object


class Refusals(_Protocol):
    """The coded answers of ``BoundedHttpToolsProtocol`` to a request that must not reach the
    app (a mixin: the state it reads is the protocol's)."""

    max_head_bytes: int
    max_active: int | None
    awaiting_head: bool
    head_bytes: int
    read_size: int

    def _refusal(self) -> HTTPError | None:
        """The answer to a request that must not reach the app: its head (which arrived in
        one read) is too large, or too many requests are in progress."""
        # The bytes read since the request began bound its head: only a head that may be too
        # large is measured.
        if self.head_bytes + self.read_size > self.max_head_bytes:
            head = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
            if head > self.max_head_bytes:
                return head_too_large(self.max_head_bytes)
        if self.max_active is not None and len(self.tasks) >= self.max_active:
            self.logger.warning("Exceeded concurrency limit.")
            return too_busy(self.max_active)
        return None

    def _read_timed_out(self) -> None:
        """A request not arrived by ``read_by``: a partly sent head gets a 408 first."""
        if self.awaiting_head and self.head_bytes > 0:
            self._refuse(head_too_slow(self.read_timeout_seconds))
        else:  # nothing sent, or a body still arriving (its request sees a disconnect)
            self.transport.close()

    def _refuse(self, error: HTTPError) -> None:
        """A coded error for a request whose head never completed, then the connection
        closed (only closed while an earlier request's response may still be written)."""
        self.awaiting_head = False
        if self.cycle is None or self.cycle.response_complete:
            self.transport.write(raw_response(error, self.server_state.default_headers))
        self.transport.close()


class BoundedHttpToolsProtocol(Refusals, DeadlineHttpToolsProtocol):
    """httptools with a bounded head, a read timeout, a cap on requests (not connections)."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.max_head_bytes = config.h11_max_incomplete_event_size or DEFAULT_MAX_HEAD_BYTES
        # uvicorn's own check counts connections too; ours counts requests in progress.
        self.max_active, self.limit_concurrency = self.limit_concurrency, None
        self.awaiting_head = True
        self.head_bytes = self.read_size = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self.writer = HeadWithBody(self.transport)
        self._read_from_now()

    def data_received(self, data: bytes) -> None:
        self.idle_by = None
        self.read_size = len(data)  # for ``_refusal``, called while it is parsed
        super().data_received(data)
        if not self.awaiting_head or self.transport.is_closing():
            return
        # Whole reads are counted: a read that also ends the previous request's body counts
        # toward the next head, a slight over-estimate only pipelining clients can meet.
        self.head_bytes += len(data)
        if self.head_bytes > self.max_head_bytes:
            self._refuse(head_too_large(self.max_head_bytes))

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.awaiting_head = True
        self.head_bytes = 0
        if self.read_by is None:  # else the connection's first request, timed from its start
            self._read_from_now()

    def on_headers_complete(self) -> None:
        self.awaiting_head = False
        previous = self.cycle
        refusal = self._refusal()
        if refusal is None:
            super().on_headers_complete()
        else:
            # uvicorn picks the app inside on_headers_complete: a refusal, for this request.
            app, self.app = self.app, error_response(refusal, JSON)
            try:
                super().on_headers_complete()
            finally:
                self.app = app
        if self.cycle is not previous:  # a request cycle (not a WebSocket upgrade)
            self.cycle.transport = self.writer  # type: ignore[assignment]
            # A "100 Continue" is the cycle's first write: only a head is held.
            self.writer.hold_next = not self.expect_100_continue

    def on_response_complete(self) -> None:
        """uvicorn's, with the keep-alive timeout as a deadline of the connection's timer
        (``idle_by``) where uvicorn armed a timer of its own after every response."""
        self.writer.flush()  # a head without a body write (HEAD, a body-less 304 or 204)
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self._unset_keepalive_if_required()  # uvicorn's timer: never armed here
        self.flow.resume_reading()
        if self.pipeline:  # pipelined requests start once the previous response is sent
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
        else:
            self.idle_by = self.loop.time() + self.timeout_keep_alive
            self._arm_timer(self.idle_by)


class HeadWithBody:
    """The transport uvicorn's request cycles write to, one per connection: the first write
    of a cycle, its response head, is held until the next write, its body's, and both leave
    in one ``writelines`` (one system call and one TCP segment for a short response, where
    uvicorn made two: its two writes were about 15 % of a lookup's CPU, one 11 %). A held
    head is written at the latest when the response completes (``on_response_complete``: a
    response whose body is not written, as HEAD's) or the connection is closed. It
    references no cycle: one per request would keep each cycle in a reference cycle. A
    streaming response's head therefore leaves with its first chunk, not before it (no route
    streams today; one that must show its head early, as server-sent events, would need its
    cycle left on the plain transport)."""

    __slots__ = ("head", "hold_next", "transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.head: bytes | None = None
        self.hold_next = False

    def write(self, data: bytes) -> None:
        head = self.head
        if head is not None:
            self.head = None
            self.transport.writelines((head, data))
        elif self.hold_next:
            self.hold_next, self.head = False, data
        else:
            self.transport.write(data)

    def flush(self) -> None:
        head = self.head
        if head is not None:
            self.head = None
            self.transport.write(head)

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def is_closing(self) -> bool:
        return self.transport.is_closing()


def head_too_large(max_head_bytes: int) -> HTTPError:
    message = f"request line and headers above the limit of {max_head_bytes} bytes"
    return HTTPError(431, ErrorCode.HEADERS_TOO_LARGE, message, {"Connection": "close"})


def head_too_slow(read_timeout_seconds: float) -> HTTPError:
    message = f"the request head did not arrive within {read_timeout_seconds:g} s"
    return HTTPError(408, ErrorCode.TIMEOUT, message)


def too_busy(max_active: int) -> HTTPError:
    message = f"{max_active} requests are in progress, the most this server runs"
    headers = {"Retry-After": "1", "Connection": "close"}
    return HTTPError(503, ErrorCode.SERVICE_UNAVAILABLE, message, headers)


def raw_response(error: HTTPError, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """The coded error response, written to the transport directly (outside any request
    cycle), closing the connection."""
    body = error_response(error, JSON).body
    head = [
        STATUS_LINE[error.status],
        *(name + b": " + value + b"\r\n" for name, value in default_headers),
        b"content-type: application/json; charset=utf-8\r\n",
        b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
        b"connection: close\r\n\r\n",
    ]
    return b"".join(head) + body
