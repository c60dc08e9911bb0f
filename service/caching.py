"""Exact response caching and automatic persisted queries (Apollo's APQ protocol).

A cached response is keyed by everything that decides its bytes: the dataset version and
day, the response media type, the request's language chain, and the operation (document,
name, variables, extensions). A cost dry run is never stored nor served (see
``service.responder``; docs/caching-and-dates.md lists every input and how it is handled).
A new dataset version changes every key at once; no entry computed for another language or
another version can be served. Only complete, error-free results are stored.
In-process by default (LRU bounded in bytes); shared through Redis when configured, with an
in-process store standing in while Redis is unavailable.
"""

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from schema.errors import ErrorCode
from service.redis_guard import RedisGuard, RedisUnavailableError
from service.request import GraphQLParams, HTTPError

RESPONSE_PREFIX = "iom-graph:response:"
PERSISTED_PREFIX = "iom-graph:apq:"
REDIS_TTL_SECONDS = 24 * 3600
PERSISTED_LOCAL_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CachedResponse:
    body: bytes
    etag: str
    cost: int

    def encode(self) -> bytes:
        return f"{self.etag}\n{self.cost}\n".encode() + self.body

    @classmethod
    def decode(cls, raw: bytes) -> "CachedResponse":
        etag, cost, body = raw.split(b"\n", 2)
        return cls(body=body, etag=etag.decode(), cost=int(cost))


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def response_key(
    version: str,
    media: str,
    languages: tuple[str, ...],
    query: str,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    extensions: dict[str, Any] | None = None,
) -> str:
    """The one key of a response: every input that decides its bytes, hashed
    (``extensions`` without ``persistedQuery``: see ``service.request.response_extensions``)."""
    material = orjson.dumps(
        [version, media, languages, query, operation_name, variables, extensions or {}],
        option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
    )
    return hashlib.sha256(material).hexdigest()


def data_file_key(version: str, period: str, language: str, name: str) -> str:
    """The key of one file of a Data Package (``service.data_routes``): its dataset version,
    day (or ``all``), language and name; "data" keeps it apart from every response key."""
    material = orjson.dumps(["data", version, period, language, name])
    return hashlib.sha256(material).hexdigest()


class KeyValueStore(Protocol):
    async def get(self, key: str) -> bytes | None: ...
    async def set(self, key: str, value: bytes) -> None: ...


# Memory of one LocalStore entry beyond the lengths of its key and value: the str and bytes
# object headers (49 + 33 bytes) and the OrderedDict's entry, index and link (74 to 100 bytes
# by table fill, measured with tracemalloc on CPython 3.11). Counting values alone let tiny
# answers take 2.76 times the configured size.
ENTRY_OVERHEAD_BYTES = 180


def _footprint(key: str, value: bytes) -> int:
    return len(key) + len(value) + ENTRY_OVERHEAD_BYTES


class LocalStore:
    """An LRU dictionary bounded by the memory of its entries (keys, values, overhead)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.items: OrderedDict[str, bytes] = OrderedDict()

    async def get(self, key: str) -> bytes | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes) -> None:
        footprint = _footprint(key, value)
        if footprint > self.max_bytes:
            return
        previous = self.items.pop(key, None)
        if previous is not None:
            self.size -= _footprint(key, previous)
        self.items[key] = value
        self.size += footprint
        while self.size > self.max_bytes:
            evicted_key, evicted = self.items.popitem(last=False)
            self.size -= _footprint(evicted_key, evicted)


class RedisStore:
    """Values in Redis under ``prefix``, shared by replicas.

    While Redis is unavailable (see ``RedisGuard``), values are stored in ``fallback`` (when
    there is one) instead, and a value Redis lacks is looked up there: a client that registers
    a persisted query during an outage finds it on this replica, during and after the outage.
    Every key names its value exactly (a response key holds the dataset version), so an entry
    of the fallback is never stale; it is bounded in bytes like any local store.
    """

    def __init__(
        self,
        redis: RedisGuard,
        prefix: str,
        fallback: LocalStore | None = None,
        ttl_seconds: int = REDIS_TTL_SECONDS,
    ) -> None:
        self.redis, self.prefix, self.fallback, self.ttl = redis, prefix, fallback, ttl_seconds

    async def get(self, key: str) -> bytes | None:
        try:
            value = await self.redis.run(lambda: self.redis.client.get(self.prefix + key))
        except RedisUnavailableError:
            value = None
        if isinstance(value, bytes):
            return value
        return await self.fallback.get(key) if self.fallback is not None else None

    async def set(self, key: str, value: bytes) -> None:
        try:
            await self.redis.run(
                lambda: self.redis.client.set(self.prefix + key, value, ex=self.ttl)
            )
        except RedisUnavailableError:
            if self.fallback is not None:
                await self.fallback.set(key, value)


class ResponseCache:
    def __init__(self, store: KeyValueStore) -> None:
        self.store = store

    async def get(self, key: str) -> CachedResponse | None:
        raw = await self.store.get(key)
        return CachedResponse.decode(raw) if raw is not None else None

    async def set(self, key: str, response: CachedResponse) -> None:
        await self.store.set(key, response.encode())


class PersistedQueries:
    """Documents by their sha256 (APQ): registered by a client once, then sent by hash."""

    def __init__(self, store: KeyValueStore) -> None:
        self.store = store

    async def get(self, sha256: str) -> str | None:
        raw = await self.store.get(sha256)
        return raw.decode() if raw is not None else None

    async def document_for(self, params: GraphQLParams) -> str | None:
        """The document to run: as sent, or by its hash (APQ); None when the hash is unknown;
        a 400 when a document comes with a hash that is not its own."""
        if params.persisted_hash is None:
            return params.query
        if params.query is None:
            return await self.get(params.persisted_hash)
        if not await self.register(params.persisted_hash, params.query):
            raise HTTPError(400, ErrorCode.BAD_REQUEST, "provided sha does not match query")
        return params.query

    async def register(self, sha256: str, query: str) -> bool:
        """Store ``query`` under ``sha256`` if it really is its hash."""
        if hashlib.sha256(query.encode()).hexdigest() != sha256:
            return False
        await self.store.set(sha256, query.encode())
        return True


@dataclass
class Caching:
    """Exact response caching: the dataset version now, the stores, the Cache-Control value."""

    versions: Callable[[], str | None]
    responses: ResponseCache | None
    persisted: PersistedQueries
    cache_control: str = "public, max-age=0, must-revalidate"


def build_caching(
    response_cache_bytes: int,
    max_age_seconds: int,
    redis: RedisGuard | None,
    versions: Callable[[], str | None],
) -> Caching:
    """Response cache and persisted queries: in Redis when configured (in-process while it is
    unavailable, the responses' fallback bounded by ``response_cache_bytes``), else in-process."""
    responses: ResponseCache | None = None
    if redis is not None:
        fallback = LocalStore(response_cache_bytes) if response_cache_bytes > 0 else None
        responses = ResponseCache(RedisStore(redis, RESPONSE_PREFIX, fallback))
        persisted = PersistedQueries(
            RedisStore(redis, PERSISTED_PREFIX, LocalStore(PERSISTED_LOCAL_BYTES))
        )
    else:
        if response_cache_bytes > 0:
            responses = ResponseCache(LocalStore(response_cache_bytes))
        persisted = PersistedQueries(LocalStore(PERSISTED_LOCAL_BYTES))
    return Caching(
        versions=versions,
        responses=responses,
        persisted=persisted,
        cache_control=f"public, max-age={max_age_seconds}, must-revalidate",
    )
