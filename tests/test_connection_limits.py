"""uvicorn's own connection limits, as ``python server.py`` applies them from the settings (real
processes): idle keep-alive connections closed, connections beyond ``limit_concurrency``
answered 503, and with h11 a bound on the request header. What uvicorn cannot bound with
httptools is bounded by nginx in front (tests/test_proxy.py)."""

import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

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


def test_idle_connections_are_closed_and_concurrency_is_capped(tmp_path: Path) -> None:
    settings = {"IOM_GRAPH_KEEP_ALIVE_SECONDS": "1", "IOM_GRAPH_LIMIT_CONCURRENCY": "3"}
    database = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
    with start_server(database, settings, entry_point=True) as url:
        with connect(url) as sock:
            assert answer_of(sock, HEALTHZ).startswith(b"HTTP/1.1 200 OK\r\n")
            started = time.monotonic()
            assert sock.recv(1) == b""  # closed by the server once idle
            assert 0.9 <= time.monotonic() - started < CLOSE_TIMEOUT
        # three connections open (silent ones count too): a fourth is turned away
        with connect(url), connect(url), connect(url) as third:
            time.sleep(SETTLE_SECONDS)
            answer = answer_of(third, HEALTHZ)
            assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n"), answer
        with connect(url) as sock:
            time.sleep(SETTLE_SECONDS)
            assert answer_of(sock, HEALTHZ).startswith(b"HTTP/1.1 200 OK\r\n")


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
