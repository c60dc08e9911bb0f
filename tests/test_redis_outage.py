"""A Redis that stops answering: the app's one circuit breaker stops asking it after the first
failure, requests are served from local state (buckets, cache, persisted queries of this
replica), each change is logged once, and shared state resumes once Redis answers a probe.

Two replicas in-process against a throwaway redis-server that is stopped (SIGSTOP:
connections are accepted, nothing is answered) and resumed (the breaker alone, on a fake
clock: ``tests.test_redis_breaker``). SQLite only: nothing here depends on the database."""

import hashlib
import logging
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from starlette.testclient import TestClient

from service.redis_guard import (
    COOLDOWN_SECONDS,
)
from tests.app_client import issue_key, serve_in_process
from tests.live_server import free_port
from tests.test_redis_breaker import CLOSED, OPENED, breaker_messages

QUERY = '{ country(code: "KE") { name regionalOffice { slug } } }'  # costs 2
LIMITED = {"max_cost": 40, "rate_limit_burst": 110, "rate_limit_per_second": 0.01}


@dataclass
class ThrowawayRedis:
    process: subprocess.Popen[bytes]
    url: str

    def hang(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def throwaway_redis(tmp_path: Path) -> Iterator[ThrowawayRedis]:
    """A redis-server of this test alone, on a free loopback port; resumed and killed after."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    process = subprocess.Popen(
        [*command, "--appendonly", "no", "--dir", str(tmp_path), "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        url = f"redis://127.0.0.1:{port}/0"
        with redis.Redis.from_url(url, socket_timeout=1) as client:
            deadline = time.monotonic() + 10
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    assert time.monotonic() < deadline, "redis-server did not start"
                    time.sleep(0.05)
        yield ThrowawayRedis(process, url)
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.kill()
        process.wait(10)


def charge(client: TestClient, key: dict[str, str]) -> tuple[int, str | None]:
    """Status and X-RateLimit-Remaining of one cheap query sent as ``key``."""
    response = client.post("/graphql", json={"query": QUERY}, headers=key)
    return response.status_code, response.headers.get("x-ratelimit-remaining")


def samples(client: TestClient, name: str) -> dict[str, float]:
    """The samples of metric ``name``, by their label text (``""`` without labels)."""
    found = {}
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            series, value = line.rsplit(" ", 1)
            found[series.removeprefix(name)] = float(value)
    return found


def breaker_state(client: TestClient) -> str:
    states = samples(client, "iom_graph_redis_breaker_state")
    (current,) = (labels for labels, value in states.items() if value == 1)
    return current.removeprefix('{state="').removesuffix('"}')


def test_a_hung_redis_is_asked_once_then_left_alone_until_it_answers_again(
    throwaway_redis: ThrowawayRedis, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="iom_graph.redis")
    database_url = f"sqlite:///{tmp_path / 'iom.sqlite3'}"
    settings = {**LIMITED, "redis_url": throwaway_redis.url}
    with (
        serve_in_process(database_url, **settings) as first,
        serve_in_process(database_url, **settings) as second,
    ):
        alice, bob = issue_key(first, "alice"), issue_key(first, "bob")
        # Healthy: both replicas charge one shared bucket.
        assert [charge(replica, alice) for replica in (first, second, first)] == [
            (200, "108"),
            (200, "106"),
            (200, "104"),
        ]
        assert first.get("/readyz").json() == {"status": "ready", "database": "ok", "redis": "ok"}
        assert breaker_state(first) == "closed"

        # Hung: the first request pays one timeout and opens the breaker; this replica then
        # charges a bucket of its own (full) and answers from its own cache.
        throwaway_redis.hang()
        started = time.monotonic()
        assert charge(first, alice) == (200, "108")
        assert samples(first, "iom_graph_redis_failures_total") == {'{error="TimeoutError"}': 1}
        ready = first.get("/readyz")
        assert ready.status_code == 200  # the service still answers, from local state
        assert ready.json() == {"status": "ready", "database": "ok", "redis": "unavailable"}
        assert breaker_state(first) == "open"
        (not_made,) = samples(first, "iom_graph_redis_short_circuited_calls_total").values()
        answers = [charge(first, alice) for _ in range(50)]
        assert time.monotonic() - started < 5  # liveness: none of them waited for Redis
        assert answers == [(200, str(remaining)) for remaining in range(106, 6, -2)]
        # Two calls not made per request (the cache lookup, the charge); no other failure.
        assert samples(first, "iom_graph_redis_short_circuited_calls_total") == {"": not_made + 100}
        assert samples(first, "iom_graph_redis_failures_total") == {'{error="TimeoutError"}': 1}
        # Limits still hold, per replica: 8 units left, 2 per request.
        assert [charge(first, alice)[0] for _ in range(5)] == [200, 200, 200, 200, 429]
        # A persisted query registered now is found by its hash on this replica.
        document = QUERY + " # registered during the outage"
        persisted = {
            "persistedQuery": {
                "version": 1,
                "sha256Hash": hashlib.sha256(document.encode()).hexdigest(),
            }
        }
        registered = first.post("/graphql", json={"query": document, "extensions": persisted})
        by_hash = first.post("/graphql", json={"extensions": persisted})
        assert registered.status_code == by_hash.status_code == 200
        assert by_hash.json() == registered.json()
        assert breaker_messages(caplog) == [("WARNING", OPENED)]

        # Resumed: after the cool-down, a probe (here /readyz's PING) closes the breaker.
        throwaway_redis.resume()
        deadline = time.monotonic() + COOLDOWN_SECONDS + 5
        while first.get("/readyz").json()["redis"] != "ok":
            assert time.monotonic() < deadline, "the breaker did not close"
            time.sleep(0.2)
        assert breaker_state(first) == "closed"
        assert breaker_messages(caplog) == [("WARNING", OPENED), ("INFO", CLOSED)]
        # The shared bucket resumes where it was; local spending never reached it.
        assert charge(second, alice) == (200, "102")
        assert [charge(replica, bob) for replica in (first, second)] == [(200, "108"), (200, "106")]
        assert samples(first, "iom_graph_redis_failures_total") == {'{error="TimeoutError"}': 1}
