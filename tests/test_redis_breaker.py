"""The Redis circuit breaker alone, on a fake clock: the first failure opens it and no call is
made while it is open, one probe after the cooldown, a failed probe opens it again without a
new warning, a cancelled probe lets the next call probe (a real Redis stopped under two
replicas: ``tests.test_redis_outage``)."""

import asyncio
import logging

import pytest
from prometheus_client import CollectorRegistry
from redis.exceptions import TimeoutError as RedisTimeoutError

from service.redis_guard import (
    COOLDOWN_SECONDS,
    BreakerState,
    RedisGuard,
    RedisUnavailableError,
    connect,
)

OPENED = "redis unavailable; using local state"
CLOSED = "redis available again; shared state resumes"


def breaker_messages(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [
        (record.levelname, record.getMessage())
        for record in caplog.records
        if record.name == "iom_graph.redis" and record.levelno >= logging.INFO
    ]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Calls:
    """Stand-ins for Redis commands, counting the calls really made."""

    def __init__(self) -> None:
        self.made = 0
        self.release = asyncio.Event()

    async def answer(self) -> str:
        self.made += 1
        return "answer"

    async def time_out(self) -> str:
        self.made += 1
        raise RedisTimeoutError("Timeout reading from socket")

    async def wait(self) -> str:
        self.made += 1
        await self.release.wait()
        return "answer"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def guard(
    clock: FakeClock, registry: CollectorRegistry, caplog: pytest.LogCaptureFixture
) -> RedisGuard:
    """A breaker on the fake clock, its info lines captured. Its client is never used: the
    calls of ``Calls`` stand in for its commands."""
    caplog.set_level(logging.INFO, logger="iom_graph.redis")
    return RedisGuard(connect("redis://127.0.0.1:1/0"), registry, clock=clock)


async def test_the_first_failure_opens_the_breaker_and_no_call_is_made_while_open(
    guard: RedisGuard,
    clock: FakeClock,
    registry: CollectorRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls = Calls()
    assert await guard.run(calls.answer) == "answer"
    with pytest.raises(RedisUnavailableError):
        await guard.run(calls.time_out)
    assert guard.state is BreakerState.OPEN
    clock.now = COOLDOWN_SECONDS - 0.1
    for _ in range(3):
        with pytest.raises(RedisUnavailableError):
            await guard.run(calls.answer)
    assert calls.made == 2
    assert registry.get_sample_value("iom_graph_redis_short_circuited_calls_total") == 3
    assert registry.get_sample_value("iom_graph_redis_failures_total", {"error": "TimeoutError"})
    assert registry.get_sample_value("iom_graph_redis_breaker_state", {"state": "open"}) == 1
    assert registry.get_sample_value("iom_graph_redis_breaker_state", {"state": "closed"}) == 0
    assert breaker_messages(caplog) == [("WARNING", OPENED)]


async def test_after_the_cooldown_one_probe_goes_alone_and_its_success_closes(
    guard: RedisGuard, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    calls = Calls()
    with pytest.raises(RedisUnavailableError):
        await guard.run(calls.time_out)
    clock.now = COOLDOWN_SECONDS
    probe = asyncio.create_task(guard.run(calls.wait))
    await asyncio.sleep(0)
    assert guard.state is BreakerState.HALF_OPEN
    with pytest.raises(RedisUnavailableError):  # the probe is under way: no second one
        await guard.run(calls.answer)
    calls.release.set()
    assert await probe == "answer"
    assert guard.state is BreakerState.CLOSED
    assert await guard.run(calls.answer) == "answer"
    assert calls.made == 3
    assert breaker_messages(caplog) == [("WARNING", OPENED), ("INFO", CLOSED)]


async def test_a_failed_probe_opens_for_another_cooldown_without_a_new_warning(
    guard: RedisGuard, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    calls = Calls()
    with pytest.raises(RedisUnavailableError):
        await guard.run(calls.time_out)
    clock.now = COOLDOWN_SECONDS
    with pytest.raises(RedisUnavailableError):
        await guard.run(calls.time_out)  # the probe
    clock.now = 2 * COOLDOWN_SECONDS - 0.1
    with pytest.raises(RedisUnavailableError):
        await guard.run(calls.answer)
    assert calls.made == 2
    clock.now = 2 * COOLDOWN_SECONDS
    assert await guard.run(calls.answer) == "answer"
    assert breaker_messages(caplog) == [("WARNING", OPENED), ("INFO", CLOSED)]


async def test_a_cancelled_probe_lets_the_next_call_probe(
    guard: RedisGuard, clock: FakeClock
) -> None:
    calls = Calls()
    with pytest.raises(RedisUnavailableError):
        await guard.run(calls.time_out)
    clock.now = COOLDOWN_SECONDS
    probe = asyncio.create_task(guard.run(calls.wait))
    await asyncio.sleep(0)
    probe.cancel()
    with pytest.raises(asyncio.CancelledError):
        await probe
    assert guard.state is BreakerState.OPEN
    assert await guard.run(calls.answer) == "answer"  # not another cool-down
    assert guard.state is BreakerState.CLOSED
