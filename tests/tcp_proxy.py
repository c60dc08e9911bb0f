"""A TCP proxy the tests can cut: the database going away under a running server
(``tests.test_server_process``)."""

import contextlib
import selectors
import socket
import threading
from typing import Any


class TcpProxy:
    """Forwards TCP connections from 127.0.0.1:``port`` to ``upstream`` (one thread).

    ``stop`` closes the listening socket and every open connection, so the far side sees
    the database go away; ``start`` again listens on the same port.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self._thread: threading.Thread | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None

    def start(self) -> None:
        assert self._thread is None, "the proxy is already running"
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(64)
            listener.setblocking(False)
        except BaseException:
            listener.close()
            raise
        self.port = listener.getsockname()[1]
        self._wake = socket.socketpair()
        self._thread = threading.Thread(
            target=self._serve, args=(listener, self._wake[0]), name="tcp-proxy", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._thread is None or self._wake is None:
            return
        self._wake[1].send(b"x")
        self._thread.join(timeout=5)
        alive = self._thread.is_alive()
        for end in self._wake:
            end.close()
        self._thread, self._wake = None, None
        assert not alive, "the proxy thread did not stop within 5 s"

    def _serve(self, listener: socket.socket, wake: socket.socket) -> None:
        peers: dict[socket.socket, socket.socket] = {}
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            selector.register(wake, selectors.EVENT_READ)
            try:
                while True:
                    for key, _events in selector.select(timeout=1.0):
                        sock: Any = key.fileobj
                        if sock is wake:
                            return
                        if sock is listener:
                            self._accept(listener, selector, peers)
                        else:
                            _pump(sock, selector, peers)
            finally:
                for sock in [listener, *peers]:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    sock.close()

    def _accept(
        self,
        listener: socket.socket,
        selector: selectors.BaseSelector,
        peers: dict[socket.socket, socket.socket],
    ) -> None:
        try:
            client, _address = listener.accept()
        except BlockingIOError:
            return
        try:
            upstream = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        for sock in (client, upstream):
            sock.setblocking(True)
            sock.settimeout(5)
        peers[client], peers[upstream] = upstream, client
        selector.register(client, selectors.EVENT_READ)
        selector.register(upstream, selectors.EVENT_READ)


def _pump(
    sock: socket.socket,
    selector: selectors.BaseSelector,
    peers: dict[socket.socket, socket.socket],
) -> None:
    other = peers.get(sock)
    if other is None:  # closed earlier in this round of select(), with its peer
        return
    try:
        data = sock.recv(65536)
        if data:
            other.sendall(data)
            return
    except OSError:
        pass
    for end in (sock, other):
        selector.unregister(end)
        del peers[end]
        end.close()
