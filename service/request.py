"""Reading a GraphQL-over-HTTP request: media type negotiation, the request headers that
shape a response, and what a request's parameters are (``service.params`` reads them).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date
from email.utils import parsedate_to_datetime
from typing import Any

from starlette.requests import HTTPConnection, Request
from starlette.types import Scope

from resolvers.texts import LANGUAGES
from resolvers.validity import EARLIEST_AS_OF
from schema.errors import ErrorCode
from service.bounded_cache import memo_short

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
# RFC 9110 qvalue: 0 to 1 with at most three decimals (so no "inf", "nan" or "2").
_QVALUE = re.compile(r"^(0(\.\d{0,3})?|1(\.0{0,3})?)$")
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


def header_values(scope: Scope) -> dict[str, str]:
    """The request's headers, decoded once per request (lower-case names; the first value
    sent, as Starlette's ``Headers`` reads it) and kept in the scope."""
    values: dict[str, str] | None = scope.get(_HEADER_VALUES)
    if values is None:
        values = scope[_HEADER_VALUES] = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in reversed(scope["headers"])
        }
    return values


def header(request: HTTPConnection, name: str) -> str | None:
    """The value of the request header ``name`` (lower case), from ``header_values``."""
    return header_values(request.scope).get(name)


_HEADER_VALUES = "iom_graph.header_values"  # the scope key of ``header_values``


def wants_html(request: Request) -> bool:
    accept = header(request, "accept") or ""
    return "text/html" in accept and "query" not in request.query_params


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


def etag_matches(request: Request, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` or its gzip representation's (weak
    comparison, as RFC 9110 asks)."""
    return etag_held(header(request, "if-none-match"), etag)


def etag_held(held: str | None, etag: str) -> bool:
    """``etag_matches`` on the If-None-Match value ``held``."""
    if not held:
        return False
    candidates = _etag_candidates(held)
    return candidates is None or etag in candidates or gzip_etag(etag) in candidates


@memo_short(maxsize=256)
def _etag_candidates(header: str) -> frozenset[str] | None:
    """The entity tags of an If-None-Match header, weak ones as strong; None for ``*``."""
    if header.strip() == "*":
        return None
    return frozenset(part.strip().removeprefix("W/") for part in header.split(","))
