"""The shared Redis (127.0.0.1:6379) as the tests use it: one database per test process.

``make test`` runs pytest in two processes (pytest-xdist). Rate-limit buckets are keyed by the
client's address and cached responses by their document, so two tests in two processes on one
Redis database could take from one bucket or read each other's entries. Each process gets a
database of its own: 1 for xdist's worker ``gw0``, 2 for ``gw1``...; 0 without xdist.
"""

import os


def shared_redis_url() -> str:
    """The URL of this test process's own database on the shared Redis."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    database = int(worker.removeprefix("gw")) + 1 if worker.startswith("gw") else 0
    return f"redis://127.0.0.1:6379/{database}"
