"""Stable error codes on every GraphQL error, and masking of everything unexpected.

The closed list of codes is ``ErrorCode``; README documents each. Unexpected errors reach the
client as "Internal server error" with the request id, and are logged in full server-side.
"""

import logging
from enum import StrEnum
from typing import Any

from graphql import GraphQLError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from strawberry.relay.types import GlobalIDValueError

from resolvers.errors import UserInputError

logger = logging.getLogger("iom_graph.errors")


class ErrorCode(StrEnum):
    """Every value ``extensions.code`` can take."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    OPERATION_NOT_ALLOWED = "OPERATION_NOT_ALLOWED"
    BAD_REQUEST = "BAD_REQUEST"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    DEPTH_LIMIT_EXCEEDED = "DEPTH_LIMIT_EXCEEDED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    TOO_MANY_DIRECTIVES = "TOO_MANY_DIRECTIVES"
    TOO_MANY_FIELDS = "TOO_MANY_FIELDS"
    TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
    BATCH_TOO_LARGE = "BATCH_TOO_LARGE"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    RATE_LIMITED = "RATE_LIMITED"
    TIMEOUT = "TIMEOUT"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


INTERNAL_MESSAGE = "Internal server error"
UNAVAILABLE_MESSAGE = "The database is unavailable; the service resumes by itself, retry shortly"


def coded_error(message: str, code: ErrorCode, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value, **extensions})


def classify(error: GraphQLError) -> ErrorCode:
    """The code of an error produced anywhere in parsing, validation or execution."""
    existing = (error.extensions or {}).get("code")
    if isinstance(existing, str) and existing in ErrorCode.__members__:
        return ErrorCode(existing)
    if error.path is None and error.message.startswith("Variable '$"):
        return ErrorCode.BAD_USER_INPUT  # variable coercion (its original error is uncoded)
    original = error.original_error
    if isinstance(original, UserInputError | GlobalIDValueError):
        return ErrorCode.BAD_USER_INPUT
    if isinstance(original, OperationalError | InterfaceError | PoolTimeoutError):
        return ErrorCode.SERVICE_UNAVAILABLE
    if original is not None:
        original_code = (getattr(original, "extensions", None) or {}).get("code")
        if isinstance(original_code, str) and original_code in ErrorCode.__members__:
            return ErrorCode(original_code)
        return ErrorCode.INTERNAL_SERVER_ERROR
    if error.path is not None:
        return ErrorCode.INTERNAL_SERVER_ERROR  # e.g. null for a non-null field
    if error.message.startswith("Syntax Error: Document contains more than"):
        return ErrorCode.TOO_MANY_TOKENS
    if error.message.startswith("Syntax Error"):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    return ErrorCode.GRAPHQL_VALIDATION_FAILED


def coded(error: GraphQLError, request_id: str) -> GraphQLError:
    """A copy of ``error`` carrying its code; unexpected errors lose their message."""
    code = classify(error)
    extensions = dict(error.extensions or {})
    extensions["code"] = code.value
    message = error.message
    original = error.original_error
    if isinstance(original, UserInputError) and original.argument:
        extensions["argument"] = original.argument
    if code is ErrorCode.INTERNAL_SERVER_ERROR:
        message, extensions = INTERNAL_MESSAGE, {"code": code.value, "requestId": request_id}
    elif code is ErrorCode.SERVICE_UNAVAILABLE:
        message, extensions = UNAVAILABLE_MESSAGE, {"code": code.value, "requestId": request_id}
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def log_unexpected(errors: list[GraphQLError], request_id: str) -> None:
    """Log unexpected errors in full (with traceback); client errors are not logged here."""
    for error in errors:
        code = classify(error)
        if code in (ErrorCode.INTERNAL_SERVER_ERROR, ErrorCode.SERVICE_UNAVAILABLE):
            logger.error(
                "unexpected error in %s: %s",
                ".".join(map(str, error.path or [])) or "operation",
                error.message,
                exc_info=error.original_error,
                extra={"request_id": request_id, "code": code.value},
            )
