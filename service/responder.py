"""The answer to one GraphQL operation: from the response cache when it holds exactly this
operation, language and dataset version; else executed on the dataset in memory and stored.

A response, its ETag, its ``X-Dataset-Version`` header and its cache entry come from one
dataset version: the in-memory dataset's (``service.dataset``, which owns that guarantee).
The watcher's version (``Caching.versions``) only picks the entry to look up; a response is
stored only when the watcher still agrees with the dataset (``CurrentDataset.is_current``),
so nothing is kept under a version whose data it does not hold. GET and persisted queries
get ``ETag`` and ``Cache-Control``, and ``If-None-Match`` answers 304.
A cost dry run skips the cache both ways and is answered ``Cache-Control: no-store``
(docs/caching-and-dates.md).
"""

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import ExecutionResult

from resolvers.pagination import PageLimits
from schema.context import Context
from schema.errors import ErrorCode, coded_error
from service.caching import CachedResponse, Caching, etag_of, response_key
from service.dataset import CurrentDataset
from service.execution import Executor
from service.observability import RequestOutcome
from service.ratelimit import ClientAccount
from service.request import (
    SAFE_METHODS,
    GraphQLParams,
    etag_matches,
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
        languages = parse_accept_language(request.headers.get("accept-language"))
        conditional = request.method in SAFE_METHODS or params.persisted_hash is not None
        # A cost dry run answers `"data": null` with the cost: never stored, never served from
        # the cache (it would stand for the real answer), and marked no-store for the edge.
        dry_run = is_dry_run(params.extensions)
        responses = None if dry_run else self.caching.responses
        extensions = response_extensions(params.extensions)
        # Fields without asOf answer for the request's default day (Accept-Datetime, else
        # today), and the response says so (extensions.asOf): the day decides the bytes, so
        # it is part of the key.
        requested_day = parse_accept_datetime(request.headers.get("accept-datetime"))
        default_day = requested_day or datetime.now(UTC).date()

        def key_for(version: str) -> str:
            return response_key(
                f"{version}@{default_day.isoformat()}",
                media,
                languages,
                query,
                params.operation_name,
                params.variables,
                extensions,
            )

        hint = self.caching.versions()
        if responses is not None and hint is not None:
            outcome.cache = "miss"
            cached = await responses.get(key_for(hint))
            if cached is not None:
                outcome.outcome, outcome.cache, outcome.cost = "cached", "hit", cached.cost
                return await from_cache(
                    request,
                    cached,
                    self.caching.cache_control,
                    hint,
                    media,
                    conditional,
                    account,
                    outcome,
                )
        context_for = partial(
            self.context_factory,
            request_id=getattr(request.state, "request_id", ""),
            languages=languages,
            page_limits=self.page_limits,
            charge=account.charge if account is not None else None,
            default_day=default_day,
        )
        dataset = await self.datasets.fresh(hint)
        result = await self.executor.run(request, query, params, dataset, context_for, outcome)
        version = dataset.version
        outcome.error_codes = error_codes(result.errors or [])
        outcome.cost = _requested_cost(result)
        response = result_response(result, media)
        _rate_headers(response, account)
        _version_header(response, version)
        if dry_run:
            response.headers["Cache-Control"] = NO_STORE
            return response
        if response.status_code != 200 or result.errors:
            return response
        body = bytes(response.body)
        etag = etag_of(body)
        if responses is not None and version is not None:
            if self.datasets.is_current(dataset):
                cost = int((result.extensions or {}).get("cost", {}).get("requested", 1))
                await responses.set(key_for(version), CachedResponse(body, etag, cost))
            else:
                # A load committed while this request ran (or the watcher has not seen it
                # yet): an entry of the version being replaced would serve nobody for long.
                outcome.not_cached = "dataset_version_moved"
        if conditional:
            return with_validators(request, response, etag, self.caching.cache_control)
        return response


async def from_cache(
    request: Request,
    cached: CachedResponse,
    cache_control: str,
    version: str,
    media: str,
    conditional: bool,
    account: ClientAccount | None,
    outcome: RequestOutcome,
) -> Response:
    """A stored response, charged to its client at its cost, with its validators."""
    if account is not None and (refusal := await account.charge(cached.cost)) is not None:
        outcome.error_codes = [ErrorCode.RATE_LIMITED.value]
        refused = result_response(ExecutionResult(data=None, errors=[refusal]), media)
        _rate_headers(refused, account)
        return refused
    response = Response(cached.body, media_type=f"{media}; charset=utf-8")
    _rate_headers(response, account)
    _version_header(response, version)  # the version its key was made of
    if not conditional:
        return response
    return with_validators(request, response, cached.etag, cache_control)


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


def _requested_cost(result: ExecutionResult) -> int | None:
    cost = (result.extensions or {}).get("cost", {}).get("requested")
    return int(cost) if cost is not None else None


def _not_found() -> ExecutionResult:
    """Apollo's APQ answer for an unknown hash: the client then sends the full document."""
    error = coded_error("PersistedQueryNotFound", ErrorCode.PERSISTED_QUERY_NOT_FOUND)
    return ExecutionResult(data=None, errors=[error])


def _version_header(response: Response, version: str | None) -> None:
    if version is not None:
        response.headers[VERSION_HEADER] = version


def _rate_headers(response: Response, account: ClientAccount | None) -> None:
    """X-RateLimit-Limit, -Remaining and -Reset, once the request was charged."""
    if account is not None:
        response.headers.update(account.headers())
