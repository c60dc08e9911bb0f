"""The cached path (``service.cached_path``) answers exactly as the endpoint does.

Two apps on one SQLite file, one with the cached path and one without, get the same requests
in the same order (the rate limiter's clocks held still, the request id sent); every answer
must be equal byte for byte: status, every header in order, body. Each test also counts the
answers the cached path gave, so that it fails if the path did not run.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import orjson
import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from db.loader import load_dataset
from service.cached_path import CachedPath
from service.endpoint import GraphQLEndpoint
from tests.alternating_datasets import EDITED_NAMES, OFFICE, alternating_datasets
from tests.app_client import serve_in_process
from tests.rate_clock import controlled_clock

QUERY = (
    f'query Office {{ regionalOffice(slug: "{OFFICE}") '
    "{ name countries { nodes { name } } } }"
)
# httpx asks for gzip unless told otherwise: the identity coding is the default here.
JSON_GET = {"Accept": "application/json", "Accept-Encoding": "identity", "X-Request-ID": "test"}
ORIGIN = "https://maps.example.org"
# Each answer of a rate-limited pair's sequence costs this client a share of a small bucket.
BUCKET = 200
SMALL_BUCKET = {"max_cost": BUCKET, "rate_limit_burst": BUCKET, "rate_limit_per_second": 0.01}

Exchange = tuple[int, list[tuple[bytes, bytes]], bytes]


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('cached-path') / 'iom.db'}"


def _endpoint(client: TestClient) -> GraphQLEndpoint:
    app = cast(Starlette, client.app)
    route = next(r for r in app.routes if isinstance(r, Route) and r.path == "/graphql")
    return cast(GraphQLEndpoint, route.app)


class Pair:
    """The app with the cached path (``fast``) and the app without it (``slow``)."""

    def __init__(self, fast: TestClient, slow: TestClient) -> None:
        self.fast, self.slow = fast, slow
        _endpoint(slow).cached_path = None  # before its first request builds the layer

    @property
    def served(self) -> int:
        path = _endpoint(self.fast).cached_path
        assert isinstance(path, CachedPath)
        return path.served

    def ask(self, method: str = "GET", query: str = QUERY, **headers: str) -> Exchange:
        """The same request to both apps (a POST's body: ``query``, as sent): their answer,
        which must be equal."""
        answers = [
            _exchange(client, method, query, {**JSON_GET, **headers})
            for client in (self.fast, self.slow)
        ]
        assert answers[0] == answers[1]
        return answers[0]

    def outcomes(self) -> list[str]:
        """The request counters of both apps' metrics, which must be equal."""
        counted = [
            [line for line in c.get("/metrics").text.splitlines() if "requests_total{" in line]
            for c in (self.fast, self.slow)
        ]
        assert counted[0] == counted[1]
        return counted[0]


def _exchange(client: TestClient, method: str, query: str, headers: dict[str, str]) -> Exchange:
    request_headers = {k.replace("_", "-"): v for k, v in headers.items()}
    if method == "POST":
        request_headers.setdefault("Content-Type", "application/json")
        response = client.post("/graphql", content=query.encode(), headers=request_headers)
    else:
        params = {"query": query}
        response = client.request(method, "/graphql", params=params, headers=request_headers)
    return response.status_code, list(response.headers.raw), response.content


@pytest.fixture
def pair(database_url: str, monkeypatch: pytest.MonkeyPatch, request: Any) -> Iterator[Pair]:
    controlled_clock(monkeypatch)
    settings = getattr(request, "param", {})
    with (
        serve_in_process(database_url, cors_origins=[ORIGIN], **settings) as fast,
        serve_in_process(database_url, cors_origins=[ORIGIN], **settings) as slow,
    ):
        yield Pair(fast, slow)


def _header(exchange: Exchange, name: bytes) -> bytes:
    return next(value for key, value in exchange[1] if key == name)


def test_cached_get_304_and_head_equal_the_endpoints(pair: Pair) -> None:
    first = pair.ask()  # stored by both apps
    assert first[0] == 200
    assert pair.served == 0
    repeat = pair.ask()
    assert repeat[2] == first[2]
    assert pair.served == 1
    # Long enough for the gzip layer to say it could have coded it (Vary), and not coded.
    assert len(repeat[2]) >= 1024
    assert _header(repeat, b"vary") == b"Accept, Accept-Language, Accept-Datetime, Accept-Encoding"
    etag = _header(repeat, b"etag").decode()
    not_modified = pair.ask(If_None_Match=etag)
    assert not_modified[0] == 304
    assert not_modified[2] == b""
    assert pair.served == 2
    head = pair.ask("HEAD")
    assert head[0] == 200
    assert head[2] == b""
    assert pair.served == 3
    assert _header(head, b"content-length") == str(len(first[2])).encode()
    assert _header(head, b"vary") == b"Accept, Accept-Language, Accept-Datetime"  # no body
    assert pair.ask("HEAD", If_None_Match=f'W/{etag}, "other"')[0] == 304
    assert pair.served == 4
    assert pair.outcomes() == [
        'iom_graph_requests_total{operation="other",outcome="ok"} 1.0',
        'iom_graph_requests_total{operation="other",outcome="cached"} 4.0',
    ]


def test_languages_media_types_codings_and_cors_equal_the_endpoints(pair: Pair) -> None:
    variants: list[dict[str, str]] = [
        {"Accept_Language": "fr-CH, en;q=0.5"},
        {"Accept": "application/graphql-response+json"},
        {"Accept_Encoding": "gzip"},
        {"Origin": ORIGIN},
        {"Origin": "https://elsewhere.example.org"},
    ]
    english = pair.ask()[2]
    # A new language chain or media type is a new entry (a miss, then a hit); a coding or
    # an origin is the same entry (two hits).
    served = []
    for headers in variants:
        first = pair.ask(**headers)
        assert pair.ask(**headers)[2] == first[2]
        served.append(pair.served)
    assert served == [1, 2, 4, 6, 8]
    french = pair.ask(Accept_Language="fr")  # ("fr",), not ("fr", "en"): a miss
    assert french[2] != english
    assert pair.served == 8
    coded = pair.ask(Accept_Encoding="gzip")
    assert _header(coded, b"content-encoding") == b"gzip"
    etag = _header(coded, b"etag").decode()
    assert etag.endswith('-gzip"')
    assert pair.ask(Accept_Encoding="gzip", If_None_Match=etag)[0] == 304
    assert _header(pair.ask(Origin=ORIGIN), b"access-control-allow-origin") == ORIGIN.encode()
    preflight = pair.ask(
        "OPTIONS", Origin=ORIGIN, Access_Control_Request_Method="GET"
    )  # answered before the route: never by the cached path
    assert preflight[0] == 200
    assert pair.served == 11
    pair.outcomes()


@pytest.mark.parametrize("pair", [SMALL_BUCKET], indirect=True)
def test_a_rate_limited_client_is_answered_and_charged_alike(pair: Pair) -> None:
    first = pair.ask()
    cost = BUCKET - int(_header(first, b"x-ratelimit-remaining"))
    answers = [first, *(pair.ask() for _ in range(BUCKET // cost + 2))]
    statuses = [status for status, _headers, _body in answers]
    assert statuses[0] == 200
    assert 429 in statuses
    refused = statuses.index(429)
    assert b"RATE_LIMITED" in answers[refused][2]
    # The refusal (by the cached path) blocked the client: the rest are turned away unread.
    assert pair.served == refused
    pair.outcomes()


def test_a_load_is_never_answered_from_the_previous_versions_entry(
    pair: Pair, tmp_path: Path
) -> None:
    before = pair.ask()
    assert pair.ask()[2] == before[2]
    assert pair.served == 1
    engine = cast(Starlette, pair.fast.app).state.engine
    datasets = alternating_datasets(tmp_path)
    try:
        load_dataset(engine, datasets.edited)
        after = pair.ask()  # a miss on both: executed on the new version
        assert pair.served == 1
        assert _header(after, b"x-dataset-version").decode() == datasets.edited_version
        assert EDITED_NAMES[0].encode() in after[2]
        assert pair.ask()[2] == after[2]
        assert pair.served == 2
    finally:
        load_dataset(engine, datasets.original)
    assert pair.ask()[2] == before[2]  # the original's entry again, under its version
    assert pair.served == 3


def test_posts_equal_the_endpoints(pair: Pair) -> None:
    body = orjson.dumps({"query": QUERY, "variables": {"unused": 1}}).decode()
    first = pair.ask("POST", body)
    assert first[0] == 200
    assert pair.served == 0
    repeat = pair.ask("POST", body)
    assert repeat[2] == first[2]
    assert pair.served == 1
    assert [name for name, _value in repeat[1]] == [  # no validators on a POST
        b"x-ratelimit-limit",
        b"x-ratelimit-remaining",
        b"x-ratelimit-reset",
        b"x-dataset-version",
        b"content-length",
        b"content-type",
        b"vary",
        b"x-request-id",
    ]
    assert pair.ask("POST", body, Accept_Encoding="gzip")[2] == first[2]
    assert pair.served == 2
    # Read by the cached path, then replayed to the endpoint: answered as before.
    assert pair.ask("POST", body.replace("1}", "2}"))[0] == 200  # a miss: executed
    assert pair.ask("POST", body[:-1])[0] == 400  # not JSON
    assert pair.ask("POST", "[" + body + "]")[0] == 400  # a batch
    assert pair.ask("POST", body, Content_Type="text/plain")[0] == 415  # refused unread
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    apq = orjson.dumps({"extensions": persisted}).decode()
    assert b"PERSISTED_QUERY_NOT_FOUND" in pair.ask("POST", apq)[2]
    assert pair.served == 2
    pair.outcomes()
