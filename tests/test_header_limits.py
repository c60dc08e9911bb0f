"""Request headers cannot buy memory (issue 22.2): the memoised Accept, Accept-Encoding and
Accept-Language parsers keep no long header, and a request head above ``max_header_bytes``
is refused with a coded 431 before anything parses it (in-process; the raw-socket bound of
the HTTP server itself is in tests/test_connection_limits.py)."""

import gc
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from service.bounded_cache import MAX_CACHED_KEY_CHARS
from service.request import accepts_gzip, negotiate, parse_accept_language
from tests.app_client import serve_in_process

HEADER_LIMIT = 16 * 1024  # the default of IOM_GRAPH_MAX_HEADER_BYTES
QUERY = '{ country(code: "KEN") { name } }'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = tmp_path_factory.mktemp("headers") / "iom.sqlite3"
    with serve_in_process(f"sqlite:///{database}") as client:
        yield client


@pytest.mark.parametrize(
    ("parser", "item"),
    [
        (parse_accept_language, "fr-CH;q=0.9"),
        (negotiate, "application/json"),
        (accepts_gzip, "gzip"),
    ],
)
def test_parsers_keep_no_long_header(parser: Callable[[str], object], item: str) -> None:
    """260 distinct headers of 16 KB each (under the request limit) leave nothing behind:
    with ``lru_cache(maxsize=256)`` keyed by the raw header they held 4 MB until exit."""
    headers = [f"{item}, x-{n}," + "a" * HEADER_LIMIT for n in range(260)]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for header in headers:
        parser(header)
    gc.collect()
    retained = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert retained < 64 * 1024, retained
    assert parser.cache.cache_info().currsize <= 256  # type: ignore[attr-defined]


def test_short_headers_are_still_memoised() -> None:
    header = "es;q=0.5, fr-CH, en;q=0.8"
    assert len(header) <= MAX_CACHED_KEY_CHARS
    parse_accept_language.cache.cache_clear()  # type: ignore[attr-defined]
    assert parse_accept_language(header) == ("fr", "en", "es")
    assert parse_accept_language(header) == ("fr", "en", "es")
    assert parse_accept_language.cache.cache_info().hits == 1  # type: ignore[attr-defined]
    long_header = header + ", " + "x" * MAX_CACHED_KEY_CHARS
    assert parse_accept_language(long_header) == ("fr", "en", "es")  # parsed, not cached
    assert parse_accept_language.cache.cache_info().currsize == 1  # type: ignore[attr-defined]


def test_oversized_request_head_is_refused_with_431(server: TestClient) -> None:
    fits = server.get("/graphql", params={"query": QUERY}, headers={"x-pad": "a" * 15_000})
    assert fits.status_code == 200
    assert fits.json()["data"] == {"country": {"name": "Kenya"}}
    refused = server.get(
        "/graphql", params={"query": QUERY}, headers={"accept-language": "fr," + "a" * 20_000}
    )
    assert refused.status_code == 431
    assert refused.headers["connection"] == "close"
    assert refused.json() == {
        "errors": [
            {
                "message": "request line and headers above the limit of 16384 bytes",
                "extensions": {"code": "HEADERS_TOO_LARGE"},
            }
        ]
    }


def test_header_limit_is_a_setting(tmp_path: Path) -> None:
    with serve_in_process(f"sqlite:///{tmp_path / 'iom.sqlite3'}", max_header_bytes=4096) as client:
        response = client.get("/healthz", headers={"x-pad": "a" * 5000})
        assert response.status_code == 431
        assert "4096 bytes" in response.json()["errors"][0]["message"]
