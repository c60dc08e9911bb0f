"""GraphQL over HTTP (the GraphQL-over-HTTP spec), served by Starlette.

- ``POST`` with ``application/json``; ``GET`` with URL parameters, for queries only.
- Content negotiation: ``application/graphql-response+json`` (request errors answer 400) or
  ``application/json`` (GraphQL results always answer 200); ``*/*`` or no Accept means JSON.
- Every error carries ``extensions.code`` (``schema.errors.ErrorCode``); the database being
  down answers 503.
A browser asking for HTML at the endpoint gets GraphiQL instead.
"""

import math
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers.bounds import ListSizes
from resolvers.database import Database, count_statements
from resolvers.texts import parse_accept_language
from schema.build import IomSchema
from schema.context import Context
from schema.errors import ErrorCode
from schema.ratelimit import RateLimiter, client_key

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
_OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_FIRST_OPERATION = re.compile(r"\b(query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class RequestOutcome:
    """What the access log and the metrics record about one GraphQL request."""

    operation_name: str = "anonymous"
    outcome: str = "ok"
    statements: int = 0
    error_codes: list[str] = field(default_factory=list)


class HTTPError(Exception):
    """A request refused before execution: status, code and an actionable message."""

    def __init__(
        self, status: int, code: ErrorCode, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers or {}


@dataclass(frozen=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header; None when we can offer none of it."""
    if not accept or not accept.strip():
        return JSON
    best_rank: tuple[float, int, int] | None = None
    best_offer: str | None = None
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if quality <= 0:
            continue
        if media == GRAPHQL_RESPONSE_JSON:
            offer = GRAPHQL_RESPONSE_JSON
        elif media in (JSON, "application/*", "*/*"):
            offer = JSON
        else:
            continue
        # Higher quality wins; at equal quality graphql-response+json, then the earlier range.
        rank = (quality, 1 if offer == GRAPHQL_RESPONSE_JSON else 0, -position)
        if best_rank is None or rank > best_rank:
            best_rank, best_offer = rank, offer
    return best_offer


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "query" not in request.query_params


def _json_param(raw: str | None, name: str) -> dict[str, Any] | None:
    if raw is None or raw == "":
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise HTTPError(400, ErrorCode.BAD_REQUEST, f"`{name}` is not valid JSON") from None
    return _object_param(value, name)


def _object_param(value: Any, name: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise HTTPError(400, ErrorCode.BAD_REQUEST, f"`{name}` must be a JSON object (map)")
    return value


def _params(query: Any, variables: Any, operation_name: Any, extensions: Any) -> GraphQLParams:
    if not isinstance(query, str) or not query.strip():
        raise HTTPError(
            400,
            ErrorCode.BAD_REQUEST,
            "the request needs a `query` parameter holding a GraphQL document",
        )
    if operation_name is not None and not isinstance(operation_name, str):
        raise HTTPError(400, ErrorCode.BAD_REQUEST, "`operationName` must be a string")
    return GraphQLParams(
        query,
        _object_param(variables, "variables"),
        operation_name,
        _object_param(extensions, "extensions"),
    )


async def read_params(request: Request) -> GraphQLParams:
    """The GraphQL parameters of a GET or POST request, or an HTTPError saying what is wrong."""
    if request.method == "GET":
        args = request.query_params
        return _params(
            args.get("query"),
            _json_param(args.get("variables"), "variables"),
            args.get("operationName"),
            _json_param(args.get("extensions"), "extensions"),
        )
    content_type = request.headers.get("content-type", "")
    media, *params = (piece.strip().lower() for piece in content_type.split(";"))
    if media != JSON:
        raise HTTPError(
            415,
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "POST bodies must be `application/json` (GraphQL over HTTP); "
            "forms and text bodies are refused",
        )
    charset = next((p[8:] for p in params if p.startswith("charset=")), "utf-8")
    if charset.strip('"') not in ("utf-8", "utf8"):
        raise HTTPError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "request bodies must be UTF-8")
    body = await request.body()
    if not body:
        raise HTTPError(400, ErrorCode.BAD_REQUEST, "the request body is empty")
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise HTTPError(400, ErrorCode.BAD_REQUEST, "the request body is not valid JSON") from None
    if isinstance(payload, list):
        raise HTTPError(
            400,
            ErrorCode.BATCH_TOO_LARGE,
            "batched requests (a JSON array) are not accepted: send one operation",
        )
    if not isinstance(payload, dict):
        raise HTTPError(400, ErrorCode.BAD_REQUEST, "the request body must be a JSON object")
    return _params(
        payload.get("query"),
        payload.get("variables"),
        payload.get("operationName"),
        payload.get("extensions"),
    )


def operation_label(params: GraphQLParams | None) -> str:
    """A bounded label for logs and metrics: the operation's name, never the query text."""
    if params is None:
        return "invalid"
    name = params.operation_name
    if name is None:
        match = _FIRST_OPERATION.search(params.query[:2000])
        name = match.group(2) if match else None
    return name if name and _OPERATION_NAME.match(name) else "anonymous"


def format_error(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = error.formatted  # type: ignore[assignment]
    return formatted


def encode(
    payload: dict[str, Any], status: int, media: str, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(payload),
        status_code=status,
        media_type=f"{media}; charset=utf-8",
        headers=headers,
    )


def error_response(error: HTTPError, media: str) -> Response:
    payload = {"errors": [{"message": str(error), "extensions": {"code": error.code.value}}]}
    return encode(payload, error.status, media, error.headers)


def result_response(result: ExecutionResult, media: str) -> tuple[Response, list[str]]:
    """Status and body for an execution result, following the media type's rules."""
    errors = result.errors or []
    codes = [str((e.extensions or {}).get("code", ErrorCode.INTERNAL_SERVER_ERROR)) for e in errors]
    request_error = bool(errors) and result.data is None and all(e.path is None for e in errors)
    payload: dict[str, Any] = {} if request_error else {"data": result.data}
    if errors:
        payload["errors"] = [format_error(e) for e in errors]
    if result.extensions:
        payload["extensions"] = result.extensions
    status = 200
    headers: dict[str, str] | None = None
    if ErrorCode.RATE_LIMITED in codes:
        status = 429
        retry = next(
            e.extensions.get("retryAfter", 1)
            for e in errors
            if e.extensions and e.extensions.get("code") == ErrorCode.RATE_LIMITED
        )
        headers = {"Retry-After": str(retry)}
    elif ErrorCode.SERVICE_UNAVAILABLE in codes:
        status = 503
        headers = {"Retry-After": "5"}
    elif request_error and ErrorCode.INTERNAL_SERVER_ERROR in codes:
        status = 500
    elif request_error and media == GRAPHQL_RESPONSE_JSON:
        status = 400
    return encode(payload, status, media, headers), codes


@dataclass
class Guards:
    """What protects the endpoint: timeout, rate limits, and the dataset's list sizes."""

    timeout_seconds: float = 10.0
    api_key_header: str = "x-api-key"
    rate_limiter: RateLimiter | None = None
    list_sizes: ListSizes = field(default_factory=ListSizes)
    # Clients the rate limiter refused, and until when: refused again at once, unparsed.
    blocked_until: dict[str, float] = field(default_factory=dict)

    def retry_after(self, client: str) -> int:
        until = self.blocked_until.get(client)
        if until is None:
            return 0
        remaining = until - time.monotonic()
        if remaining <= 0:
            del self.blocked_until[client]
            return 0
        return max(1, math.ceil(remaining))

    def block(self, client: str, seconds: int) -> None:
        if len(self.blocked_until) > 10_000:
            self.blocked_until.clear()
        self.blocked_until[client] = time.monotonic() + seconds


class GraphQLEndpoint:
    """The ``/graphql`` route: parameters, execution, status codes and media types."""

    def __init__(
        self,
        schema: IomSchema,
        db: Database,
        guards: Guards | None = None,
        graphiql: Callable[[Request], Awaitable[Response]] | None = None,
    ) -> None:
        self.schema = schema
        self.db = db
        self.guards = guards or Guards()
        self.graphiql = graphiql

    async def handle(self, request: Request) -> Response:
        outcome = RequestOutcome()
        request.state.graphql = outcome
        if request.method == "GET" and self.graphiql is not None and wants_html(request):
            outcome.operation_name, outcome.outcome = "graphiql", "page"
            return await self.graphiql(request)
        media = negotiate(request.headers.get("accept"))
        if media is None:
            outcome.outcome = "refused"
            not_acceptable = HTTPError(
                406,
                ErrorCode.NOT_ACCEPTABLE,
                f"this endpoint answers `{GRAPHQL_RESPONSE_JSON}` or `{JSON}`",
            )
            return error_response(not_acceptable, JSON)
        params: GraphQLParams | None = None
        client = client_key(
            request.headers.get(self.guards.api_key_header),
            request.client.host if request.client else None,
        )
        try:
            if wait := self.guards.retry_after(client):
                raise HTTPError(
                    429,
                    ErrorCode.RATE_LIMITED,
                    f"rate limit: retry in {wait} s",
                    {"Retry-After": str(wait)},
                )
            params = await read_params(request)
            outcome.operation_name = operation_label(params)
            response, codes = await self.execute(request, params, media, outcome, client)
        except HTTPError as error:
            outcome.operation_name = operation_label(params)
            outcome.outcome, outcome.error_codes = "refused", [error.code.value]
            return error_response(error, media)
        outcome.error_codes = codes
        outcome.outcome = (
            "ok" if not codes else ("error" if response.status_code >= 500 else "client_error")
        )
        return response

    async def execute(
        self,
        request: Request,
        params: GraphQLParams,
        media: str,
        outcome: RequestOutcome,
        client: str,
    ) -> tuple[Response, list[str]]:
        allowed = {OperationType.QUERY}
        if request.method == "POST":
            allowed.add(OperationType.MUTATION)
        context = Context(
            db=self.db,
            request_id=getattr(request.state, "request_id", "") or uuid.uuid4().hex,
            client_key=client,
            languages=parse_accept_language(request.headers.get("accept-language")),
            list_sizes=self.guards.list_sizes,
            rate_limiter=self.guards.rate_limiter,
        )
        timeout = self.guards.timeout_seconds
        with count_statements() as counter:
            try:
                with anyio.fail_after(timeout):
                    result = await self.schema.execute(
                        params.query,
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
            except InvalidOperationTypeError:
                raise HTTPError(
                    405,
                    ErrorCode.OPERATION_NOT_ALLOWED,
                    "GET requests may only run queries; use POST",
                    {"Allow": "POST"},
                ) from None
            except CannotGetOperationTypeError:
                raise HTTPError(
                    400,
                    ErrorCode.BAD_REQUEST,
                    "`operationName` does not name an operation of the document, "
                    "or the document has several and none is named",
                ) from None
            except MissingQueryError:
                raise HTTPError(
                    400, ErrorCode.BAD_REQUEST, "no GraphQL query in the request"
                ) from None
        outcome.statements = counter.count
        response, codes = result_response(result, media)
        if response.status_code == 429:
            self.guards.block(client, int(response.headers["retry-after"]))
        return response, codes
