"""What bounds a connection: a short loopback experiment against ``python server.py`` (uvicorn
with httptools), alone and behind nginx with ``deploy/nginx.conf``.

    .venv/bin/python -m benchmark.connections                  # about 1 minute
    .venv/bin/python -m benchmark.connections --header-mb 8 --connections 20 --window 12

Two measurements, each against the server alone and then through nginx:

1. **One oversized header**: one connection sends a request whose single header holds
   ``--header-mb`` MB; the answer's status (or "closed") and the server's peak resident
   memory (``VmHWM``) before and after.
2. **Connections that never finish**: ``--connections`` each of four kinds, opened together
   and watched for ``--window`` seconds: *silent* (connect, send nothing), *slow header*
   (a request line, then one header byte per second), *slow body* (a POST announcing 1 000
   bytes, then one byte per second), and *idle after a response* (one request answered,
   then nothing). For each kind: how many the server (or nginx) closed, and when; and how
   many connections uvicorn itself still held at the end of the window.

Prints a Markdown table (README, "Connection limits"). Only 127.0.0.1 is used; every step
is bounded (the window, 30 s per request, the server's start and stop).
"""

import argparse
import contextlib
import os
import selectors
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from benchmark.procfs import PROC, children
from tests.live_server import start_server
from tests.nginx_proxy import start_nginx

DRIP_SECONDS = 1.0
POLL_SECONDS = 0.2
REQUEST_TIMEOUT = 30.0
KINDS = ("silent", "slow header", "slow body", "idle after a response")


@dataclass
class Watched:
    kind: str
    sock: socket.socket
    opened: float
    closed_after: float | None = None
    sent: list[bytes] = field(default_factory=list)


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of ``pid`` in MB (10^6 bytes)."""
    values = {}
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) * 1024 / 1_000_000
    return values["VmRSS"], values["VmHWM"]


def server_pid() -> int:
    """The ``python server.py`` child of this process."""
    for pid in children(os.getpid()):
        if b"server.py" in (PROC / str(pid) / "cmdline").read_bytes():
            return pid
    raise LookupError("no server.py child process")


def established(port: int) -> int:
    """TCP connections established to 127.0.0.1:``port`` (the server's side of each)."""
    count = 0
    for line in (PROC / "net" / "tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        if local_port == port and fields[3] == "01":
            count += 1
    return count


def address(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def oversized_header(base_url: str, megabytes: float) -> str:
    """Send one request with a ``megabytes`` MB header; the status line, or how it ended."""
    chunk = b"a" * 65536
    total = int(megabytes * 1_000_000)
    with socket.create_connection(address(base_url), timeout=REQUEST_TIMEOUT) as sock:
        try:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
            sent = 0
            while sent < total:
                sock.sendall(chunk[: total - sent])
                sent += len(chunk)
            sock.sendall(b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the end: the answer may still be readable
        try:
            answer = sock.recv(4096)
        except (ConnectionResetError, TimeoutError) as error:
            return f"no answer ({type(error).__name__})"
    if not answer:
        return "closed without an answer"
    return answer.split(b"\r\n", 1)[0].decode("latin-1")


def open_kind(kind: str, base_url: str) -> Watched:
    sock = socket.create_connection(address(base_url), timeout=REQUEST_TIMEOUT)
    watched = Watched(kind, sock, time.monotonic())
    if kind == "slow header":
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    elif kind == "slow body":
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n"
        )
    elif kind == "idle after a response":
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = b""
        while not answer.endswith(b"ok"):
            answer += sock.recv(4096)
    sock.setblocking(False)
    return watched


def watch(
    base_url: str, per_kind: int, window: float, server_port: int
) -> tuple[dict[str, list[Watched]], int]:
    """Open ``per_kind`` connections of each kind, drip the slow ones, note who closes when;
    also how many connections the server itself holds at the end of the window."""
    opened = [open_kind(kind, base_url) for kind in KINDS for _ in range(per_kind)]
    selector = selectors.DefaultSelector()
    for watched in opened:
        selector.register(watched.sock, selectors.EVENT_READ, watched)
    start = time.monotonic()
    next_drip = start + DRIP_SECONDS
    while time.monotonic() - start < window:
        for key, _ in selector.select(POLL_SECONDS):
            watched = key.data
            try:
                data = watched.sock.recv(65536)
            except (ConnectionResetError, BlockingIOError):
                data = b""
            if data:
                watched.sent.append(data)  # an answer (e.g. 408): wait for the close
                continue
            watched.closed_after = time.monotonic() - watched.opened
            selector.unregister(watched.sock)
        if time.monotonic() >= next_drip:
            next_drip += DRIP_SECONDS
            for watched in opened:
                if watched.closed_after is None and watched.kind in ("slow header", "slow body"):
                    with contextlib.suppress(OSError):  # closed: the selector reports it
                        watched.sock.send(b"a")
    held = established(server_port)
    for watched in opened:
        watched.sock.close()
    return {kind: [w for w in opened if w.kind == kind] for kind in KINDS}, held


def describe(connections: list[Watched], window: float) -> str:
    closed = [w.closed_after for w in connections if w.closed_after is not None]
    answers = {w.sent[0].split(b"\r\n", 1)[0].decode("latin-1") for w in connections if w.sent}
    text = f"{len(closed)} of {len(connections)} closed within {window:g} s"
    if closed:
        text += f" (median after {statistics.median(closed):.1f} s)"
    if answers:
        text += f"; answered {', '.join(sorted(answers))}"
    return text


@contextmanager
def front(base_url: str, behind_nginx: bool) -> Iterator[str]:
    if behind_nginx:
        with start_nginx(base_url) as proxy_url:
            yield proxy_url
    else:
        yield base_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--header-mb", type=float, default=32.0)
    parser.add_argument("--connections", type=int, default=50, help="per kind")
    parser.add_argument("--window", type=float, default=20.0, help="seconds watched")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        database = f"sqlite:///{Path(directory) / 'connections.sqlite3'}"
        for behind_nginx in (False, True):
            where = "nginx (deploy/nginx.conf) -> uvicorn" if behind_nginx else "uvicorn alone"
            env = {"IOM_GRAPH_LOG_LEVEL": "info"}
            with start_server(database, env, entry_point=True) as base_url:
                pid = server_pid()
                with front(base_url, behind_nginx) as url:
                    print(f"{where}: oversized header ...", file=sys.stderr)
                    _, peak_before = memory_mb(pid)
                    status = oversized_header(url, options.header_mb)
                    _, peak_after = memory_mb(pid)
                    rows.append(
                        (
                            where,
                            f"one {options.header_mb:g} MB header",
                            f"{status}; server peak RSS {peak_before:.0f} -> {peak_after:.0f} MB",
                        )
                    )
                    print(f"{where}: {len(KINDS)} x {options.connections} ...", file=sys.stderr)
                    watched, held = watch(
                        url, options.connections, options.window, address(base_url)[1]
                    )
                    rows += [
                        (where, f"{options.connections} {kind}", describe(group, options.window))
                        for kind, group in watched.items()
                    ]
                    rows.append(
                        (where, "(all of them)", f"uvicorn held {held} connections at the end")
                    )
    print("| in front | sent | what happened |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {' | '.join(row)} |")


if __name__ == "__main__":
    main()
