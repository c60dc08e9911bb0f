"""The answer to one GraphQL operation: from the response cache when it holds exactly this
operation, language and dataset version; else executed on the dataset in memory and stored.

A response, its ETag, its ``X-Dataset-Version`` header and its cache entry come from one
dataset version: the in-memory dataset's (``service.dataset``, which owns that guarantee).
The watcher's version (``Caching.versions``, asked once per loop iteration:
``service.dataset.TickVersion``) only picks the entry to look up; a response is stored only
when the watcher still agrees with the dataset (``CurrentDataset.is_current``), so nothing is
kept under a version whose data it does not hold. GET and persisted queries
get ``ETag`` and ``Cache-Control``, and ``If-None-Match`` answers 304.
A cost dry run skips the cache both ways and is answered ``Cache-Control: no-store``
(docs/caching-and-dates.md).
"""

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache, partial
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import ExecutionResult

from resolvers.pagination import PageLimits
from schema.context import Context
from schema.errors import ErrorCode, coded_error
from service.caching import CachedResponse, Caching, etag_of, response_key
from service.dataset import CurrentDataset
from service.execution import Executor
from service.observability import RequestOutcome, request_id_of
from service.ratelimit import ClientAccount
from service.request import (
    SAFE_METHODS,
    GraphQLParams,
    etag_matches,
    header,
    is_dry_run,
    parse_accept_datetime,
    parse_accept_language,
    response_extensions,
)
from service.response import error_codes, result_response

VARY = "Accept, Accept-Language, Accept-Datetime"
VERSION_HEADER = "X-Dataset-Version"
NO_STORE = "no-store"


class Responder:
    """Answers operations through ``caching`` and ``executor`` on the dataset of
    ``datasets``; each request's context is made by ``context_factory``."""

    def __init__(
        self,
        caching: Caching,
        executor: Executor,
        datasets: CurrentDataset,
        page_limits: PageLimits,
        context_factory: Callable[..., Context],
    ) -> None:
        self.caching, self.executor, self.datasets = caching, executor, datasets
        self.page_limits, self.context_factory = page_limits, context_factory

    async def answer(
        self,
        request: Request,
        params: GraphQLParams,
        media: str,
        outcome: RequestOutcome,
        account: ClientAccount | None,
    ) -> Response:
        query = await self.caching.persisted.document_for(params)
        if query is None:
            outcome.error_codes = [ErrorCode.PERSISTED_QUERY_NOT_FOUND.value]
            return result_response(_not_found(), media)
        outcome.persisted = params.persisted_hash is not None
        outcome.document = query  # for the trace's operation type, never logged
        languages = parse_accept_language(header(request, "accept-language"))
        conditional = request.method in SAFE_METHODS or params.persisted_hash is not None
        # A cost dry run answers `"data": null` with the cost: never stored, never served from
        # the cache (it would stand for the real answer), and marked no-store for the edge.
        dry_run = is_dry_run(params.extensions)
        responses = None if dry_run else self.caching.responses
        # Fields without asOf answer for the request's default day (Accept-Datetime, else
        # today), and the response says so (extensions.asOf): the day decides the bytes, so
        # it is part of the key.
        default_day = parse_accept_datetime(header(request, "accept-datetime")) or today()
        key_for = partial(
            key_of,
            default_day,
            media,
            languages,
            query,
            params,
            response_extensions(params.extensions),
        )
        hint = self.caching.versions()
        if responses is not None and hint is not None:
            outcome.cache = "miss"
            cached = await responses.get(key_for(hint))
            if cached is not None:
                outcome.outcome, outcome.cache, outcome.cost = "cached", "hit", cached.cost
                validators = self.caching.cache_control if conditional else None
                return await from_cache(request, cached, validators, hint, media, account, outcome)
        context_for = partial(
            self.context_factory,
            request_id=request_id_of(request.scope),
            languages=languages,
            page_limits=self.page_limits,
            charge=account.charge if account is not None else None,
            default_day=default_day,
        )
        dataset = await self.datasets.fresh(hint)
        result = await self.executor.run(request, query, params, dataset, context_for, outcome)
        outcome.error_codes = error_codes(result.errors or [])
        outcome.cost = _requested_cost(result)
        response = result_response(result, media, _added_headers(account, dataset.version))
        if dry_run:
            response.headers["Cache-Control"] = NO_STORE
            return response
        if response.status_code != 200 or result.errors or (responses is None and not conditional):
            return response
        body = bytes(response.body)
        etag = etag_of(body)
        if responses is not None and dataset.version is not None:
            if self.datasets.is_current(dataset):
                cost = outcome.cost if outcome.cost is not None else 1
                await responses.set(key_for(dataset.version), CachedResponse(body, etag, cost))
            else:
                # A load committed while this request ran (or the watcher has not seen it
                # yet): an entry of the version being replaced would serve nobody for long.
                outcome.not_cached = "dataset_version_moved"
        if conditional:
            return with_validators(request, response, etag, self.caching.cache_control)
        return response


def key_of(
    day: date,
    media: str,
    languages: tuple[str, ...],
    query: str,
    params: GraphQLParams,
    extensions: dict[str, Any],
    version: str,
) -> str:
    """The response key of one operation at dataset ``version`` (``response_key``)."""
    return response_key(
        f"{version}@{day.isoformat()}",
        media,
        languages,
        query,
        params.operation_name,
        params.variables,
        extensions,
    )


def today() -> date:
    return datetime.now(UTC).date()


async def from_cache(
    request: Request,
    cached: CachedResponse,
    cache_control: str | None,
    version: str,
    media: str,
    account: ClientAccount | None,
    outcome: RequestOutcome,
) -> Response:
    """A stored response, charged to its client at its cost, with its validators when
    ``cache_control`` is given (a 304 when the client holds it)."""
    if account is not None and (refusal := await account.charge(cached.cost)) is not None:
        return refused_from_cache(refusal, media, account, outcome)
    headers = hit_headers(cached, cache_control, version, account)
    if cache_control is not None and etag_matches(request, cached.etag):
        return Response(status_code=304, headers=not_modified(headers))
    return Response(cached.body, headers=headers, media_type=content_type(media))


def refused_from_cache(
    refusal: GraphQLError, media: str, account: ClientAccount, outcome: RequestOutcome
) -> Response:
    """The 429 of a client whose bucket lacks a stored response's cost."""
    outcome.error_codes = [ErrorCode.RATE_LIMITED.value]
    refused = result_response(ExecutionResult(data=None, errors=[refusal]), media)
    refused.headers.update(account.headers())
    return refused


def hit_headers(
    cached: CachedResponse,
    cache_control: str | None,
    version: str,
    account: ClientAccount | None,
) -> dict[str, str]:
    """The headers of a stored response served (before Content-Length and -Type): the
    rate-limit ones, its key's dataset version, and its validators when ``cache_control``
    is given."""
    headers = _added_headers(account, version)  # the version its key was made of
    if cache_control is not None:
        headers |= {"ETag": cached.etag, "Cache-Control": cache_control, "Vary": VARY}
    return headers


def with_validators(
    request: Request, response: Response, etag: str, cache_control: str
) -> Response:
    """Validators for a cacheable read, and 304 when the client already holds it."""
    headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": VARY}
    if etag_matches(request, etag):
        version = response.headers.get(VERSION_HEADER)
        return Response(
            status_code=304, headers=headers | ({VERSION_HEADER: version} if version else {})
        )
    response.headers.update(headers)
    return response


def not_modified(headers: dict[str, str]) -> dict[str, str]:
    """The headers of a 304: the validators and the dataset version (as ``with_validators``
    sends them), not the rate-limit ones."""
    return {name: headers[name] for name in _NOT_MODIFIED_HEADERS if name in headers}


_NOT_MODIFIED_HEADERS = ("ETag", "Cache-Control", "Vary", VERSION_HEADER)


@lru_cache(maxsize=4)
def content_type(media: str) -> str:
    return f"{media}; charset=utf-8"


def _added_headers(account: ClientAccount | None, version: str | None) -> dict[str, str]:
    """X-RateLimit-Limit, -Remaining and -Reset once the request was charged, and the
    dataset version of the response."""
    headers = account.headers() if account is not None else {}
    if version is not None:
        headers[VERSION_HEADER] = version
    return headers


def _requested_cost(result: ExecutionResult) -> int | None:
    cost = (result.extensions or {}).get("cost", {}).get("requested")
    return int(cost) if cost is not None else None


def _not_found() -> ExecutionResult:
    """Apollo's APQ answer for an unknown hash: the client then sends the full document."""
    error = coded_error("PersistedQueryNotFound", ErrorCode.PERSISTED_QUERY_NOT_FOUND)
    return ExecutionResult(data=None, errors=[error])
