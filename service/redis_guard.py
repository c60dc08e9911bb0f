"""The app's one Redis client behind one circuit breaker, shared by every Redis user (rate
limits, the response cache, persisted queries) and by ``/readyz``.

A killed Redis refuses connections at once, but a hung one (a stopped process, a dead network
path) costs every call a full socket timeout: a request making three calls waited three
timeouts, and each failure was logged. So the first failure opens the breaker: for
``COOLDOWN_SECONDS`` no call is made at all (``RedisUnavailableError`` is raised at once and the
caller uses its local state). Then the next call goes through alone, as a probe (half-open):
its success closes the breaker, its failure opens it for another cool-down. One log line marks
each change between available and unavailable (a warning when the breaker opens, an info when
it closes); a failed probe is only a debug line, the state an operator sees has not changed.

``redis`` (about 9 MB of modules, OpenTelemetry's metrics SDK among them) is imported only when
a client is built: a process without ``IOM_GRAPH_REDIS_URL`` never loads it.
"""

import enum
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger("iom_graph.redis")
TIMEOUT_SECONDS = 0.5
COOLDOWN_SECONDS = 5.0

T = TypeVar("T")


class BreakerState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class RedisUnavailableError(Exception):
    """Redis was not asked (the breaker is open) or did not answer: use local state."""


def connect(url: str) -> "Redis":
    """A client whose every call costs at most about one timeout.

    Timeouts are never retried (the breaker decides when to ask again). A refused or broken
    connection is retried once, at once: after a Redis restart, a pooled connection fails on
    its first use, and a new one succeeds. No health check (it would be one more PING, and one
    more timeout, before a command on an idle connection).
    """
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError

    return Redis.from_url(
        url,
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
        health_check_interval=0,
    )


def breaker_metrics(registry: CollectorRegistry | None) -> tuple[Gauge, Counter, Counter]:
    """The breaker's state gauge, its short-circuited calls and its failures by error."""
    state = Gauge(
        "iom_graph_redis_breaker_state",
        "State of the Redis circuit breaker: 1 for the current state.",
        ["state"],
        registry=registry,
    )
    short_circuited = Counter(
        "iom_graph_redis_short_circuited_calls",
        "Redis calls not made because the circuit breaker was open.",
        registry=registry,
    )
    failures = Counter(
        "iom_graph_redis_failures",
        "Redis calls that failed or timed out, by error.",
        ["error"],
        registry=registry,
    )
    return state, short_circuited, failures


class RedisGuard:
    """The circuit breaker in front of ``client``; its metrics go to ``registry``."""

    def __init__(
        self,
        client: "Redis",
        registry: CollectorRegistry | None = None,
        cooldown_seconds: float = COOLDOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from redis.exceptions import RedisError  # loaded with the client already

        self.client, self.cooldown_seconds, self.clock = client, cooldown_seconds, clock
        self.errors = (RedisError, OSError)  # what a failed call raises
        self.state = BreakerState.CLOSED
        self.opened_at = 0.0
        self.state_gauge, self.short_circuited, self.failures = breaker_metrics(registry)
        self._show_state()

    @property
    def available(self) -> bool:
        return self.state is BreakerState.CLOSED

    async def run(self, call: Callable[[], Awaitable[T]]) -> T:
        """``call()``'s result, or ``RedisUnavailableError`` (not asked, or it failed)."""
        probe = self._admit()
        try:
            result = await call()
        except self.errors as error:
            self.failures.labels(type(error).__name__).inc()
            self._failed(error, probe)
            raise RedisUnavailableError from error
        except BaseException:
            # Cancelled (the request timed out, the client left): a probe that never finished
            # proves nothing either way; the next call probes instead.
            if probe:
                self._move(BreakerState.OPEN)
            raise
        if probe:
            self._move(BreakerState.CLOSED)
            logger.info("redis available again; shared state resumes")
        return result

    async def readiness(self) -> str:
        """``"ok"`` when Redis answers a PING now; ``"unavailable"`` when it does not, or
        while the breaker is open (without asking)."""
        try:
            await self.run(self.client.ping)
        except RedisUnavailableError:
            return "unavailable"
        return "ok"

    def _admit(self) -> bool:
        """Whether the call may go ahead as the probe; raises when it may not go at all."""
        if self.state is BreakerState.CLOSED:
            return False
        if (
            self.state is BreakerState.OPEN
            and self.clock() - self.opened_at >= self.cooldown_seconds
        ):
            self._move(BreakerState.HALF_OPEN)
            return True
        self.short_circuited.inc()
        raise RedisUnavailableError

    def _failed(self, error: BaseException, probe: bool) -> None:
        """Open on the first failure, and again when a probe fails. Calls already under way
        when the breaker opened fail too: they change nothing."""
        if probe:
            logger.debug("redis probe failed", extra={"reason": type(error).__name__})
        elif self.state is not BreakerState.CLOSED:
            return
        else:
            logger.warning(
                "redis unavailable; using local state",
                extra={"reason": type(error).__name__, "retry_in_seconds": self.cooldown_seconds},
            )
        self.opened_at = self.clock()
        self._move(BreakerState.OPEN)

    def _move(self, state: BreakerState) -> None:
        self.state = state
        self._show_state()

    def _show_state(self) -> None:
        for each in BreakerState:
            self.state_gauge.labels(each.value).set(1 if each is self.state else 0)
