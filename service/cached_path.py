"""The cached path: a GET or HEAD of ``/graphql`` that the response cache holds, answered
before any Starlette ``Request`` or ``Response`` is made.

``service.endpoint`` and ``service.responder`` answer such a request too; this path is an
adapter beside them that returns the same status, headers and body (tests/test_cached_path.py
compares them byte for byte), and leaves every request it is not sure of to them (``None``):
another method, a browser asking for GraphiQL, an unacceptable ``Accept``, an API key (its
lookup), ``Accept-Datetime``, a client refused moments ago, persisted queries, cost dry runs,
invalid parameters, tracing on, and every cache miss.

What it saves (benchmark/README.md, issue 26): the ``Request`` and ``Response`` objects, the
parameters' parsing and the key's hashing (``keys``: raw inputs to the response key), and
the dataset version's check (``TickVersion``).
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from starlette.types import Scope

from service.caching import Caching
from service.observability import RequestOutcome
from service.params import operation_label, url_params
from service.ratelimit import ClientAccount, RateLimits, client_key
from service.request import (
    SAFE_METHODS,
    HTTPError,
    etag_held,
    is_dry_run,
    negotiate,
    parse_accept_language,
    response_extensions,
)
from service.responder import (
    content_type,
    hit_headers,
    key_of,
    not_modified,
    refused_from_cache,
    today,
)

# Raw inputs -> response key: entries of query strings up to this long, this many at most
# (about 4 MB of keys at worst; a longer query string is keyed every time).
KEY_MEMO_ENTRIES = 1024
KEY_MEMO_CHARS = 4096


@dataclass(frozen=True, slots=True)
class Answer:
    """A whole response: its ``http.response.start`` status and headers, its one body."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass(frozen=True, slots=True)
class _Operation:
    key: str  # the response key (service.caching.response_key)
    label: str  # the metrics' operation label
    document: str


class TickVersion:
    """The watcher's dataset version, asked at most once per event-loop iteration.

    On SQLite the watcher runs ``PRAGMA data_version`` per call. Requests handled in one
    iteration of the loop share one answer, read when the first of them asked; the next
    iteration asks again. So a load another process committed is seen by every request
    handled in an iteration that starts after the commit became visible: a request never
    gets a version older than the one the watcher reported when its iteration began (it may
    get the older version when the commit lands within that iteration, as it would have had
    it been handled a moment earlier)."""

    def __init__(self, versions: Callable[[], str | None]) -> None:
        self.versions = versions
        self.asked = False
        self.version: str | None = None

    def __call__(self) -> str | None:
        if not self.asked:
            self.version, self.asked = self.versions(), True
            asyncio.get_running_loop().call_soon(self._forget)
        return self.version

    def _forget(self) -> None:
        self.asked = False


class CachedPath:
    """Stored answers to GET and HEAD requests of ``/graphql``, or None to take the
    endpoint's path. ``served`` counts the answers given here."""

    def __init__(self, caching: Caching, rate_limits: RateLimits | None, graphiql: bool) -> None:
        self.caching, self.rate_limits, self.graphiql = caching, rate_limits, graphiql
        self.version = TickVersion(caching.versions)
        self.keys: dict[tuple[bytes, str, date, tuple[str, ...], str], _Operation | None] = {}
        self.served = 0

    async def answer(self, scope: Scope, headers: dict[str, str]) -> Answer | None:
        responses = self.caching.responses
        if responses is None or scope["method"] not in SAFE_METHODS:
            return None
        accept = headers.get("accept")
        if self.graphiql and accept is not None and "text/html" in accept:
            return None
        media = negotiate(accept)
        limits = self.rate_limits
        if media is None or "accept-datetime" in headers:
            return None
        if limits is not None and headers.get(limits.api_key_header):
            return None
        version = self.version()
        if version is None:
            return None
        operation = self.operation(scope, headers, media, version)
        if operation is None:
            return None
        account = None
        if limits is not None:
            client = scope.get("client")
            account = ClientAccount(
                limits.limiter, client_key(None, client[0] if client else None), limits.default
            )
            if limits.retry_after(account.client):
                return None
        cached = await responses.get(operation.key)
        if cached is None:
            return None
        self.served += 1
        outcome = RequestOutcome(operation_name=operation.label, outcome="cached", cache="hit")
        outcome.document, outcome.cost = operation.document, cached.cost
        scope["state"]["graphql"] = outcome
        head = scope["method"] == "HEAD"
        if limits and account and (refusal := await account.charge(cached.cost)) is not None:
            response = refused_from_cache(refusal, media, account, outcome)
            limits.block(account)  # as the endpoint does with a 429
            body = b"" if head else bytes(response.body)
            return Answer(response.status_code, response.raw_headers, body)
        fields = hit_headers(cached, self.caching.cache_control, version, account)
        if etag_held(headers.get("if-none-match"), cached.etag):
            return Answer(304, _raw(not_modified(fields)), b"")
        raw = _raw(fields)
        raw.append((b"content-length", str(len(cached.body)).encode()))
        raw.append((b"content-type", content_type(media).encode("latin-1")))
        return Answer(200, raw, b"" if head else cached.body)

    def operation(
        self, scope: Scope, headers: dict[str, str], media: str, version: str
    ) -> _Operation | None:
        """The response key of the request's operation (None: not one for this path), from
        the memo when its raw inputs were seen."""
        query_string: bytes = scope["query_string"]
        languages = parse_accept_language(headers.get("accept-language"))
        day = today()
        inputs = (query_string, version, day, languages, media)
        try:
            return self.keys[inputs]
        except KeyError:
            pass
        operation = _operation_of(query_string, day, version, media, languages)
        if len(query_string) <= KEY_MEMO_CHARS:
            if len(self.keys) >= KEY_MEMO_ENTRIES:
                self.keys.clear()
            self.keys[inputs] = operation
        return operation


def _operation_of(
    query_string: bytes, day: date, version: str, media: str, languages: tuple[str, ...]
) -> _Operation | None:
    try:
        params = url_params(query_string)
    except HTTPError:
        return None
    if params.persisted_hash is not None or params.query is None:
        return None
    if is_dry_run(params.extensions):
        return None
    extensions = response_extensions(params.extensions)
    key = key_of(day, media, languages, params.query, params, extensions, version)
    return _Operation(key, operation_label(params), params.query)


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """Headers as Starlette's ``Response`` encodes them."""
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]
