"""Token buckets charged by cost: in-process, and shared by replicas through the real Redis."""

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from sqlalchemy import Engine
from strawberry.types import ExecutionResult

from db.api_keys import ActiveKey
from resolvers.database import Database
from resolvers.in_memory import read_in_memory
from schema.context import Context
from service.ratelimit import (
    KEY_PREFIX,
    Budget,
    ClientAccount,
    Decision,
    LocalTokenBuckets,
    RateLimits,
    RedisTokenBuckets,
    budget_of,
    client_key,
)
from service.redis_guard import BreakerState, RedisGuard, connect
from tests.conftest import DEFAULT_SCHEMA as SCHEMA
from tests.conftest import answer_date
from tests.rate_clock import Clock, controlled_clock
from tests.shared_redis import shared_redis_url

REDIS_URL = shared_redis_url()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return controlled_clock(monkeypatch)


ISSUED = ActiveKey(7, "partner", "ab" * 32, None, 40)


def test_client_key_prefers_the_issued_key_and_never_keeps_it() -> None:
    assert client_key(None, "10.1.2.3") == "ip:10.1.2.3"
    assert client_key(None, None) == "ip:unknown"
    assert client_key(ISSUED, "10.1.2.3") == "key:" + "ab" * 16  # by digest, whatever the address
    assert client_key(ISSUED, "192.0.2.1") == client_key(ISSUED, "10.1.2.3")


def test_an_issued_key_takes_its_own_rate_and_burst_where_it_has_them() -> None:
    default = Budget(rate=2.0, burst=100)
    assert budget_of(None, default) == default
    assert budget_of(ISSUED, default) == Budget(rate=2.0, burst=40)
    assert budget_of(ActiveKey(8, "fast", "cd" * 32, 9.5, None), default) == Budget(9.5, 100)


async def test_local_bucket_spends_refuses_and_says_when_to_retry(clock: Clock) -> None:
    buckets = LocalTokenBuckets(rate=1.0, burst=10)
    assert await buckets.charge("a", 6) == Decision(True, 4, 0, 6.0)
    clock.now += 0.5  # 4.5 units: 2.5 short of 7
    assert await buckets.charge("a", 7) == Decision(False, 4, 3, 5.5)
    assert await buckets.charge("b", 10) == Decision(True, 0, 0, 10.0)  # clients are separate
    own = Budget(rate=2.0, burst=4)  # a key's own budget: its bucket starts at its burst
    assert await buckets.charge("c", 3, own) == Decision(True, 1, 0, 1.5)
    assert await buckets.charge("c", 3, own) == Decision(False, 1, 1, 1.5)


async def test_headers_state_the_burst_what_is_left_and_when_it_is_full(clock: Clock) -> None:
    account = ClientAccount(LocalTokenBuckets(rate=4.0, burst=100), "ip:h")
    assert account.headers() == {}  # nothing charged yet: no headers
    assert await account.charge(30) is None
    assert account.headers() == {
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Remaining": "70",
        "X-RateLimit-Reset": "1800000008",  # 30 units at 4 a second: 7.5 s, rounded up
    }
    clock.now += 2.0  # regains 8: 78
    refusal = await account.charge(90)
    assert refusal is not None
    assert refusal.extensions == {"code": "RATE_LIMITED", "retryAfter": 3}
    assert account.headers() == {
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Remaining": "78",
        "X-RateLimit-Reset": "1800000008",  # the refusal spent nothing: 22 / 4 = 5.5 s from 2
    }


async def test_a_client_refused_moments_ago_is_told_its_bucket_unread(clock: Clock) -> None:
    limits = RateLimits(LocalTokenBuckets(rate=2.0, burst=10), "X-API-Key")
    account = ClientAccount(limits.limiter, "key:k")
    assert await account.charge(10) is None
    assert await account.charge(5) is not None
    assert account.decision == Decision(False, 0, 3, 5.0)
    limits.block(account)
    clock.now += 1.0  # 2 units regained, 4 s to full
    assert limits.retry_after("key:k") == 2
    assert limits.refused_headers("key:k") == {
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "2",
        "X-RateLimit-Reset": "1800000005",
    }
    clock.now += 2.0
    assert limits.retry_after("key:k") == 0  # the wait is over: charged normally again
    assert limits.blocked == {}


async def test_local_buckets_forget_the_oldest_clients() -> None:
    buckets = LocalTokenBuckets(rate=1.0, burst=5, max_clients=2)
    for client in ("a", "b", "c"):
        await buckets.charge(client, 5)
    assert list(buckets.buckets) == ["b", "c"]


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except OSError as error:
        pytest.fail(f"Redis is required at {REDIS_URL}: {error}", pytrace=False)
    yield client
    await client.aclose()


async def test_replicas_share_one_budget_through_redis(redis: Redis) -> None:
    client = f"test-{uuid.uuid4().hex}"
    redis_a, redis_b = Redis.from_url(REDIS_URL), Redis.from_url(REDIS_URL)
    replica_a = RedisTokenBuckets(RedisGuard(redis_a), rate=1.0, burst=100)
    replica_b = RedisTokenBuckets(RedisGuard(redis_b), rate=1.0, burst=100)
    try:
        assert await replica_a.charge(client, 60) == Decision(True, 40, 0, 60.0)  # a new bucket
        on_b = await replica_b.charge(client, 60)  # the same bucket: 40 left, not 100
        assert (on_b.allowed, on_b.remaining, on_b.retry_after) == (False, 40, 20)
        assert 59.9 < on_b.full_in <= 60.0  # regained a few ms since: (100 - 40.00x) / 1
        assert (await replica_b.charge(client, 40)).allowed
        assert (await replica_a.charge(client, 5)).allowed is False
        assert await redis.pttl(KEY_PREFIX + client) > 0  # buckets expire on their own
        # A key's own budget, shared the same way.
        own = Budget(rate=1.0, burst=10)
        assert await replica_a.charge(client + "-own", 8, own) == Decision(True, 2, 0, 8.0)
        on_b_own = await replica_b.charge(client + "-own", 8, own)
        assert (on_b_own.allowed, on_b_own.remaining, on_b_own.retry_after) == (False, 2, 6)
    finally:
        await redis.delete(KEY_PREFIX + client, KEY_PREFIX + client + "-own")
        await redis_a.aclose()
        await redis_b.aclose()


async def test_an_unreachable_redis_falls_back_to_buckets_of_this_replica(
    clock: Clock,
) -> None:
    unreachable = RedisGuard(connect("redis://127.0.0.1:1/0"))
    buckets = RedisTokenBuckets(unreachable, rate=1.0, burst=10)
    try:
        assert await buckets.charge("anyone", 6) == Decision(True, 4, 0, 6.0)
        refused = await buckets.charge("anyone", 6)  # still limited, not let through
        assert refused == Decision(False, 4, 2, 6.0)
        assert unreachable.state is BreakerState.OPEN
    finally:
        await unreachable.client.aclose()


async def test_an_exhausted_client_gets_rate_limited(seeded_engine: Engine) -> None:
    database = Database(seeded_engine)
    dataset = read_in_memory(database)
    limiter = LocalTokenBuckets(rate=0.5, burst=5)
    query = '{ country(code: "KE") { name regionalOffice { slug } } }'  # costs 2

    async def run() -> tuple[ExecutionResult, int | None]:
        account = ClientAccount(limiter, "ip:t")
        context = Context(db=database, dataset=dataset, charge=account.charge)
        result = await SCHEMA.execute(query, context_value=context)
        return result, account.remaining

    (first, left_1), (second, left_2), (third, left_3) = await run(), await run(), await run()
    assert first.errors is None
    assert first.extensions == {
        "cost": {"requested": 2, "maximum": 25000},
        **answer_date(),
    }  # same for all
    assert (left_1, left_2, left_3) == (3, 1, 1)
    assert second.errors is None
    assert third.data is None
    assert third.errors is not None
    assert third.errors[0].extensions == {"code": "RATE_LIMITED", "retryAfter": 2}
    assert third.errors[0].message == (
        "rate limit: this client has 1 cost units left and the operation costs 2; retry in 2 s"
    )
