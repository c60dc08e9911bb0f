"""CPU time per request, read from /proc around a load: the server's and PostgreSQL's.

The server's is its process and its direct children (uvicorn's workers; Node's threads are
counted in its own process). PostgreSQL's is the backends connected to the server's database
(``pg_stat_activity``), so other databases on the same PostgreSQL (someone's tests) are not
counted; a backend that ends during the load loses its time (pools keep theirs open). Both
include the requests wrk abandons at the end of each round (at most one per connection), which
its request count leaves out.
"""

import os
from dataclasses import dataclass

from benchmark.postgres import backend_pids
from benchmark.procfs import cpu_ticks, own_cpu_ticks
from benchmark.servers import RunningServer

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuReading:
    server_ticks: int
    backend_ticks: dict[int, int] | None  # backend pid -> ticks; None without PostgreSQL


@dataclass(frozen=True)
class CpuPerRequest:
    server_ms: float
    database_ms: float | None  # None when the server has no PostgreSQL database


def read(server: RunningServer) -> CpuReading:
    url = server.spec.postgres_url
    backends = None if url is None else {pid: own_cpu_ticks(pid) for pid in backend_pids(url)}
    return CpuReading(cpu_ticks(server.process.pid), backends)


def _milliseconds(ticks: int, requests: int) -> float:
    return ticks / TICKS_PER_SECOND * 1000 / requests


def per_request(before: CpuReading, after: CpuReading, requests: int) -> CpuPerRequest | None:
    """The CPU time between two readings over the requests answered between them."""
    if requests <= 0:
        return None
    database_ms = None
    if before.backend_ticks is not None and after.backend_ticks is not None:
        ticks = sum(t - before.backend_ticks.get(pid, 0) for pid, t in after.backend_ticks.items())
        database_ms = _milliseconds(ticks, requests)
    server_ms = _milliseconds(after.server_ticks - before.server_ticks, requests)
    return CpuPerRequest(server_ms, database_ms)
