"""``/data/``: the Data Package of the dataset version being served (``resolvers.open_data``),
built from the same dataset in memory as GraphQL's answers, with ETags, 304s and the
response cache.

- ``/data/{day}/{language}/{file}``: the package of a day (``YYYY-MM-DD``) or of every period
  (``all``), texts in ``en``, ``fr`` or ``es``; ``file`` is ``datapackage.json``, a table's
  CSV or ``iom-graph.json``. The descriptor names its CSVs by relative paths, which resolve
  to the same day and language.
- ``/data/`` and ``/data/{file}``: today's package (UTC) in English.
- ``?asOf=`` and ``?lang=`` on those redirect (307) to the path of that day and language.
- ``?version=<hash>`` asks for that dataset version: served while it is the current one
  (the database is asked when the watcher reports another, so a link to a load that just
  committed works at once), 410 ``DATASET_VERSION_GONE`` once another load replaced it (the
  service keeps no other).

A file costs its client its number of rows (the descriptor: 1), from the rate-limit buckets
GraphQL's answers draw on. Errors are JSON with a stable ``extensions.code``, as the GraphQL
endpoint's: 404 ``NOT_FOUND``, 400 ``BAD_USER_INPUT``, 405 ``METHOD_NOT_ALLOWED``, 429
``RATE_LIMITED``, 503 ``SERVICE_UNAVAILABLE``.
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from urllib.parse import urlencode

import anyio.to_thread
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from db.version import read_version
from resolvers.errors import UserInputError
from resolvers.in_memory import InMemoryDataset
from resolvers.open_data.package import ALL_PERIODS, DESCRIPTOR, FILES, Package, period_name
from resolvers.texts import DEFAULT_LANGUAGE, LANGUAGES
from resolvers.validity import check_as_of
from schema.errors import UNAVAILABLE_MESSAGE, ErrorCode
from service.caching import CachedResponse, Caching, data_file_key, etag_of
from service.dataset import CurrentDataset
from service.ratelimit import RateLimits
from service.request import JSON, SAFE_METHODS, HTTPError, etag_matches
from service.responder import VERSION_HEADER
from service.response import error_response

PREFIX = "/data/"
_MEDIA = {".csv": "text/csv; charset=utf-8; header=present", ".json": "application/json"}


class DataFiles:
    """Serves each file of the package of the current dataset version."""

    def __init__(
        self, datasets: CurrentDataset, caching: Caching, rate_limits: RateLimits | None = None
    ) -> None:
        self.datasets, self.caching, self.rate_limits = datasets, caching, rate_limits

    def routes(self) -> list[BaseRoute]:
        return [
            Route(PREFIX, _EveryMethod(self.today)),
            Route(PREFIX + "{file}", _EveryMethod(self.today)),
            Route(PREFIX + "{period}/{language}/", _EveryMethod(self.dated)),
            Route(PREFIX + "{period}/{language}/{file}", _EveryMethod(self.dated)),
        ]

    async def today(self, request: Request) -> Response:
        file = request.path_params.get("file", DESCRIPTOR)
        try:
            _check_method(request)
            if "asOf" in request.query_params or "lang" in request.query_params:
                return _redirect(request, file)
            today = datetime.now(UTC).date()
            return await self.serve(request, today, DEFAULT_LANGUAGE, _file(file))
        except HTTPError as error:
            return error_response(error, JSON)

    async def dated(self, request: Request) -> Response:
        params = request.path_params
        try:
            _check_method(request)
            period = _period(params["period"], 404, ErrorCode.NOT_FOUND)
            language = _language(params["language"], 404, ErrorCode.NOT_FOUND)
            file = _file(params.get("file", DESCRIPTOR))
            return await self.serve(request, period, language, file)
        except HTTPError as error:
            return error_response(error, JSON)

    async def serve(
        self, request: Request, period: date | None, language: str, file: str
    ) -> Response:
        """The file, from the response cache when it holds it for this version."""
        dataset = await self.datasets.fresh(self.caching.versions())
        version = dataset.version
        if version is None:
            raise HTTPError(503, ErrorCode.SERVICE_UNAVAILABLE, "no dataset is loaded yet")
        asked = request.query_params.get("version")
        if asked is not None and asked != version:
            dataset = await self._catch_up(asked, dataset)
            version = asked
        key = data_file_key(version, period_name(period), language, file)
        responses = self.caching.responses
        cached = await responses.get(key) if responses is not None else None
        if cached is None:
            package = Package(dataset, period, language)
            body = await anyio.to_thread.run_sync(package.file, file)
            cached = CachedResponse(body, etag_of(body), cost=package.row_count(file))
            # Stored only while the watcher still reports this version (as GraphQL's are).
            if responses is not None and self.caching.versions() == version:
                await responses.set(key, cached)
        headers = {
            "ETag": cached.etag,
            "Cache-Control": self.caching.cache_control,
            VERSION_HEADER: version,
            **await _charge(self.rate_limits, request, cached.cost),
        }
        if etag_matches(request, cached.etag):
            return Response(status_code=304, headers=headers)
        media = _MEDIA[file[file.rindex(".") :]]
        return Response(cached.body, media_type=media, headers=headers)

    async def _catch_up(self, asked: str, dataset: InMemoryDataset) -> InMemoryDataset:
        """The dataset of version ``asked`` if the database holds it now (the watcher may not
        have reported a load that just committed: PostgreSQL's notification is on its way),
        else 410: the service serves no other version than the current one."""
        try:
            current = await anyio.to_thread.run_sync(read_version, self.datasets.database.engine)
        except SQLAlchemyError:
            raise HTTPError(503, ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE) from None
        if current == asked:
            dataset = await self.datasets.read_after(dataset)
            if dataset.version == asked:
                return dataset
        raise HTTPError(
            410,
            ErrorCode.DATASET_VERSION_GONE,
            f"dataset version {asked[:64]!r} is not the one served (a load replaced it, or it "
            f"never existed); the current version is {current}: drop `version` for it",
            {VERSION_HEADER: current} if current else {},
        )


class _EveryMethod:
    """An endpoint as an ASGI app, so that Starlette routes every method to it (a function
    gets GET and HEAD only, and others a plain-text 405): it refuses them with a coded one."""

    def __init__(self, endpoint: Callable[[Request], Awaitable[Response]]) -> None:
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.endpoint(Request(scope, receive))
        await response(scope, receive, send)


async def _charge(rate_limits: RateLimits | None, request: Request, cost: int) -> dict[str, str]:
    """Charge the client the file's rows, as GraphQL charges an answer's objects, from
    the same buckets: the X-RateLimit-* headers, or a 429 RATE_LIMITED."""
    if rate_limits is None:
        return {}
    account = await rate_limits.account(request)
    refusal = await account.charge(cost)
    if refusal is not None:
        retry = str((refusal.extensions or {}).get("retryAfter", 1))
        headers = {"Retry-After": retry, **account.headers()}
        raise HTTPError(429, ErrorCode.RATE_LIMITED, refusal.message, headers)
    return account.headers()


def _check_method(request: Request) -> None:
    if request.method not in SAFE_METHODS:
        message = f"{request.method} is not allowed on {PREFIX}: use GET or HEAD"
        raise HTTPError(405, ErrorCode.METHOD_NOT_ALLOWED, message, {"Allow": "GET, HEAD"})


def _file(name: str) -> str:
    if name not in FILES:
        message = f"no file {name[:100]!r} in the package: the files are {', '.join(FILES)}"
        raise HTTPError(404, ErrorCode.NOT_FOUND, message)
    return name


def _period(value: str, status: int, code: ErrorCode) -> date | None:
    """A day (``YYYY-MM-DD``, from 1951 on) or ``all`` (None)."""
    if value == ALL_PERIODS:
        return None
    try:
        return check_as_of(date.fromisoformat(value))
    except (ValueError, UserInputError) as error:
        detail = str(error) if isinstance(error, UserInputError) else "not a date"
        message = f"{value[:40]!r}: give a day as YYYY-MM-DD or `{ALL_PERIODS}` ({detail})"
        raise HTTPError(status, code, message) from None


def _language(value: str, status: int, code: ErrorCode) -> str:
    if value not in LANGUAGES:
        message = f"{value[:20]!r} is not a language of the dataset: give one of {LANGUAGES}"
        raise HTTPError(status, code, message)
    return value


def _redirect(request: Request, file: str) -> Response:
    """``?asOf=...&lang=...`` to the path of that day and language (``version`` kept)."""
    query = request.query_params
    bad = ErrorCode.BAD_USER_INPUT
    raw_period = query.get("asOf") or datetime.now(UTC).date().isoformat()
    period = period_name(_period(raw_period, 400, bad))
    language = _language(query.get("lang") or DEFAULT_LANGUAGE, 400, bad)
    kept = {"version": query["version"]} if "version" in query else {}
    location = f"{PREFIX}{period}/{language}/{_file(file)}"
    return RedirectResponse(location + (f"?{urlencode(kept)}" if kept else ""), 307)
