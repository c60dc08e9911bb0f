"""Per-client token buckets charged by query cost: in-process, or shared through Redis.

A client holds up to ``burst`` cost units and regains ``rate`` units per second. A client is an
issued API key (``service.api_keys``; its own rate and burst, or the defaults), else the
request's address (``request.client``, which the app derives from ``X-Forwarded-For`` only for
the trusted proxies of ``forwarded_allow_ips``). A key that is not issued, or revoked, is
refused (401 ``INVALID_API_KEY``) rather than counted as a client: otherwise each new string
would be a new full bucket. With Redis, every replica charges the same bucket
atomically (a Lua script, timed by the Redis server's clock); while Redis is unavailable, each
replica charges buckets of its own.

Responses say where the client stands (GitHub's header names): ``X-RateLimit-Limit`` is the
bucket's size (the burst), ``X-RateLimit-Remaining`` the whole units left after this request,
``X-RateLimit-Reset`` the time, in UTC epoch seconds rounded up, when the bucket is full again
if the client sends nothing more.
"""

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from graphql import GraphQLError
from starlette.requests import Request

from db.api_keys import ActiveKey
from schema.errors import ErrorCode, coded_error
from service.api_keys import IssuedKeys, invalid_key
from service.redis_guard import RedisGuard, RedisUnavailableError
from service.request import header

KEY_PREFIX = "iom-graph:ratelimit:"

# The clocks, looked up at each use so that tests can set them: elapsed time for the local
# buckets and refusals, the wall clock only to state X-RateLimit-Reset as an epoch.
monotonic: Callable[[], float] = time.monotonic
wall_clock: Callable[[], float] = time.time


class Decision(NamedTuple):
    """One charge's outcome (a named tuple: one is made per request)."""

    allowed: bool
    remaining: int
    retry_after: int  # whole seconds until the charge would fit; 0 when allowed
    full_in: float  # seconds until the bucket is full again, after this charge


@dataclass(frozen=True)
class Budget:
    """A bucket's size (``burst`` cost units) and refill (``rate`` units a second)."""

    rate: float
    burst: int


class RateLimiter(Protocol):
    rate: float
    burst: int

    async def charge(self, client: str, cost: int, budget: Budget | None = None) -> Decision: ...


def client_key(issued: ActiveKey | None, address: str | None) -> str:
    """The bucket of a request: its issued key (by the key's digest, never the key), else
    its address."""
    if issued is not None:
        return "key:" + issued.digest[:32]
    return f"ip:{address or 'unknown'}"


def budget_of(issued: ActiveKey | None, default: Budget) -> Budget:
    """An issued key's own rate and burst where it has them, else the default's."""
    if issued is None:
        return default
    return Budget(
        default.rate if issued.rate is None else issued.rate,
        default.burst if issued.burst is None else issued.burst,
    )


def _decide(tokens: float, cost: int, rate: float, burst: int) -> Decision:
    if tokens >= cost:
        return Decision(True, int(tokens - cost), 0, (burst - tokens + cost) / rate)
    wait = max(1, math.ceil((cost - tokens) / rate))
    return Decision(False, int(tokens), wait, (burst - tokens) / rate)


def rate_headers(burst: int, remaining: int, full_in: float) -> dict[str, str]:
    """The three X-RateLimit-* headers of a bucket of ``burst`` units holding ``remaining``
    and full again in ``full_in`` seconds."""
    return {
        "X-RateLimit-Limit": str(burst),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(math.ceil(wall_clock() + full_in)),
    }


class LocalTokenBuckets:
    """Buckets in this process; the least recently seen clients are forgotten past a size."""

    def __init__(self, rate: float, burst: int, max_clients: int = 100_000) -> None:
        self.rate, self.burst, self.max_clients = rate, burst, max_clients
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def charge(self, client: str, cost: int, budget: Budget | None = None) -> Decision:
        rate, burst = (budget.rate, budget.burst) if budget else (self.rate, self.burst)
        now = monotonic()
        tokens, updated = self.buckets.pop(client, (float(burst), now))
        tokens = min(float(burst), tokens + (now - updated) * rate)
        decision = _decide(tokens, cost, rate, burst)
        if decision.allowed:
            tokens -= cost
        self.buckets[client] = (tokens, now)
        if len(self.buckets) > self.max_clients:
            self.buckets.popitem(last=False)
        return decision


CHARGE_SCRIPT = """
local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or burst
local updated = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
local before = tokens
if tokens >= cost then tokens = tokens - cost end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(before)
"""


class RedisTokenBuckets:
    """Buckets in Redis, shared by every replica.

    While Redis is unavailable (see ``RedisGuard``), this replica charges local buckets of the
    same rate and burst instead. Limits stay enforced, per replica: each replica gives a
    client the whole budget (with several replicas, more than the shared one, for as long as
    the outage lasts), but no client can flood a replica. Letting every request through would
    make an outage of Redis an outage of rate limiting; refusing every request would make it an
    outage of the API. When Redis answers again, the shared buckets resume where they were.
    """

    def __init__(self, redis: RedisGuard, rate: float, burst: int) -> None:
        self.redis, self.rate, self.burst = redis, rate, burst
        self.script = redis.client.register_script(CHARGE_SCRIPT)
        self.local = LocalTokenBuckets(rate, burst)

    async def charge(self, client: str, cost: int, budget: Budget | None = None) -> Decision:
        rate, burst = (budget.rate, budget.burst) if budget else (self.rate, self.burst)
        try:
            before = await self.redis.run(
                lambda: self.script(keys=[KEY_PREFIX + client], args=[rate, burst, cost])
            )
        except RedisUnavailableError:
            return await self.local.charge(client, cost, budget)
        return _decide(float(before), cost, rate, burst)


def rate_limited(decision: Decision, cost: int) -> GraphQLError:
    return coded_error(
        f"rate limit: this client has {decision.remaining} cost units left and the "
        f"operation costs {cost}; retry in {decision.retry_after} s",
        ErrorCode.RATE_LIMITED,
        retryAfter=decision.retry_after,
    )


@dataclass
class ClientAccount:
    """One request's client and the decision on this request's charge."""

    limiter: RateLimiter
    client: str
    budget: Budget | None = None  # None: the limiter's default
    decision: Decision | None = None

    @property
    def remaining(self) -> int | None:
        return self.decision.remaining if self.decision is not None else None

    async def charge(self, cost: int) -> GraphQLError | None:
        """Charge ``cost`` units: the RATE_LIMITED error when the client lacks them."""
        decision = self.decision = await self.limiter.charge(self.client, cost, self.budget)
        return None if decision.allowed else rate_limited(decision, cost)

    def headers(self) -> dict[str, str]:
        """The X-RateLimit-* headers after the charge ({} when nothing was charged)."""
        if self.decision is None:
            return {}
        burst = self.budget.burst if self.budget else self.limiter.burst
        return rate_headers(burst, self.decision.remaining, self.decision.full_in)


@dataclass(frozen=True)
class Refusal:
    """A client refused at ``at`` (monotonic seconds), with that refusal's decision and the
    client's budget."""

    at: float
    decision: Decision
    budget: Budget

    @property
    def until(self) -> float:
        return self.at + self.decision.retry_after


class RateLimits:
    """Rate limiting of the endpoint: who a request's client is, clients refused moments ago
    (turned away again unread until their retry time), and per-request accounts. ``keys``
    are the issued keys (None: no key is issued, every key is refused)."""

    def __init__(
        self,
        limiter: RateLimiter,
        api_key_header: str,
        keys: IssuedKeys | None = None,
        max_blocked: int = 10_000,
    ):
        self.limiter, self.header_name = limiter, api_key_header
        self.api_key_header = api_key_header.lower()
        self.keys, self.max_blocked = keys, max_blocked
        self.default = Budget(limiter.rate, limiter.burst)
        self.blocked: dict[str, Refusal] = {}

    async def account(self, request: Request) -> ClientAccount:
        """The request's client: its issued key, else its address. An empty header is no key;
        a key not issued (or revoked) raises the coded 401."""
        sent = header(request, self.api_key_header)
        issued = None
        if sent:
            issued = await self.keys.find(sent) if self.keys is not None else None
            if issued is None:
                raise invalid_key(self.header_name)
        # The scope's (host, port), as ``request.client`` reads it (without two Address made).
        client = request.scope.get("client")
        return self.account_of(issued, client[0] if client else None)

    def account_of(self, issued: ActiveKey | None, address: str | None) -> ClientAccount:
        """The account of a client by its issued key (None: none sent), else its address."""
        return ClientAccount(
            self.limiter, client_key(issued, address), budget_of(issued, self.default)
        )

    def retry_after(self, client: str) -> int:
        refusal = self.blocked.get(client)
        if refusal is None:
            return 0
        remaining = refusal.until - monotonic()
        if remaining <= 0:
            del self.blocked[client]
            return 0
        return max(1, math.ceil(remaining))

    def refused_headers(self, client: str) -> dict[str, str]:
        """The X-RateLimit-* headers of a client turned away unread: its bucket as charged at
        its refusal, plus what it regained since (this replica's view: not asked again, so
        that a flood of refused requests costs the shared store nothing)."""
        refusal = self.blocked[client]
        full_in = max(0.0, refusal.decision.full_in - (monotonic() - refusal.at))
        burst, rate = refusal.budget.burst, refusal.budget.rate
        # floor, with a margin for the float error of burst - (burst - tokens) / rate * rate
        remaining = min(burst, math.floor(burst - full_in * rate + 1e-9))
        return rate_headers(burst, remaining, full_in)

    def block(self, account: ClientAccount) -> None:
        """Turn ``account``'s client away unread until its refused charge would fit."""
        if account.decision is None:
            return
        if len(self.blocked) >= self.max_blocked:
            self.blocked.clear()
        budget = account.budget or self.default
        self.blocked[account.client] = Refusal(monotonic(), account.decision, budget)


def build_rate_limits(
    rate: float,
    burst: int,
    api_key_header: str,
    redis: RedisGuard | None,
    keys: IssuedKeys | None = None,
) -> RateLimits | None:
    """Token buckets per client: shared through Redis when configured; none when rate is 0
    (then no key is checked either)."""
    if rate <= 0:
        return None
    limiter: RateLimiter = (
        RedisTokenBuckets(redis, rate, burst)
        if redis is not None
        else LocalTokenBuckets(rate, burst)
    )
    return RateLimits(limiter, api_key_header, keys)
