"""What ``service.protocol.BoundedHttpToolsProtocol`` does per request beyond uvicorn's:
a response's head leaves with its body in one write (``HeadWithBody``; a HEAD response's
head when it completes, a "100 Continue" before the app reads the body), and no timer is
armed per request (its read and keep-alive timeouts share one timer per connection)."""

import asyncio
from typing import Any

from starlette.types import Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.server import ServerState

from service.protocol import BoundedHttpToolsProtocol


class RecordingTransport:
    """What the protocol wrote, one entry per write (``writelines`` is one write)."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def writelines(self, lines: Any) -> None:
        self.writes.append(b"".join(lines))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 40000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers the request's body (``ok`` without one), with its length."""
    body = b""
    more = scope["method"] == "POST"
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    body = body or b"ok"
    headers = [(b"content-length", str(len(body)).encode()), (b"content-type", b"text/plain")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def exchange(*chunks: bytes, timers: list[float] | None = None) -> list[list[bytes]]:
    """The writes made on one connection once each of ``chunks`` arrived and was answered
    (each list holds every write until then); ``timers`` receives the delay of every timer
    the loop was asked for."""

    async def run() -> list[list[bytes]]:
        loop = asyncio.get_running_loop()
        call_at = loop.call_at

        def counted_call_at(when: float, *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
            if timers is not None:
                timers.append(when - loop.time())
            return call_at(when, *args, **kwargs)

        loop.call_at = counted_call_at  # type: ignore[method-assign, assignment]
        config = Config(app=echo, http=BoundedHttpToolsProtocol, lifespan="off")
        config.load()
        transport = RecordingTransport()
        protocol = BoundedHttpToolsProtocol(config, ServerState(), {})
        protocol.connection_made(transport)  # type: ignore[arg-type]
        seen = []
        for chunk in chunks:
            protocol.data_received(chunk)
            for _ in range(20):  # the app's task runs on the loop
                await asyncio.sleep(0)
            seen.append(list(transport.writes))
        protocol.connection_lost(None)
        return seen

    return asyncio.run(run())


def test_a_response_is_one_write_of_head_and_body() -> None:
    writes = exchange(
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    )[-1]
    assert len(writes) == 2
    assert writes[0].startswith(b"HTTP/1.1 200 OK\r\n")
    assert writes[0].endswith(b"content-type: text/plain\r\n\r\nok")
    assert writes[1].endswith(b"content-length: 5\r\ncontent-type: text/plain\r\n\r\nhello")


def test_a_head_response_is_written_when_it_completes() -> None:
    writes = exchange(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")[
        -1
    ]
    assert len(writes) == 2
    assert writes[0].startswith(b"HTTP/1.1 200 OK\r\n")
    assert writes[0].endswith(b"content-length: 2\r\ncontent-type: text/plain\r\n\r\n")
    assert writes[1].endswith(b"\r\n\r\nok")


def test_100_continue_is_written_before_the_body_arrives() -> None:
    head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
    before_body, writes = exchange(head, b"hello")
    assert before_body == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    # Such a response's head is not held (its first write is the "100 Continue").
    response = b"".join(writes[1:])
    assert response.startswith(b"HTTP/1.1 200 OK\r\n")
    assert response.endswith(b"\r\n\r\nhello")


def test_requests_on_a_connection_arm_no_timer_each() -> None:
    timers: list[float] = []
    exchange(*[b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"] * 10, timers=timers)
    # The read timeout from the connection's start; the keep-alive deadlines after each
    # response, and each request's read deadline, are later: the same timer checks them.
    assert len(timers) == 1
    assert 4 < timers[0] <= BoundedHttpToolsProtocol.read_timeout_seconds
