"""Stable error codes on every GraphQL error, and masking of everything unexpected.

The closed list of codes is ``ErrorCode``; README documents each. Unexpected errors reach the
client as "Internal server error" with the request id, and are logged in full server-side.
"""

import logging
import re
import traceback
from enum import StrEnum
from typing import Any

from graphql import GraphQLError
from sqlalchemy.exc import SQLAlchemyError
from strawberry.relay.types import GlobalIDValueError

from db.errors import Cause, cause_of, describe
from resolvers.errors import NotFoundError, UserInputError

logger = logging.getLogger("iom_graph.errors")


class ErrorCode(StrEnum):
    """Every value ``extensions.code`` can take."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"  # a batch lookup item naming nothing (schema/batch.py); a /data/ file
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    OPERATION_NOT_ALLOWED = "OPERATION_NOT_ALLOWED"
    BAD_REQUEST = "BAD_REQUEST"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    HEADERS_TOO_LARGE = "HEADERS_TOO_LARGE"
    DEPTH_LIMIT_EXCEEDED = "DEPTH_LIMIT_EXCEEDED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    TOO_MANY_DIRECTIVES = "TOO_MANY_DIRECTIVES"
    TOO_MANY_FIELDS = "TOO_MANY_FIELDS"
    TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
    TOO_MANY_ERRORS = "TOO_MANY_ERRORS"
    BATCH_TOO_LARGE = "BATCH_TOO_LARGE"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    DATASET_VERSION_GONE = "DATASET_VERSION_GONE"
    RATE_LIMITED = "RATE_LIMITED"
    INVALID_API_KEY = "INVALID_API_KEY"
    UNKNOWN_DATASET_VERSION = "UNKNOWN_DATASET_VERSION"
    TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
    SLOW_CONSUMER = "SLOW_CONSUMER"
    TIMEOUT = "TIMEOUT"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


INTERNAL_MESSAGE = "Internal server error"
UNAVAILABLE_MESSAGE = "The database is unavailable; the service resumes by itself, retry shortly"
REFUSED_INPUT_MESSAGE = (
    "The database refused a value of this request (too long or too complex): "
    "shorten or simplify the arguments"
)
# graphql-core's message for a variable value the request sent that its type refuses
# (``graphql.execution.values``). Validation's messages about variables ("Variable '$x' is
# never used.", "... used in position expecting ...") are faults of the document, not of the
# values: GRAPHQL_VALIDATION_FAILED like every other validation error.
_VARIABLE_VALUE_ERROR = re.compile(r"Variable '\$[_A-Za-z][_0-9A-Za-z]*' has invalid value\b")
_DATABASE_CODES = {
    Cause.UNAVAILABLE: ErrorCode.SERVICE_UNAVAILABLE,
    Cause.INPUT: ErrorCode.BAD_USER_INPUT,
    Cause.DEFECT: ErrorCode.INTERNAL_SERVER_ERROR,
}


def coded_error(message: str, code: ErrorCode, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value, **extensions})


def classify(error: GraphQLError) -> ErrorCode:
    """The code of an error produced anywhere in parsing, validation or execution."""
    existing = (error.extensions or {}).get("code")
    if isinstance(existing, str) and existing in ErrorCode.__members__:
        return ErrorCode(existing)
    if error.path is None and _VARIABLE_VALUE_ERROR.match(error.message):
        return ErrorCode.BAD_USER_INPUT  # variable coercion (its original error is uncoded)
    original = error.original_error
    if isinstance(original, NotFoundError):
        return ErrorCode.NOT_FOUND
    if isinstance(original, UserInputError):
        # A more specific code a resolver gives (``UNKNOWN_DATASET_VERSION``).
        specific = str(original.details.get("code", ""))
        return (
            ErrorCode(specific) if specific in ErrorCode.__members__ else ErrorCode.BAD_USER_INPUT
        )
    if isinstance(original, GlobalIDValueError):
        return ErrorCode.BAD_USER_INPUT
    if isinstance(original, SQLAlchemyError):
        return _DATABASE_CODES[cause_of(original)]
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
    if isinstance(original, UserInputError):
        if original.argument:
            extensions["argument"] = original.argument
        extensions.update(original.details)
    if code is ErrorCode.INTERNAL_SERVER_ERROR:
        message, extensions = INTERNAL_MESSAGE, {"code": code.value, "requestId": request_id}
    elif code is ErrorCode.SERVICE_UNAVAILABLE:
        message, extensions = UNAVAILABLE_MESSAGE, {"code": code.value, "requestId": request_id}
    elif isinstance(original, SQLAlchemyError):  # the database's message holds the SQL
        message, extensions = REFUSED_INPUT_MESSAGE, {"code": code.value, "requestId": request_id}
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def collapse_duplicates(errors: list[GraphQLError]) -> list[GraphQLError]:
    """One error per distinct request error, at the locations of all its copies: ten uses of
    an unknown ``@aa`` are one error, not ten (graphql-cop's "Directive Overloading")."""
    groups: list[list[GraphQLError]] = []
    first_of: dict[tuple[str, object], list[GraphQLError]] = {}
    for error in errors:
        key = (error.message, (error.extensions or {}).get("code"))
        if error.path is None and error.nodes and key in first_of:
            first_of[key].append(error)
            continue
        groups.append([error])
        if error.path is None and error.nodes:
            first_of[key] = groups[-1]
    return [
        group[0]
        if len(group) == 1
        else GraphQLError(
            group[0].message,
            nodes=[node for error in group for node in error.nodes or []],
            extensions=group[0].extensions,
        )
        for group in groups
    ]


def log_unexpected(errors: list[GraphQLError], request_id: str) -> None:
    """Log unexpected errors in full (with traceback); client errors are not logged here.

    Database errors are logged by their driver's class, code and message only: their text
    and traceback carry the SQL and its parameters (6 KB for a long filter). Values the
    database refused are a warning: an API limit is missing for them."""
    for error in errors:
        code = classify(error)
        where = ".".join(map(str, error.path or [])) or "operation"
        original = error.original_error
        extra = {"request_id": request_id, "code": code.value}
        if isinstance(original, SQLAlchemyError):
            level = logging.WARNING if code is ErrorCode.BAD_USER_INPUT else logging.ERROR
            message = "database refused input" if level == logging.WARNING else "database error"
            facts = describe(original)
            if code is ErrorCode.INTERNAL_SERVER_ERROR:  # where it failed: frames, no values
                facts["stack"] = "".join(traceback.format_tb(original.__traceback__))
            logger.log(level, "%s in %s", message, where, extra={**extra, **facts})
        elif code in (ErrorCode.INTERNAL_SERVER_ERROR, ErrorCode.SERVICE_UNAVAILABLE):
            logger.error(
                "unexpected error in %s: %s",
                where,
                error.message,
                exc_info=original,
                extra=extra,
            )


def cap_errors(errors: list[GraphQLError], maximum: int) -> list[GraphQLError]:
    """The first ``maximum`` errors, then one saying how many more there were: a request
    must not buy a response of thousands of errors (issue 22.4: 24,000 errors, 4.6 MB)."""
    if len(errors) <= maximum:
        return errors
    omitted = len(errors) - maximum
    summary = coded_error(
        f"{omitted} more errors were left out: a response holds at most {maximum}",
        ErrorCode.TOO_MANY_ERRORS,
        omitted=omitted,
        limit=maximum,
    )
    return [*errors[:maximum], summary]
