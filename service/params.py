"""Reading the parameters of a GraphQL-over-HTTP request.

``POST`` bodies must be ``application/json`` (so an HTML form cannot send one: CSRF);
``GET`` carries the parameters in the URL. Automatic persisted queries (Apollo's APQ) may
replace ``query`` by ``extensions.persistedQuery.sha256Hash``.
"""

import re
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request

from schema.errors import ErrorCode
from service.bounded_cache import memo_short
from service.request import JSON, SAFE_METHODS, GraphQLParams, HTTPError, header

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_FIRST_OPERATION = re.compile(r"\b(query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)")
# Deepest JSON nesting of `variables` and `extensions` (the object itself is level 1). No
# input of this schema nests beyond three levels; deeper values only cost stack: orjson
# re-encodes at most 254 levels, recursive walks stop near 1000. A constant, not a setting.
MAX_JSON_NESTING = 32
# The operation name of a label is looked for in the first characters of the document only.
_NAME_SEARCH_CHARS = 2000
# Query strings parsed once for every request that repeats them: 256 of at most 4 096
# characters (a GET document is rarely longer), so at most about 2 MB with their values.
_QUERY_STRING_CHARS = 4096


@memo_short(maxsize=256, max_chars=_QUERY_STRING_CHARS)
def _url_arguments(query_string: str) -> dict[str, str]:
    """The arguments of a URL's query string as Starlette's ``request.query_params`` reads
    them (blank values kept, the last of a repeated name wins); callers only read it."""
    return dict(parse_qsl(query_string, keep_blank_values=True))


def _json_param(raw: str | None, name: str) -> dict[str, Any] | None:
    if raw is None or raw == "":
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        if _too_deep(error):
            raise _nested_too_deeply(name) from None
        raise HTTPError(400, ErrorCode.BAD_REQUEST, f"`{name}` is not valid JSON") from None
    return _object_param(value, name)


def _object_param(value: Any, name: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise HTTPError(400, ErrorCode.BAD_REQUEST, f"`{name}` must be a JSON object (map)")
    if nests_deeper_than(value, MAX_JSON_NESTING):
        raise _nested_too_deeply(name)
    return value


def nests_deeper_than(value: dict[str, Any] | list[Any], maximum: int) -> bool:
    """Whether objects and arrays nest more than ``maximum`` levels in ``value`` (itself
    level 1). Iterative, and it stops at the first container past the limit."""
    pending: list[tuple[dict[str, Any] | list[Any], int]] = [(value, 1)]
    while pending:
        container, level = pending.pop()
        for child in container.values() if isinstance(container, dict) else container:
            if isinstance(child, dict | list):
                if level >= maximum:
                    return True
                pending.append((child, level + 1))
    return False


def _too_deep(error: orjson.JSONDecodeError) -> bool:
    return error.msg.startswith("depth limit exceeded")


def _nested_too_deeply(name: str) -> HTTPError:
    return HTTPError(
        400,
        ErrorCode.BAD_REQUEST,
        f"`{name}` nests JSON objects and arrays more than {MAX_JSON_NESTING} levels deep",
    )


def _persisted_hash(extensions: dict[str, Any] | None) -> str | None:
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise HTTPError(400, ErrorCode.BAD_REQUEST, "`persistedQuery` must have version 1")
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise HTTPError(
            400,
            ErrorCode.BAD_REQUEST,
            "`persistedQuery.sha256Hash` must be 64 lower-case hex digits",
        )
    return sha256


def _params(query: Any, variables: Any, operation_name: Any, extensions: Any) -> GraphQLParams:
    extensions = _object_param(extensions, "extensions")
    persisted_hash = _persisted_hash(extensions)
    sent_by_hash = query is None and persisted_hash is not None
    if not sent_by_hash and (not isinstance(query, str) or not query.strip()):
        raise HTTPError(
            400,
            ErrorCode.BAD_REQUEST,
            "the request needs a `query` parameter holding a GraphQL document",
        )
    if operation_name is not None and not isinstance(operation_name, str):
        raise HTTPError(400, ErrorCode.BAD_REQUEST, "`operationName` must be a string")
    return GraphQLParams(
        query, _object_param(variables, "variables"), operation_name, extensions, persisted_hash
    )


def url_params(query_string: bytes) -> GraphQLParams:
    """The GraphQL parameters of a GET or HEAD request's raw query string."""
    args = _url_arguments(query_string.decode("latin-1"))
    return _params(
        args.get("query"),
        _json_param(args.get("variables"), "variables"),
        args.get("operationName"),
        _json_param(args.get("extensions"), "extensions"),
    )


async def read_params(request: Request) -> GraphQLParams:
    """The GraphQL parameters of a GET or POST request, or an HTTPError saying what is wrong."""
    if request.method in SAFE_METHODS:
        return url_params(request.scope["query_string"])
    json_content_type(header(request, "content-type"))
    return body_params(await request.body())


@memo_short(maxsize=64)
def json_content_type(content_type: str | None) -> None:
    """A 415 unless a POST's ``Content-Type`` is JSON in UTF-8 (memoised: every POST parsed
    the same header again; a refusal raises, so only accepted values are kept)."""
    media, *params = (piece.strip().lower() for piece in (content_type or "").split(";"))
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


def body_params(body: bytes) -> GraphQLParams:
    """The GraphQL parameters of a POST's JSON body."""
    if not body:
        raise HTTPError(400, ErrorCode.BAD_REQUEST, "the request body is empty")
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        if _too_deep(error):
            raise HTTPError(
                400,
                ErrorCode.BAD_REQUEST,
                "the request body nests JSON objects and arrays too deeply: `variables` and "
                f"`extensions` may nest at most {MAX_JSON_NESTING} levels",
            ) from None
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
    if name is None and params.query is not None:
        name = _first_operation_name(params.query[:_NAME_SEARCH_CHARS])
    return name if name and _OPERATION_NAME.match(name) else "anonymous"


@memo_short(maxsize=1024, max_chars=_NAME_SEARCH_CHARS)
def _first_operation_name(query: str | None) -> str | None:
    match = _FIRST_OPERATION.search(query or "")
    return match.group(2) if match else None
