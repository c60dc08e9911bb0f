"""The ``/graphql`` endpoint: GraphQL over HTTP with protection.

Flow of a request, one step a module: here, the method, GraphiQL for browsers, media type
negotiation, clients the rate limiter refused turned away unread, the parameters
(``service.params``), and every failure as a coded response; then ``service.responder``
answers the operation (persisted queries, the response cache, validators and 304), running it
through ``service.execution`` (slots, timeout) on one dataset version (``service.dataset``).
"""

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from resolvers.database import Database
from resolvers.pagination import PageLimits
from schema.build import IomSchema
from schema.context import Context
from schema.errors import INTERNAL_MESSAGE, ErrorCode
from service.cached_path import CachedPath
from service.caching import Caching
from service.dataset import CurrentDataset
from service.execution import ExecutionLimits, Executor
from service.observability import RequestOutcome, request_id_of
from service.params import operation_label, read_params
from service.ratelimit import RateLimits
from service.request import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    SAFE_METHODS,
    GraphQLParams,
    HTTPError,
    header,
    negotiate,
    wants_html,
)
from service.responder import Responder
from service.response import encode, error_response

logger = logging.getLogger("iom_graph.endpoint")
METHODS = frozenset({"GET", "HEAD", "POST"})
# Codes that are the service's fault whatever the status (a resolver failing under a 200).
_SERVER_FAULTS = frozenset(
    {ErrorCode.INTERNAL_SERVER_ERROR, ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.TIMEOUT}
)


class GraphQLEndpoint:
    """The /graphql flow: an ASGI app for every method; ``handle`` answers one request."""

    def __init__(
        self,
        schema: IomSchema,
        db: Database,
        caching: Caching,
        *,
        execution: ExecutionLimits | None = None,
        page_limits: PageLimits | None = None,
        datasets: CurrentDataset | None = None,
        rate_limits: RateLimits | None = None,
        graphiql: Callable[[Request], Awaitable[Response]] | None = None,
        context_factory: Callable[..., Context] = Context,
        trace_operation: Callable[[RequestOutcome], AbstractContextManager[None]] | None = None,
        cached_path: bool = True,
    ) -> None:
        executor = Executor(schema, db, execution or ExecutionLimits())
        self.responder = Responder(
            caching,
            executor,
            datasets or CurrentDataset(db, caching.versions),
            page_limits or PageLimits(),
            context_factory,
        )
        self.rate_limits = rate_limits
        self.graphiql = graphiql
        self.trace_operation = trace_operation or _untraced
        # Stored answers to GET and HEAD before this app is called (service.cached_path,
        # used by service.middleware); not while operations are traced (their spans).
        self.cached_path = (
            CachedPath(caching, rate_limits, graphiql is not None)
            if cached_path and trace_operation is None
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.handle(Request(scope, _WatchedReceive(receive)))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        outcome = RequestOutcome()
        request.scope.setdefault("state", {})["graphql"] = outcome
        if request.method not in METHODS:
            outcome.outcome, outcome.error_codes = "refused", [ErrorCode.METHOD_NOT_ALLOWED.value]
            allow = ", ".join(sorted(METHODS))
            message = "/graphql answers GET and POST (and HEAD, as GET without a body)"
            error = HTTPError(405, ErrorCode.METHOD_NOT_ALLOWED, message, {"Allow": allow})
            return error_response(error, JSON)
        response = await self.answer(request, outcome)
        if request.method == "HEAD":
            response.body = b""  # the headers GET would send, Content-Length included
        return response

    async def answer(self, request: Request, outcome: RequestOutcome) -> Response:
        if request.method in SAFE_METHODS and self.graphiql is not None and wants_html(request):
            outcome.operation_name, outcome.outcome = "graphiql", "page"
            return await self.graphiql(request)
        media = negotiate(header(request, "accept"))
        if media is None:
            outcome.outcome, outcome.error_codes = "refused", [ErrorCode.NOT_ACCEPTABLE.value]
            message = f"this endpoint answers `{GRAPHQL_RESPONSE_JSON}` or `{JSON}`"
            return error_response(HTTPError(406, ErrorCode.NOT_ACCEPTABLE, message), JSON)
        # Only rate limits need to tell clients apart.
        limits = self.rate_limits
        account = None
        params: GraphQLParams | None = None
        try:
            account = await limits.account(request) if limits is not None else None
            if limits and account and (wait := limits.retry_after(account.client)):
                raise HTTPError(
                    429,
                    ErrorCode.RATE_LIMITED,
                    f"rate limit: retry in {wait} s",
                    {"Retry-After": str(wait), **limits.refused_headers(account.client)},
                )
            params = await read_params(request)
            outcome.operation_name = operation_label(params)
            with self.trace_operation(outcome):
                response = await self.responder.answer(request, params, media, outcome, account)
        except HTTPError as error:
            outcome.operation_name = operation_label(params)
            outcome.outcome, outcome.error_codes = "refused", [error.code.value]
            return error_response(error, media)
        except ClientDisconnect:
            outcome.outcome, outcome.error_codes = "refused", [ErrorCode.BAD_REQUEST.value]
            return Response(status_code=400)  # nobody is left to read it
        except Exception:
            if isinstance(request.receive, _WatchedReceive) and request.receive.failed:
                outcome.operation_name, outcome.outcome = "invalid", "refused"
                raise  # the transport's (a body over the limit): for the middleware around us
            return internal_error(request, media, outcome)
        if response.status_code == 429 and limits and account:
            limits.block(account)
        if response.status_code >= 500 or not _SERVER_FAULTS.isdisjoint(outcome.error_codes):
            outcome.outcome = "error"
        elif outcome.outcome == "ok" and outcome.error_codes:
            outcome.outcome = "client_error"
        return response


class _WatchedReceive:
    """The ASGI ``receive``, remembering whether it raised: such exceptions belong to the
    middleware that raised them (``BodySizeLimit`` answers 413), not to the endpoint's 500."""

    def __init__(self, receive: Receive) -> None:
        self.receive, self.failed = receive, False

    async def __call__(self) -> Message:
        try:
            return await self.receive()
        except BaseException:
            self.failed = True
            raise


def _untraced(_outcome: RequestOutcome) -> AbstractContextManager[None]:
    return nullcontext()


def internal_error(request: Request, media: str, outcome: RequestOutcome) -> Response:
    """A failure outside GraphQL execution: logged in full, a coded 500 to the client (as
    the schema masks errors inside execution), counted as ``error``."""
    request_id = request_id_of(request.scope)
    logger.error(
        "unexpected error in the endpoint",
        exc_info=True,
        extra={"request_id": request_id, "code": ErrorCode.INTERNAL_SERVER_ERROR.value},
    )
    outcome.outcome = "error"
    outcome.error_codes = [ErrorCode.INTERNAL_SERVER_ERROR.value]
    extensions = {"code": ErrorCode.INTERNAL_SERVER_ERROR.value, "requestId": request_id}
    return encode({"errors": [{"message": INTERNAL_MESSAGE, "extensions": extensions}]}, 500, media)
