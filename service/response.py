"""Writing GraphQL-over-HTTP responses: status codes by media type, headers, JSON bodies."""

from typing import Any

import orjson
from graphql import GraphQLError
from starlette.responses import Response
from strawberry.types import ExecutionResult

from schema.errors import ErrorCode
from service.request import GRAPHQL_RESPONSE_JSON, HTTPError


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


def error_codes(errors: list[GraphQLError]) -> list[str]:
    return [str((e.extensions or {}).get("code", ErrorCode.INTERNAL_SERVER_ERROR)) for e in errors]


def result_response(
    result: ExecutionResult, media: str, added_headers: dict[str, str] | None = None
) -> Response:
    """Status and body for an execution result, following the media type's rules.

    With ``application/json`` a GraphQL result is 200; with ``graphql-response+json`` a
    request that failed before execution (no ``data``) is 400. Throttling (429), an
    unavailable database or a timeout (503) and internal failures (500) override both.
    ``added_headers`` go with the status's own.
    """
    errors = result.errors or []
    codes = error_codes(errors)
    request_error = bool(errors) and result.data is None and all(e.path is None for e in errors)
    payload: dict[str, Any] = {} if request_error else {"data": result.data}
    if errors:
        payload["errors"] = [error.formatted for error in errors]
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
    if added_headers:
        headers = added_headers if headers is None else headers | added_headers
    return encode(payload, status, media, headers)
