"""Connection limits as ``python server.py`` applies them from the settings (real processes,
raw sockets): idle keep-alive connections closed; with httptools (service/protocol.py) a
request that has not arrived within ``read_timeout_seconds`` closed, a request head above
``max_header_bytes`` refused with 431, and ``limit_concurrency`` counting requests in
progress, not silent connections (issue 22.5); with h11 its own bound on the header."""

import re
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.live_server import start_server

SETTLE_SECONDS = 1.0  # generous: CI machines are busy
CLOSE_TIMEOUT = 6.0
HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def connect(base_url: str) -> socket.socket:
    parts = urlsplit(base_url)
    return socket.create_connection((parts.hostname, parts.port), timeout=CLOSE_TIMEOUT)


def answer_of(sock: socket.socket, request: bytes) -> bytes:
    """The first response to ``request`` on ``sock``, read whole (head, and the body its
    Content-Length announces), so that what follows on the socket is the next event."""
    if request:
        sock.sendall(request)
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(65536)
        if not chunk:
            return answer
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


LIMITS = {
    "IOM_GRAPH_KEEP_ALIVE_SECONDS": "1",
    "IOM_GRAPH_LIMIT_CONCURRENCY": "3",
    "IOM_GRAPH_READ_TIMEOUT_SECONDS": "2",
}
HELD_POST = (  # a request in progress: its head is whole, its body never comes
    b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 40\r\n\r\n{"
)


@pytest.fixture(scope="module")
def bounded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("limits") / "limits.sqlite3"
    with start_server(f"sqlite:///{database}", LIMITS, entry_point=True) as url:
        yield url


def test_idle_keep_alive_connections_are_closed(bounded_server: str) -> None:
    with connect(bounded_server) as sock:
        assert answer_of(sock, HEALTHZ).startswith(b"HTTP/1.1 200 OK\r\n")
        started = time.monotonic()
        assert sock.recv(1) == b""  # closed by the server once idle
        assert 0.9 <= time.monotonic() - started < CLOSE_TIMEOUT


def test_silent_connections_do_not_lock_others_out(bounded_server: str) -> None:
    """200 connections that send nothing, with ``limit_concurrency`` 3: uvicorn counted them
    and answered every other request 503; now they wait for the read timeout, uncounted."""
    with ExitStack() as stack:
        silent = [stack.enter_context(connect(bounded_server)) for _ in range(200)]
        time.sleep(SETTLE_SECONDS)
        with connect(bounded_server) as sock:
            assert answer_of(sock, HEALTHZ).startswith(b"HTTP/1.1 200 OK\r\n")
        last = silent[-1]
        last.setblocking(False)
        with pytest.raises(BlockingIOError):  # still open (not closed, nothing sent)
            last.recv(1)
        last.settimeout(CLOSE_TIMEOUT)
        started = time.monotonic()
        assert silent[0].recv(1) == b""  # closed, without a response
        assert all(sock.recv(1) == b"" for sock in silent[1:])
        assert time.monotonic() - started < 2.0 + 1.0  # read timeout 2 s from their start


def test_requests_in_progress_are_capped(bounded_server: str) -> None:
    with connect(bounded_server) as a, connect(bounded_server) as b, connect(bounded_server) as c:
        for sock in (a, b, c):
            sock.sendall(HELD_POST)
        time.sleep(SETTLE_SECONDS)
        with connect(bounded_server) as fourth:
            answer = answer_of(fourth, HEALTHZ)
            assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n"), answer
            assert b"\r\nretry-after: 1\r\n" in answer
            assert answer.endswith(
                b'{"errors":[{"message":"3 requests are in progress, the most this server runs",'
                b'"extensions":{"code":"SERVICE_UNAVAILABLE"}}]}'
            )
        # a body that stops arriving is timed out too: the connection is closed
        assert answer_of(a, b"") == b""
    time.sleep(SETTLE_SECONDS)  # the held requests end as their connections close
    with connect(bounded_server) as sock:
        assert answer_of(sock, HEALTHZ).startswith(b"HTTP/1.1 200 OK\r\n")


def test_slow_request_head_gets_408(bounded_server: str) -> None:
    with connect(bounded_server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
        started = time.monotonic()
        answer = answer_of(sock, b"")
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer
        assert answer.endswith(
            b'{"errors":[{"message":"the request head did not arrive within 2 s",'
            b'"extensions":{"code":"TIMEOUT"}}]}'
        )
        assert 1.0 <= time.monotonic() - started < 2.0 + 1.0
        assert sock.recv(1) == b""


def test_kept_alive_connection_times_out_its_next_slow_head(bounded_server: str) -> None:
    """The timer starts again with the first byte of the next request on the connection."""
    with connect(bounded_server) as sock:
        assert answer_of(sock, HEALTHZ).startswith(b"HTTP/1.1 200 OK\r\n")
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
        started = time.monotonic()
        assert answer_of(sock, b"").startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        assert 1.0 <= time.monotonic() - started < 2.0 + 1.0


def test_pipelined_requests_are_all_answered(bounded_server: str) -> None:
    with connect(bounded_server) as sock:
        sock.sendall(HEALTHZ * 3)  # three heads in one read
        received = b""
        while received.count(b"HTTP/1.1 ") < 3 and (chunk := sock.recv(65536)):
            received += chunk
        assert re.findall(rb"HTTP/1\.1 \d+", received) == [b"HTTP/1.1 200"] * 3


def test_request_head_is_bounded(bounded_server: str) -> None:
    """The default bound, 16 KiB: 15 KB passes; 100 KB sent whole, or sent in pieces that
    never end, gets a coded 431 (it was read whole, however large)."""
    with connect(bounded_server) as sock:
        assert answer_of(sock, padded(15_000)).startswith(b"HTTP/1.1 200 OK\r\n")
    with connect(bounded_server) as sock:
        answer = answer_of(sock, padded(100_000))
        assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer
        assert b'"code":"HEADERS_TOO_LARGE"' in answer
        assert b"connection: close" in answer.lower()
    with connect(bounded_server) as sock:
        sock.sendall(padded(8_000).removesuffix(b"\r\n\r\n"))
        time.sleep(0.2)
        sock.sendall(b"a" * 9_000)  # the head is now over the bound, and still not finished
        answer = answer_of(sock, b"")
        assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer
        assert sock.recv(1) == b""


def test_h11_bounds_the_request_header(tmp_path: Path) -> None:
    """h11 refuses a header once more than ``max_header_bytes`` of it wait incomplete; one
    that arrives whole within a single read (64 kB here) is parsed whatever its size."""
    settings = {"IOM_GRAPH_HTTP": "h11", "IOM_GRAPH_MAX_HEADER_BYTES": "4096"}
    database = f"sqlite:///{tmp_path / 'h11.sqlite3'}"
    with start_server(database, settings, entry_point=True) as url:
        with connect(url) as sock:
            assert answer_of(sock, padded(3_000)).startswith(b"HTTP/1.1 200 OK\r\n")
        with connect(url) as sock:
            sock.sendall(padded(5_000).removesuffix(b"\r\n\r\n"))  # not finished yet
            time.sleep(SETTLE_SECONDS)
            assert answer_of(sock, b"").startswith(b"HTTP/1.1 400 Bad Request\r\n")
        with connect(url) as sock:
            assert answer_of(sock, padded(200_000)).startswith(b"HTTP/1.1 400 Bad Request\r\n")


def padded(size: int) -> bytes:
    """A request for /healthz with one header of ``size`` bytes."""
    return HEALTHZ.replace(b"\r\n\r\n", b"\r\nX-Pad: " + b"a" * size + b"\r\n\r\n")
