"""The ``/graphql`` endpoint: GraphQL over HTTP with protection and exact caching.

Flow of a request: GraphiQL for browsers; media type negotiation; clients the rate limiter
refused are turned away unread; parameters (automatic persisted queries resolved); a cached
response when one exists for exactly this operation, language and dataset version; otherwise
execution under the request timeout. GET and persisted queries get ``ETag`` and
``Cache-Control``, and ``If-None-Match`` answers 304. Every error has a stable code.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import anyio
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers.bounds import ListSizes
from resolvers.database import Database, count_statements
from resolvers.pagination import PageLimits
from schema.build import IomSchema
from schema.context import Context
from schema.errors import INTERNAL_MESSAGE, ErrorCode, coded_error
from service.caching import CachedResponse, Caching, etag_of, response_key
from service.observability import RequestOutcome
from service.ratelimit import ClientAccount, RateLimits
from service.request import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    SAFE_METHODS,
    GraphQLParams,
    HTTPError,
    etag_matches,
    negotiate,
    operation_label,
    parse_accept_language,
    read_params,
    wants_html,
)
from service.response import encode, error_codes, error_response, result_response

logger = logging.getLogger("iom_graph.endpoint")
VARY = "Accept, Accept-Language"
METHODS = frozenset({"GET", "HEAD", "POST"})
# Codes that are the service's fault whatever the status (a resolver failing under a 200).
_SERVER_FAULTS = frozenset(
    {ErrorCode.INTERNAL_SERVER_ERROR, ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.TIMEOUT}
)


@dataclass
class ExecutionLimits:
    """How long one operation may run, and how many run at once."""

    timeout_seconds: float = 10.0
    # GraphQL execution is CPU work on one event loop: running more operations at once adds
    # memory and garbage-collection work, not throughput. Others wait their turn (within
    # the timeout).
    max_concurrent_executions: int = 4


@dataclass
class DatasetState:
    """What the endpoint knows of the loaded dataset: its list sizes bound query costs."""

    list_sizes: ListSizes = field(default_factory=ListSizes)


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
        dataset: DatasetState | None = None,
        rate_limits: RateLimits | None = None,
        graphiql: Callable[[Request], Awaitable[Response]] | None = None,
        context_factory: Callable[..., Context] = Context,
    ) -> None:
        self.schema, self.db, self.caching = schema, db, caching
        self.execution = execution or ExecutionLimits()
        self.page_limits = page_limits or PageLimits()
        self.dataset = dataset or DatasetState()
        self.rate_limits = rate_limits
        self.graphiql = graphiql
        self.context_factory = context_factory
        self._slots: asyncio.Semaphore | None = None

    @property
    def slots(self) -> asyncio.Semaphore:
        """Created on first use, inside the event loop that serves the app."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.execution.max_concurrent_executions)
        return self._slots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.handle(Request(scope, _WatchedReceive(receive)))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        outcome = RequestOutcome()
        request.state.graphql = outcome
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
        media = negotiate(request.headers.get("accept"))
        if media is None:
            outcome.outcome, outcome.error_codes = "refused", [ErrorCode.NOT_ACCEPTABLE.value]
            message = f"this endpoint answers `{GRAPHQL_RESPONSE_JSON}` or `{JSON}`"
            return error_response(HTTPError(406, ErrorCode.NOT_ACCEPTABLE, message), JSON)
        # Only rate limits need to tell clients apart.
        limits = self.rate_limits
        account = limits.account(request) if limits is not None else None
        params: GraphQLParams | None = None
        try:
            if limits and account and (wait := limits.retry_after(account.client)):
                raise HTTPError(
                    429,
                    ErrorCode.RATE_LIMITED,
                    f"rate limit: retry in {wait} s",
                    {"Retry-After": str(wait)},
                )
            params = await read_params(request)
            outcome.operation_name = operation_label(params)
            response = await self.respond(request, params, media, outcome, account)
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
            return self.internal_error(request, media, outcome)
        if response.status_code == 429 and limits and account:
            limits.block(account.client, int(response.headers["retry-after"]))
        if response.status_code >= 500 or not _SERVER_FAULTS.isdisjoint(outcome.error_codes):
            outcome.outcome = "error"
        elif outcome.outcome == "ok" and outcome.error_codes:
            outcome.outcome = "client_error"
        return response

    def internal_error(self, request: Request, media: str, outcome: RequestOutcome) -> Response:
        """A failure outside GraphQL execution: logged in full, a coded 500 to the client (as
        the schema masks errors inside execution), counted as ``error``."""
        request_id = getattr(request.state, "request_id", "")
        logger.error(
            "unexpected error in the endpoint",
            exc_info=True,
            extra={"request_id": request_id, "code": ErrorCode.INTERNAL_SERVER_ERROR.value},
        )
        outcome.outcome = "error"
        outcome.error_codes = [ErrorCode.INTERNAL_SERVER_ERROR.value]
        extensions = {"code": ErrorCode.INTERNAL_SERVER_ERROR.value, "requestId": request_id}
        return encode(
            {"errors": [{"message": INTERNAL_MESSAGE, "extensions": extensions}]}, 500, media
        )

    async def respond(
        self,
        request: Request,
        params: GraphQLParams,
        media: str,
        outcome: RequestOutcome,
        account: ClientAccount | None,
    ) -> Response:
        query = await self.persisted_query(params)
        if query is None:
            outcome.error_codes = [ErrorCode.PERSISTED_QUERY_NOT_FOUND.value]
            return result_response(_not_found(), media)
        languages = parse_accept_language(request.headers.get("accept-language"))
        conditional = request.method in SAFE_METHODS or params.persisted_hash is not None
        version = self.caching.versions()
        # Fields without asOf answer for today, and the response says so (extensions.asOf):
        # the day decides the bytes, so it is part of the key.
        today = datetime.now(UTC).date()
        key = None
        if self.caching.responses is not None and version is not None:
            key = response_key(
                f"{version}@{today.isoformat()}",
                media,
                languages,
                query,
                params.operation_name,
                params.variables,
            )
            cached = await self.caching.responses.get(key)
            if cached is not None:
                outcome.outcome = "cached"
                return await self.from_cache(request, cached, media, conditional, account, outcome)
        context = self.context_factory(
            db=self.db,
            request_id=getattr(request.state, "request_id", ""),
            languages=languages,
            list_sizes=self.dataset.list_sizes,
            page_limits=self.page_limits,
            charge=account.charge if account is not None else None,
            today=today,
        )
        result = await self.execute(request, query, params, context, outcome)
        outcome.error_codes = error_codes(result.errors or [])
        response = result_response(result, media)
        _remaining_header(response, account)
        if response.status_code != 200 or result.errors:
            return response
        body = bytes(response.body)
        etag = etag_of(body)
        if key is not None and self.caching.versions() == version:
            cost = int((result.extensions or {}).get("cost", {}).get("requested", 1))
            await self.caching.responses.set(  # type: ignore[union-attr]
                key, CachedResponse(body, etag, cost)
            )
        if conditional:
            return self.conditional(request, response, etag)
        return response

    async def from_cache(
        self,
        request: Request,
        cached: CachedResponse,
        media: str,
        conditional: bool,
        account: ClientAccount | None,
        outcome: RequestOutcome,
    ) -> Response:
        if account is not None and (refusal := await account.charge(cached.cost)) is not None:
            outcome.error_codes = [ErrorCode.RATE_LIMITED.value]
            return result_response(ExecutionResult(data=None, errors=[refusal]), media)
        response = Response(cached.body, media_type=f"{media}; charset=utf-8")
        _remaining_header(response, account)
        return self.conditional(request, response, cached.etag) if conditional else response

    def conditional(self, request: Request, response: Response, etag: str) -> Response:
        """Validators for a cacheable read, and 304 when the client already holds it."""
        headers = {"ETag": etag, "Cache-Control": self.caching.cache_control, "Vary": VARY}
        if etag_matches(request, etag):
            return Response(status_code=304, headers=headers)
        response.headers.update(headers)
        return response

    async def persisted_query(self, params: GraphQLParams) -> str | None:
        """The document to run: as sent, or by its hash (APQ); None when the hash is unknown."""
        if params.persisted_hash is None:
            return params.query
        store = self.caching.persisted
        if params.query is None:
            return await store.get(params.persisted_hash)
        if not await store.register(params.persisted_hash, params.query):
            raise HTTPError(400, ErrorCode.BAD_REQUEST, "provided sha does not match query")
        return params.query

    async def execute(
        self,
        request: Request,
        query: str,
        params: GraphQLParams,
        context: Context,
        outcome: RequestOutcome,
    ) -> ExecutionResult:
        allowed = {OperationType.QUERY}
        if request.method == "POST":
            allowed.add(OperationType.MUTATION)
        timeout = self.execution.timeout_seconds
        with count_statements() as counter:
            try:
                with anyio.fail_after(timeout):
                    async with self.slots:
                        result = await self.schema.execute(
                            query,
                            variable_values=params.variables,
                            context_value=context,
                            operation_name=params.operation_name,
                            allowed_operation_types=allowed,
                            operation_extensions=params.extensions,
                        )
            except TimeoutError:
                raise HTTPError(
                    503,
                    ErrorCode.TIMEOUT,
                    f"the request took longer than {timeout:g} s and was stopped",
                    {"Retry-After": "5"},
                ) from None
            except InvalidOperationTypeError as error:
                if error.operation_type is OperationType.SUBSCRIPTION:
                    raise HTTPError(
                        400,
                        ErrorCode.OPERATION_NOT_ALLOWED,
                        "this API has no subscriptions: send a query",
                    ) from None
                raise HTTPError(
                    405,
                    ErrorCode.OPERATION_NOT_ALLOWED,
                    "GET requests may only run queries; use POST",
                    {"Allow": "POST"},
                ) from None
            except CannotGetOperationTypeError:
                message = (
                    "the document holds several operations: name the one to run in `operationName`"
                    if params.operation_name is None
                    else "`operationName` names no operation of the document"
                )
                raise HTTPError(400, ErrorCode.BAD_REQUEST, message) from None
            except MissingQueryError:
                raise HTTPError(
                    400, ErrorCode.BAD_REQUEST, "no GraphQL query in the request"
                ) from None
            finally:
                outcome.statements = counter.count
        return result


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


def _not_found() -> ExecutionResult:
    """Apollo's APQ answer for an unknown hash: the client then sends the full document."""
    error = coded_error("PersistedQueryNotFound", ErrorCode.PERSISTED_QUERY_NOT_FOUND)
    return ExecutionResult(data=None, errors=[error])


def _remaining_header(response: Response, account: ClientAccount | None) -> None:
    if account is not None and account.remaining is not None:
        response.headers["X-RateLimit-Remaining"] = str(account.remaining)
