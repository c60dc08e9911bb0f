"""``service.accepting.AcceptingServer``: the connections its own reader accepts are served
by uvicorn's protocol like any other, and shutting down stops that reader; workers handed the
supervisor's socket each listen on a socket of their own, over which the kernel spreads a burst
of connections.

The server runs in a thread on its own loop (uvicorn's, uvloop when installed); a second
listening socket that uvicorn never watches is handed to the reader, so every connection to
it is one the reader accepted."""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
import uvicorn

from service.accepting import AcceptingServer

CONNECTIONS = 12


async def hello(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = f"hello {scope['path']}".encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def listening_socket() -> socket.socket:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    return listener


def config_of(app: Any, workers: int = 1) -> uvicorn.Config:
    return uvicorn.Config(
        app, host="127.0.0.1", port=0, workers=workers, lifespan="off", log_level="warning"
    )


@contextmanager
def serving(
    running: AcceptingServer, sockets: list[socket.socket] | None = None
) -> Iterator[asyncio.AbstractEventLoop]:
    """``running`` serving in a thread on its own loop (``sockets`` as a supervisor hands
    them to a worker); stopped on leaving."""
    loops: list[asyncio.AbstractEventLoop] = []

    def serve() -> None:
        factory = running.config.get_loop_factory()  # uvloop's when installed, as it runs
        loop = factory() if factory is not None else asyncio.new_event_loop()
        loops.append(loop)
        loop.run_until_complete(running.serve(sockets))
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "uvicorn did not start within 30 s"
    try:
        yield loops[0]
    finally:
        running.should_exit = True
        thread.join(30)
    assert not thread.is_alive(), "uvicorn did not stop within 30 s"


@pytest.fixture
def server() -> Iterator[tuple[AcceptingServer, asyncio.AbstractEventLoop]]:
    running = AcceptingServer(config_of(hello))
    with serving(running) as loop:
        yield running, loop


def get(port: int, path: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while chunk := connection.recv(4096):
            received += chunk
    return received


def test_connections_its_reader_accepts_are_served(
    server: tuple[AcceptingServer, asyncio.AbstractEventLoop],
) -> None:
    running, loop = server
    own = listening_socket()
    port = own.getsockname()[1]
    started = threading.Event()

    def hand_over() -> None:
        running.accept_waiting(own)
        started.set()

    loop.call_soon_threadsafe(hand_over)
    assert started.wait(10)
    # Opened together, before any is read: all wait in the queue, accepted by one reader call.
    answers = [b""] * CONNECTIONS

    def fetch(index: int) -> None:
        answers[index] = get(port, f"/{index}")

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for index, answer in enumerate(answers):
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer
        assert answer.endswith(f"hello /{index}".encode()), answer
    own.close()


def test_shutting_down_stops_its_reader(
    server: tuple[AcceptingServer, asyncio.AbstractEventLoop],
) -> None:
    running, _loop = server
    # reading a duplicate of uvicorn's own listening socket
    [listener] = running.listeners
    uvicorn_port = running.servers[0].sockets[0].getsockname()[1]
    assert listener.getsockname()[1] == uvicorn_port
    assert get(uvicorn_port, "/first").endswith(b"hello /first")
    running.should_exit = True
    deadline = time.monotonic() + 30
    while running.listeners and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.listeners == []
    assert listener.fileno() == -1  # closed


BURST = 128  # split by the kernel's hash: each worker's share is binomial(128, 1/2)
FAIR_SHARE_AT_LEAST = 32  # a quarter: fewer happens with a probability of about 1e-8


def named(name: str) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = name.encode()
        headers = [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def test_workers_handed_the_supervisors_socket_share_a_burst() -> None:
    """Two workers as ``AcceptingWorkers`` runs them, handed the one socket the supervisor
    bound: each listens on its own socket at that address, and a burst of connections opened
    at once is spread over both (reading one shared socket, the first worker to wake took
    all of a burst)."""
    handed = config_of(hello, workers=2).bind_socket()  # as the supervisor binds it
    address = handed.getsockname()
    workers = [
        AcceptingServer(config_of(named(name), workers=2), own_sockets=True) for name in ("a", "b")
    ]
    answered = {"a": 0, "b": 0}
    with ExitStack() as stack:
        for worker in workers:
            stack.enter_context(serving(worker, [handed]))
        for worker in workers:
            [own] = worker.own
            [listening] = worker.servers[0].sockets
            assert own.getsockname() == listening.getsockname() == address
            [listener] = worker.listeners  # its reader reads a duplicate of its own socket
            assert listener.getsockname() == address
        # another server binding the address still fails, as beside uvicorn's own workers
        intruder = socket.socket()
        intruder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with intruder, pytest.raises(OSError, match="Address already in use"):
            intruder.bind(address)
        # all opened before any request is sent: the burst waits in the listening queues
        burst = [socket.create_connection(address, timeout=10) for _ in range(BURST)]
        for connection in burst:
            connection.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        for connection in burst:
            received = b""
            while chunk := connection.recv(4096):
                received += chunk
            connection.close()
            assert received.startswith(b"HTTP/1.1 200 OK\r\n"), received
            answered[received[-1:].decode()] += 1
    assert sum(answered.values()) == BURST
    assert min(answered.values()) >= FAIR_SHARE_AT_LEAST, answered
    assert [worker.own for worker in workers] == [[], []]  # closed on shutdown
    handed.close()
