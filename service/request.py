"""Reading a GraphQL-over-HTTP request: media type negotiation and the request parameters.

``POST`` bodies must be ``application/json`` (so an HTML form cannot send one: CSRF);
``GET`` carries the parameters in the URL. Automatic persisted queries (Apollo's APQ) may
replace ``query`` by ``extensions.persistedQuery.sha256Hash``.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date
from email.utils import parsedate_to_datetime
from typing import Any

import orjson
from starlette.requests import Request

from resolvers.texts import LANGUAGES
from resolvers.validity import EARLIEST_AS_OF
from schema.errors import ErrorCode
from service.bounded_cache import memo_short

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_FIRST_OPERATION = re.compile(r"\b(query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)")
# RFC 9110 qvalue: 0 to 1 with at most three decimals (so no "inf", "nan" or "2").
_QVALUE = re.compile(r"^(0(\.\d{0,3})?|1(\.0{0,3})?)$")
# Deepest JSON nesting of `variables` and `extensions` (the object itself is level 1). No
# input of this schema nests beyond three levels; deeper values only cost stack: orjson
# re-encodes at most 254 levels, recursive walks stop near 1000. A constant, not a setting.
MAX_JSON_NESTING = 32
# The operation name of a label is looked for in the first characters of the document only.
_NAME_SEARCH_CHARS = 2000
SAFE_METHODS = frozenset({"GET", "HEAD"})  # parameters in the URL, queries only
# An HTTP-date is 29 characters; room for the obsolete forms and spacing, no more.
MAX_ACCEPT_DATETIME_LENGTH = 64


class HTTPError(Exception):
    """A request refused before execution: status, code and an actionable message."""

    def __init__(
        self, status: int, code: ErrorCode, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers or {}


@dataclass(frozen=True)
class GraphQLParams:
    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None
    persisted_hash: str | None = None


def quality_list(header: str) -> list[tuple[str, float, int]]:
    """The items of an Accept-style header as (lower-cased value, quality, position), each
    quality as RFC 9110 defines it (a malformed one counts as 0, i.e. not acceptable)."""
    items = []
    for position, part in enumerate(header.split(",")):
        value, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, raw = param.partition("=")
            if name.strip().lower() == "q":
                raw = raw.strip()
                quality = float(raw) if _QVALUE.match(raw) else 0.0
        items.append((value.lower(), quality, position))
    return items


@memo_short(maxsize=256)
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header gives gzip (or ``*``, gzip unnamed) a quality above
    0 (RFC 9110 12.5.3: ``gzip;q=0`` refuses it); ``x-gzip`` is gzip."""
    named: float | None = None
    wildcard = 0.0
    for coding, quality, _position in quality_list(accept_encoding):
        if coding in ("gzip", "x-gzip"):
            named = max(named or 0.0, quality)
        elif coding == "*":
            wildcard = quality
    return (named if named is not None else wildcard) > 0


def gzip_etag(etag: str) -> str:
    """The strong ETag of the gzip-coded representation: ``"abc"`` -> ``"abc-gzip"``."""
    return etag[:-1] + '-gzip"'


@memo_short(maxsize=256)
def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header; None when we can offer none of it."""
    if not accept or not accept.strip():
        return JSON
    best_rank: tuple[float, int, int] | None = None
    best_offer: str | None = None
    for media, quality, position in quality_list(accept):
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


@memo_short(maxsize=256)
def parse_accept_language(header: str | None) -> tuple[str, ...]:
    """Supported languages from an Accept-Language header, best first ("fr-CH, en;q=0.8")."""
    if not header:
        return ()
    weighted = [
        (-quality, position, tag.split("-")[0])
        for tag, quality, position in quality_list(header)
        if quality > 0 and tag.split("-")[0] in LANGUAGES
    ]
    ordered: list[str] = []
    for _quality, _position, language in sorted(weighted):
        if language not in ordered:
            ordered.append(language)
    return tuple(ordered)


def parse_accept_datetime(header: str | None) -> date | None:
    """The UTC day of an RFC 7089 ``Accept-Datetime`` header (an HTTP-date, e.g.
    ``Wed, 01 Jan 2020 00:00:00 GMT``), or None when there is none; a 400 for a malformed
    value, one over 64 characters, or a day before IOM existed (1951)."""
    if header is None:
        return None
    if len(header) > MAX_ACCEPT_DATETIME_LENGTH:
        raise HTTPError(
            400,
            ErrorCode.BAD_REQUEST,
            f"`Accept-Datetime` is longer than {MAX_ACCEPT_DATETIME_LENGTH} characters",
        )
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        moment = None
    if moment is None:
        raise HTTPError(
            400,
            ErrorCode.BAD_REQUEST,
            "`Accept-Datetime` must be an HTTP-date (RFC 7089), e.g. "
            "`Wed, 01 Jan 2020 00:00:00 GMT`",
        )
    # A value without a zone ("-0000") is UTC, as RFC 7089 dates always are.
    day = (moment.astimezone(UTC) if moment.tzinfo else moment).date()
    if day < EARLIEST_AS_OF:
        raise HTTPError(
            400,
            ErrorCode.BAD_REQUEST,
            f"`Accept-Datetime`: {day.isoformat()} is before {EARLIEST_AS_OF.year}, when IOM "
            f"was founded; give a date from {EARLIEST_AS_OF.isoformat()} on",
        )
    return day


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "query" not in request.query_params


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


def is_dry_run(extensions: dict[str, Any] | None) -> bool:
    """Whether a request asks only for its cost (``extensions.cost.dryRun``, as
    ``schema.extensions.cost`` reads it): its answer holds no data, so it is never stored in
    a cache nor served from one."""
    options = (extensions or {}).get("cost")
    return isinstance(options, dict) and options.get("dryRun") is True


def response_extensions(extensions: dict[str, Any] | None) -> dict[str, Any]:
    """The request's extensions that can shape its response: all but ``persistedQuery``,
    which only names the document (the document itself is in the response key)."""
    return {name: value for name, value in (extensions or {}).items() if name != "persistedQuery"}


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


async def read_params(request: Request) -> GraphQLParams:
    """The GraphQL parameters of a GET or POST request, or an HTTPError saying what is wrong."""
    if request.method in SAFE_METHODS:
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


def etag_matches(request: Request, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` or its gzip representation's (weak
    comparison, as RFC 9110 asks)."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return etag in candidates or gzip_etag(etag) in candidates
