"""uvicorn's server, accepting every connection that waits as soon as the loop looks; and
uvicorn's supervisor of worker processes, each running that server on its own listening
socket, so that the kernel spreads connections over the workers."""

import asyncio
import logging
import os
import socket as sockets_module
from socket import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import multiprocess

logger = logging.getLogger("iom_graph.server")
_REUSE_PORT = getattr(sockets_module, "SO_REUSEPORT", None)  # Linux, BSDs, macOS
_INTERNET = (sockets_module.AF_INET, sockets_module.AF_INET6)


class OwnSocketsServer(uvicorn.Server):
    """uvicorn's server which, as a worker (``own_sockets``, as ``AcceptingWorkers`` runs
    it), listens on a socket of its own bound with SO_REUSEPORT to the address of the socket
    the supervisor bound (``own_listeners``): the kernel hands each new connection to one of
    the listening sockets by a hash of its addresses. ``AcceptingServer`` needs it: greedy on
    one socket shared by several workers, the first to wake took 31 or 32 of 32 connections
    (24 of 42 runs with 2 workers; the other served almost nothing)."""

    def __init__(self, config: uvicorn.Config, *, own_sockets: bool = False) -> None:
        super().__init__(config)
        self.own_sockets = own_sockets
        self.own: list[socket] = []  # this worker's listening sockets (``own_listeners``)

    async def startup(self, sockets: list[socket] | None = None) -> None:
        if sockets is not None and self.own_sockets:
            sockets = self.own_listeners(sockets)
        await super().startup(sockets)

    def own_listeners(self, handed: list[socket]) -> list[socket]:
        """For each TCP socket ``handed`` (bound by the supervisor, listened on by no one), a
        new one of this process's bound with SO_REUSEPORT to the same address, on which
        uvicorn's ``startup`` listens; any other socket handed is kept, shared with the other
        workers as uvicorn shares it.

        uvicorn has no option for this: its supervisor hands every worker the same sockets.
        The supervisor's socket is uvicorn's (``Config.bind_socket``: SO_REUSEADDR, never
        listened on), which Linux lets these bind beside; once they listen, another server
        binding the address still fails, as it would with uvicorn's own workers.
        """
        listening = []
        for shared in handed:
            if _REUSE_PORT is None or shared.family not in _INTERNET:
                listening.append(shared)
                continue
            own = socket(shared.family, shared.type, shared.proto)
            try:
                own.setsockopt(sockets_module.SOL_SOCKET, sockets_module.SO_REUSEADDR, 1)
                own.setsockopt(sockets_module.SOL_SOCKET, _REUSE_PORT, 1)
                own.bind(shared.getsockname())
            except OSError as error:  # a system that will not bind it there: share
                logger.warning("listening on the supervisor's socket, shared: %s", error)
                own.close()
                listening.append(shared)
                continue
            self.own.append(own)
            listening.append(own)
        return listening

    async def shutdown(self, sockets: list[socket] | None = None) -> None:
        await super().shutdown(sockets)
        for own in self.own:  # uvloop has detached them already when closing its servers
            own.close()
        self.own.clear()


class AcceptingServer(OwnSocketsServer):
    """uvicorn's server, accepting every waiting connection as soon as the loop looks.

    Under uvloop, a busy server takes one new connection per round of the requests it is
    serving: 32 connections opened at once against the nested query were taken over about
    10 s (each new connection's ``connection_made`` came with the previous one's first
    request, and ``ss -ltn`` showed 23 of them waiting in the listening socket's queue), so
    their first requests made p99 14 times p50. A second reader on the listening socket (a
    duplicate of its descriptor) accepts all that wait, each handed to uvloop as an accepted
    socket with uvicorn's own protocol: p99 1.7 times p50, at no cost in CPU per request
    (wrk, 32 connections, 10 s rounds interleaved with and without it, one worker).

    Greedy on one socket shared by several workers, the first to wake took almost every
    connection. So, as a worker, it listens on a socket of its own (``OwnSocketsServer``),
    and each worker still takes at once all that wait in its own queue.

    ``python server.py`` runs it, in its one process or in each worker (``AcceptingWorkers``);
    ``uvicorn server:app`` runs uvicorn's own server.
    """

    def __init__(self, config: uvicorn.Config, *, own_sockets: bool = False) -> None:
        super().__init__(config, own_sockets=own_sockets)
        self.listeners: list[socket] = []  # the duplicates read
        self._accepting: set[asyncio.Task[Any]] = set()

    async def startup(self, sockets: list[socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            for server in self.servers:
                for listening in server.sockets:
                    self.accept_waiting(listening)
            logger.info("process %d accepts every waiting connection", os.getpid())

    def accept_waiting(self, listening: Any) -> None:
        """Reads a duplicate of ``listening``: every connection waiting is accepted."""
        loop = asyncio.get_running_loop()
        config = self.config
        listener = socket(fileno=os.dup(listening.fileno()))
        listener.setblocking(False)
        self.listeners.append(listener)

        def protocol() -> asyncio.Protocol:
            return config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=self.server_state, app_state=self.lifespan.state
            )

        def accept() -> None:
            while True:
                try:
                    connection, _address = listener.accept()
                except (BlockingIOError, InterruptedError):
                    return
                except OSError as error:  # out of descriptors: uvicorn's own accept logs it
                    logger.warning("accepting a connection failed: %s", error)
                    return
                connection.setblocking(False)
                task = loop.create_task(
                    loop.connect_accepted_socket(protocol, connection, ssl=config.ssl)
                )
                self._accepting.add(task)
                task.add_done_callback(self._accepted)

        loop.add_reader(listener.fileno(), accept)

    def _accepted(self, task: "asyncio.Task[Any]") -> None:
        self._accepting.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            logger.warning("a connection closed before it was set up: %s", error)

    async def shutdown(self, sockets: list[socket] | None = None) -> None:
        loop = asyncio.get_running_loop()
        for listener in self.listeners:
            loop.remove_reader(listener.fileno())
            listener.close()
        self.listeners.clear()
        await super().shutdown(sockets)


# uvicorn beyond its public API, all here (the same in 0.54 and 0.55): ``Multiprocess``
# builds each worker as the module's ``Process(config, sockets)``, whose ``server`` property
# makes (once, in ``_server``) the ``Server`` that the worker process runs.
_UVICORN_WORKER = multiprocess.Process


def _uvicorn_builds_workers_as_expected() -> bool:
    builders = ("init_processes", "restart_all", "keep_subprocess_alive", "handle_ttin")
    server = getattr(_UVICORN_WORKER, "server", None)
    return (
        isinstance(server, property)
        and "_server" in server.fget.__code__.co_names  # type: ignore[union-attr]
        and all(
            "Process" in getattr(multiprocess.Multiprocess, name).__code__.co_names
            for name in builders
        )
    )


class AcceptingWorker(multiprocess.Process):
    """uvicorn's worker process, serving with ``AcceptingServer``."""

    @property
    def server(self) -> uvicorn.Server:
        if self._server is None:
            self._server = AcceptingServer(self.config, own_sockets=True)
        return self._server


class AcceptingWorkers(multiprocess.Multiprocess):
    """uvicorn's supervisor (``uvicorn.run`` with workers > 1: signals, graceful shutdown,
    restarts, SIGTTIN/SIGTTOU), each of whose workers runs ``AcceptingServer``."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket]) -> None:
        if not _uvicorn_builds_workers_as_expected():
            raise RuntimeError(
                f"uvicorn {uvicorn.__version__} builds its worker processes otherwise than "
                "service/accepting.py expects (0.54, 0.55): check AcceptingWorkers"
            )
        super().__init__(config, sockets)

    def run(self) -> None:
        # The supervisor runs in the process's main thread and builds every worker in run().
        multiprocess.Process = AcceptingWorker  # type: ignore[misc]
        try:
            super().run()
        finally:
            multiprocess.Process = _UVICORN_WORKER  # type: ignore[misc]
