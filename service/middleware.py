"""ASGI middleware around every route: request ids with access logs and metrics, the request
header and body limits, and gzip for clients that accept it."""

import time

from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware, GZipResponder, IdentityResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schema.errors import ErrorCode
from service.observability import Metrics, RequestOutcome, log_access, new_request_id
from service.request import JSON, HTTPError, accepts_gzip, gzip_etag
from service.response import error_response


class HeaderSizeLimit:
    """Refuse requests whose request line and headers exceed ``max_bytes`` with a coded 431,
    before anything parses or caches a header (issue 22.2). The HTTP server reads the head
    first: ``service.protocol`` bounds it there too, this covers every other server."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and head_bytes(scope) > self.max_bytes:
            message = f"request line and headers above the limit of {self.max_bytes} bytes"
            error = HTTPError(431, ErrorCode.HEADERS_TOO_LARGE, message, {"Connection": "close"})
            await error_response(error, JSON)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def head_bytes(scope: Scope) -> int:
    """The size of a request's head as sent: request line, then ``name: value`` lines."""
    line = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") + 16
    return line + sum(len(name) + len(value) + 4 for name, value in scope["headers"])


class BodySizeLimit:
    """Refuse request bodies above ``max_bytes`` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit():
            if int(declared) > self.max_bytes:
                await self._refuse(scope, receive, send)
            else:  # the HTTP parser never delivers more than the declared length
                await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLargeError:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body above the limit of {self.max_bytes} bytes"
        response = error_response(HTTPError(413, ErrorCode.PAYLOAD_TOO_LARGE, message), JSON)
        await response(scope, receive, send)


class _BodyTooLargeError(Exception):
    pass


class GZipWhenAccepted(GZipMiddleware):
    """Starlette's gzip for clients whose Accept-Encoding gives gzip a quality above 0.

    Both codings of a response say ``Vary: Accept-Encoding``, and a gzip-coded one carries its
    own strong ETag, the identity one plus ``-gzip`` (RFC 9110 8.8.3.3): content codings are
    part of the representation. ``etag_matches`` takes either in ``If-None-Match``; a 304 to
    a client holding the gzip representation names that one."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if not accepts_gzip(headers.get(b"accept-encoding", b"").decode("latin-1")):
            await IdentityResponder(
                self.app, self.minimum_size, exclude_content_types=self.exclude_content_types
            )(scope, receive, send)
            return
        held = headers.get(b"if-none-match", b"")

        async def send_with_coded_etag(message: Message) -> None:
            if message["type"] == "http.response.start":
                _code_etag(message, held)
            await send(message)

        await GZipResponder(
            self.app,
            self.minimum_size,
            compresslevel=self.compresslevel,
            thread_minimum_size=self.thread_minimum_size,
            exclude_content_types=self.exclude_content_types,
        )(scope, receive, send_with_coded_etag)


def _code_etag(start: Message, held: bytes) -> None:
    """Give a gzip-coded response, or a 304 to a client holding one (its If-None-Match,
    ``held``, names it), the gzip representation's strong ETag."""
    headers = MutableHeaders(raw=start["headers"])
    etag = headers.get("etag")
    if etag is None or etag.startswith("W/"):
        return
    coded = gzip_etag(etag)
    if headers.get("content-encoding") == "gzip" or (
        start["status"] == 304 and coded.encode() in held
    ):
        headers["etag"] = coded


class RequestContext:
    """Request id (``X-Request-ID`` honoured or generated), JSON access log and metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        valid = 0 < len(incoming) <= 128 and incoming.isprintable()
        request_id = incoming if valid else new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - started
            outcome: RequestOutcome | None = scope.get("state", {}).get("graphql")
            if outcome is not None:
                self.metrics.observe(outcome, duration)
            log_access(request_id, scope, status, duration, outcome)
