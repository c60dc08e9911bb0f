"""The one ASGI layer around every route: request ids with access logs and metrics, the
request header and body limits, CORS (Starlette's), and gzip (Starlette's) for clients that
accept it.

One layer rather than one per concern: each layer cost a coroutine and a ``send`` closure
per request (and a header parse each), for the same outcome. The order of the former layers
is kept, outermost first: request context, header limit, CORS, body limit, gzip. So a 431
carries the request id but no CORS headers, a 413 carries both (a browser can read it), and
only the route's own responses are compressed. ``/graphql`` is handed to its endpoint here,
without the router's search (its route stays registered, for everything else that reads
the routes).
"""

import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipResponder, IdentityResponder
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schema.errors import ErrorCode
from service.cached_path import Answer, CachedPath
from service.observability import Metrics, RequestOutcome, log_access, new_request_id
from service.request import JSON, HTTPError, accepts_gzip, gzip_etag, header_values
from service.response import error_response

GRAPHQL_PATH = "/graphql"
GZIP_MINIMUM_BYTES = 1024


class ServiceLayer:
    """Every concern of the former middleware stack, in one ``__call__`` and one ``send``.

    ``cors`` is Starlette's middleware, configured (None: no CORS), whose preflight answers
    and response headers are used as they are; ``graphql`` is the ``/graphql`` endpoint, or
    None to route it like every other path."""

    def __init__(
        self,
        app: ASGIApp,
        metrics: Metrics,
        max_header_bytes: int,
        max_body_bytes: int,
        cors: CORSMiddleware | None = None,
        graphql: ASGIApp | None = None,
    ) -> None:
        self.app, self.metrics, self.cors, self.graphql = app, metrics, cors, graphql
        self.max_header_bytes, self.max_body_bytes = max_header_bytes, max_body_bytes
        found = getattr(graphql, "cached_path", None)  # the endpoint's, when it has one
        self.cached: CachedPath | None = found if isinstance(found, CachedPath) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = header_values(scope)
        request_id = _request_id(headers.get("x-request-id", ""))
        scope.setdefault("state", {})["request_id"] = request_id
        exchange = _Exchange(send, request_id)
        started = time.perf_counter()
        try:
            await self._limited(scope, receive, exchange, headers)
        finally:
            self._record(scope, exchange, time.perf_counter() - started)

    def _record(self, scope: Scope, exchange: "_Exchange", duration: float) -> None:
        """The request's metrics and access line, once its response is sent (or failed)."""
        outcome: RequestOutcome | None = scope["state"].get("graphql")
        if outcome is not None:
            self.metrics.observe(outcome, duration)
        status = 500 if exchange.status is None else exchange.status  # none: the server's 500
        log_access(exchange.request_id, scope, status, duration, outcome)
        exchange.coding = None  # its responder's ``send`` is ours: no cycle left for the GC

    async def _limited(
        self, scope: Scope, receive: Receive, exchange: "_Exchange", headers: dict[str, str]
    ) -> None:
        """The header limit, CORS, then the body limit around the route."""
        if head_bytes(scope) > self.max_header_bytes:
            message = f"request line and headers above the limit of {self.max_header_bytes} bytes"
            error = HTTPError(431, ErrorCode.HEADERS_TOO_LARGE, message, {"Connection": "close"})
            await error_response(error, JSON)(scope, receive, exchange.send)
            return
        if self.cors is not None and "origin" in headers:
            request_headers = Headers(scope=scope)
            if scope["method"] == "OPTIONS" and "access-control-request-method" in request_headers:
                preflight = self.cors.preflight_response(request_headers=request_headers)
                await preflight(scope, receive, exchange.send)
                return
            exchange.cors, exchange.request_headers = self.cors, request_headers
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit():
            if int(declared) > self.max_body_bytes:
                await self._too_large()(scope, receive, exchange.send)
            else:  # the HTTP parser never delivers more than the declared length
                await self._route(scope, receive, exchange, headers)
            return
        try:
            await self._route(scope, _body_bounded(receive, self.max_body_bytes), exchange, headers)
        except _BodyTooLargeError:
            if exchange.status is None:
                await self._too_large()(scope, receive, exchange.send)

    def _too_large(self) -> Response:
        message = f"request body above the limit of {self.max_body_bytes} bytes"
        return error_response(HTTPError(413, ErrorCode.PAYLOAD_TOO_LARGE, message), JSON)

    async def _route(
        self, scope: Scope, receive: Receive, exchange: "_Exchange", headers: dict[str, str]
    ) -> None:
        """The route's response, gzip-coded for a client that accepts it."""
        if accepts_gzip(headers.get("accept-encoding", "")):
            exchange.gzip(headers.get("if-none-match", ""))
        if (
            self.graphql is not None
            and scope["path"] == GRAPHQL_PATH
            and not scope.get("root_path")
        ):
            if self.cached is not None:
                answer = await self.cached.answer(scope, headers, receive)
                if isinstance(answer, Answer):
                    await exchange.send_whole(answer)
                    return
                receive = answer  # what the cached path read of the body, then the rest
            await self.graphql(scope, receive, exchange.send_coded)
        else:
            await self.app(scope, receive, exchange.send_coded)


def _body_bounded(receive: Receive, max_body_bytes: int) -> Receive:
    """``receive`` for a body of undeclared length: past ``max_body_bytes``, it raises."""
    received = 0

    async def limited_receive() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_body_bytes:
                raise _BodyTooLargeError
        return message

    return limited_receive


def _request_id(incoming: str) -> str:
    """The client's ``X-Request-ID`` when it is a reasonable one, else a new id."""
    return incoming if 0 < len(incoming) <= 128 and incoming.isprintable() else new_request_id()


class _Exchange:
    """One response on its way out. The route's messages enter at ``send_coded``: Starlette's
    gzip or identity responder (the identity one only for a response it could change: more
    than one body, or one of ``GZIP_MINIMUM_BYTES`` or more); then ``send`` adds Starlette's
    CORS headers and the request id, and keeps the status for the access log."""

    __slots__ = (
        "coding",
        "cors",
        "held_etags",
        "request_headers",
        "request_id",
        "server_send",
        "start",
        "status",
    )

    def __init__(self, server_send: Send, request_id: str) -> None:
        self.server_send, self.request_id = server_send, request_id
        self.status: int | None = None  # once the response started
        self.cors: CORSMiddleware | None = None
        self.request_headers: Headers | None = None
        self.coding: IdentityResponder | None = None
        self.start: Message | None = None  # held until the first body shows its size
        self.held_etags = ""

    def gzip(self, held_etags: str) -> None:
        """Code the response with gzip; ``held_etags`` is the request's If-None-Match."""
        self.held_etags = held_etags
        self.coding = GZipResponder(_unused, GZIP_MINIMUM_BYTES, exclude_content_types=_EXCLUDED)
        self.coding.send = self.send_with_coded_etag

    async def send_whole(self, answer: Answer) -> None:
        """A response of one body (``service.cached_path``): what ``send_coded`` does with
        it, without a responder when it is not gzip-coded. Such a JSON answer is one that
        Starlette's identity responder only gives ``Vary: Accept-Encoding``, when its body
        is large enough to be coded."""
        start = {"type": "http.response.start", "status": answer.status, "headers": answer.headers}
        body = {"type": "http.response.body", "body": answer.body}
        if self.coding is not None:
            await self.coding.send_with_compression(start)
            await self.coding.send_with_compression(body)
            return
        if len(answer.body) >= GZIP_MINIMUM_BYTES:
            _add_vary(answer.headers)
        await self.send(start)
        await self.send(body)

    async def send_coded(self, message: Message) -> None:
        if self.coding is not None:
            await self.coding.send_with_compression(message)
            return
        kind = message["type"]
        if kind == "http.response.start":
            self.start = message
            return
        start = self.start
        if (
            start is not None
            and kind == "http.response.body"
            and not message.get("more_body", False)
            and len(message.get("body", b"")) < GZIP_MINIMUM_BYTES
        ):
            # What Starlette's responder does with a single short body: leave both alone.
            self.start = None
            await self.send(start)
            await self.send(message)
            return
        self.coding = IdentityResponder(
            _unused, GZIP_MINIMUM_BYTES, exclude_content_types=_EXCLUDED
        )
        self.coding.send = self.send
        if start is not None:
            self.start = None
            await self.coding.send_with_compression(start)
        await self.coding.send_with_compression(message)

    async def send_with_coded_etag(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            _code_etag(message, self.held_etags)
        await self.send(message)

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            if self.cors is not None and self.request_headers is not None:
                await self.cors.send(message, _discard, self.request_headers)
            message["headers"] = [
                *message.get("headers", []),
                (b"x-request-id", self.request_id.encode("latin-1")),
            ]
        await self.server_send(message)


def _code_etag(start: Message, held: str) -> None:
    """Give a gzip-coded response, or a 304 to a client holding one (its If-None-Match,
    ``held``, names it), the gzip representation's strong ETag.

    Both codings of a response say ``Vary: Accept-Encoding``, and a gzip-coded one carries
    its own strong ETag, the identity one plus ``-gzip`` (RFC 9110 8.8.3.3): content codings
    are part of the representation. ``etag_matches`` takes either in ``If-None-Match``."""
    headers = MutableHeaders(raw=start["headers"])
    etag = headers.get("etag")
    if etag is None or etag.startswith("W/"):
        return
    coded = gzip_etag(etag)
    if headers.get("content-encoding") == "gzip" or (start["status"] == 304 and coded in held):
        headers["etag"] = coded


def _add_vary(headers: list[tuple[bytes, bytes]]) -> None:
    """``MutableHeaders.add_vary_header("Accept-Encoding")`` on raw headers."""
    for index, (name, value) in enumerate(headers):
        if name == b"vary":
            headers[index] = (name, value + b", Accept-Encoding")
            return
    headers.append((b"vary", b"Accept-Encoding"))


async def _discard(_message: Message) -> None:
    """The ``send`` of Starlette's CORS, which only sets the headers here."""


async def _unused(_scope: Scope, _receive: Receive, _send: Send) -> None:
    """The app of a responder used only for its ``send_with_compression``."""
    raise AssertionError("never called")


# Starlette's defaults (a responder normalises them once here, not once per request).
_EXCLUDED = IdentityResponder(_unused, 0).exclude_content_types


def head_bytes(scope: Scope) -> int:
    """The size of a request's head as sent: request line, then ``name: value`` lines."""
    line = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") + 16
    return line + sum(len(name) + len(value) + 4 for name, value in scope["headers"])


class _BodyTooLargeError(Exception):
    pass
