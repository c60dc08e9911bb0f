"""The cached path: a GET, HEAD or POST of ``/graphql`` that the response cache holds,
answered before any Starlette ``Request`` or ``Response`` is made.

``service.endpoint`` and ``service.responder`` answer such a request too; this path is an
adapter beside them that returns the same status, headers and body (tests/test_cached_path.py
compares them byte for byte), and leaves every request it is not sure of to them (``None``):
another method, a browser asking for GraphiQL, an unacceptable ``Accept``, an API key (its
lookup), ``Accept-Datetime``, a client refused moments ago, persisted queries, cost dry runs,
invalid parameters, a POST body of undeclared length or not JSON or after ``Expect``, tracing
on, and every cache miss. A POST body it read is replayed to the endpoint.

What it saves (benchmark/README.md, issue 26): the ``Request`` and ``Response`` objects, the
parameters' parsing and the key's hashing (``keys``: raw inputs to the response key). The
dataset version it looks up by is ``Caching.versions``, which the app makes the one
``service.dataset.TickVersion`` the executed path asks too (one answer per loop iteration).
"""

from collections import deque
from dataclasses import dataclass
from datetime import date

from starlette.types import Message, Receive, Scope

from service.caching import Caching
from service.observability import RequestOutcome
from service.params import body_params, json_content_type, operation_label, url_params
from service.ratelimit import ClientAccount, RateLimits
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
_METHODS = frozenset({"GET", "HEAD", "POST"})


@dataclass(frozen=True, slots=True)
class Answer:
    """A whole response: its ``http.response.start`` status and headers, its one body."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


# (GET or HEAD, query string or body, dataset version, day, languages, media type)
_Inputs = tuple[bool, bytes, str, date, tuple[str, ...], str]


@dataclass(frozen=True, slots=True)
class _Operation:
    key: str  # the response key (service.caching.response_key)
    label: str  # the metrics' operation label
    document: str


class CachedPath:
    """Stored answers to GET, HEAD and POST requests of ``/graphql``; else the ``receive``
    the endpoint is to read the request from. ``served`` counts the answers given here."""

    def __init__(self, caching: Caching, rate_limits: RateLimits | None, graphiql: bool) -> None:
        self.caching, self.rate_limits, self.graphiql = caching, rate_limits, graphiql
        self.version = caching.versions  # once per loop iteration (service.dataset.TickVersion)
        self.keys: dict[_Inputs, _Operation | None] = {}
        self.served = 0

    async def answer(
        self, scope: Scope, headers: dict[str, str], receive: Receive
    ) -> Answer | Receive:
        method = scope["method"]
        responses = self.caching.responses
        if responses is None or method not in _METHODS or "accept-datetime" in headers:
            return receive
        accept = headers.get("accept")
        safe = method in SAFE_METHODS
        if safe and self.graphiql and accept is not None and "text/html" in accept:
            return receive
        media = negotiate(accept)
        here, account = self._account(scope, headers)
        if media is None or not here:
            return receive
        version = self.version()
        if version is None:
            return receive
        if safe:
            sent = scope["query_string"]
        else:
            sent, receive = await _json_body(headers, receive)
            if sent is None:
                return receive
        try:
            operation = self.operation(safe, sent, headers, media, version)
            cached = await responses.get(operation.key) if operation is not None else None
        except Exception:  # the endpoint meets it again, and answers its coded 500
            return receive
        if operation is None or cached is None:
            return receive
        self.served += 1
        outcome = RequestOutcome(operation_name=operation.label, outcome="cached", cache="hit")
        outcome.document, outcome.cost = operation.document, cached.cost
        scope["state"]["graphql"] = outcome
        head = method == "HEAD"
        if account is not None and (refusal := await account.charge(cached.cost)) is not None:
            response = refused_from_cache(refusal, media, account, outcome)
            if self.rate_limits is not None:
                self.rate_limits.block(account)  # as the endpoint does with a 429
            body = b"" if head else bytes(response.body)
            return Answer(response.status_code, response.raw_headers, body)
        cache_control = self.caching.cache_control if safe else None
        fields = hit_headers(cached, cache_control, version, account)
        if safe and etag_held(headers.get("if-none-match"), cached.etag):
            return Answer(304, _raw(not_modified(fields)), b"")
        raw = _raw(fields)
        raw.append((b"content-length", str(len(cached.body)).encode()))
        raw.append((b"content-type", content_type(media).encode("latin-1")))
        return Answer(200, raw, b"" if head else cached.body)

    def _account(self, scope: Scope, headers: dict[str, str]) -> tuple[bool, ClientAccount | None]:
        """Whether this path may answer the client (not when it sends an API key, whose
        lookup the endpoint makes, nor when it was refused moments ago), and its account
        (None when rate limits are off)."""
        limits = self.rate_limits
        if limits is None:
            return True, None
        if headers.get(limits.api_key_header):
            return False, None
        client = scope.get("client")
        account = limits.account_of(None, client[0] if client else None)
        return not limits.retry_after(account.client), account

    def operation(
        self, safe: bool, sent: bytes, headers: dict[str, str], media: str, version: str
    ) -> _Operation | None:
        """The response key of the request's operation (None: not one for this path), from
        the memo when its raw inputs (``sent``: query string or body) were seen."""
        languages = parse_accept_language(headers.get("accept-language"))
        day = today()
        inputs = (safe, sent, version, day, languages, media)
        try:
            return self.keys[inputs]
        except KeyError:
            pass
        operation = _operation_of(safe, sent, day, version, media, languages)
        if len(sent) <= KEY_MEMO_CHARS:
            if len(self.keys) >= KEY_MEMO_ENTRIES:
                self.keys.clear()
            self.keys[inputs] = operation
        return operation


async def _json_body(headers: dict[str, str], receive: Receive) -> tuple[bytes | None, Receive]:
    """A POST's body when it is JSON of a declared length (so the body limit was checked)
    and no ``100-continue`` is expected, with the ``receive`` that replays what was read."""
    declared = headers.get("content-length", "")
    if not declared.isdigit() or "expect" in headers:
        return None, receive
    try:
        json_content_type(headers.get("content-type"))
    except HTTPError:
        return None, receive  # refused unread by the endpoint
    messages, chunks = [], []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return None, _replay(messages, receive)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), _replay(messages, receive)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """``receive`` giving ``messages`` first."""
    pending = deque(messages)

    async def replayed() -> Message:
        return pending.popleft() if pending else await receive()

    return replayed


def _operation_of(
    safe: bool, sent: bytes, day: date, version: str, media: str, languages: tuple[str, ...]
) -> _Operation | None:
    try:
        params = url_params(sent) if safe else body_params(sent)
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
