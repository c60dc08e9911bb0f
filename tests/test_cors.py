"""CORS when origins are configured: the preflight a browser client needs (JSON, its API key,
revalidation) and the response headers its scripts can read, in-process and in real headless
Chromium from a page of another loopback origin."""

import json
import math
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from db.api_keys import create_key
from db.engine import build_engine
from tests.app_client import serve_in_process
from tests.browser import chromium
from tests.live_server import free_port, start_server

QUERY = '{ country(code: "KE") { name regionalOffice { slug } } }'  # costs 2
DATA = {"country": {"name": "Kenya", "regionalOffice": {"slug": "nairobi"}}}
EXPOSED = (
    "ETag, X-Request-ID, X-Dataset-Version, X-RateLimit-Limit, X-RateLimit-Remaining, "
    "X-RateLimit-Reset, Retry-After"
)
# Burst 4 at 0.5 units a second: two queries empty a bucket, the third is refused.
LIMITS = {"IOM_GRAPH_MAX_COST": "4", "IOM_GRAPH_RATE_LIMIT_BURST": "4"}
LIMITS["IOM_GRAPH_RATE_LIMIT_PER_SECOND"] = "0.5"


def preflight(client: httpx.Client, origin: str, headers: str) -> httpx.Response:
    return client.options(
        "/graphql",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": headers,
        },
    )


def test_the_preflight_allows_json_the_api_key_and_revalidation(tmp_path: Path) -> None:
    origin = "http://127.0.0.1:9"
    database = f"sqlite:///{tmp_path / 'cors.sqlite3'}"
    with serve_in_process(database, cors_origins=[origin], api_key_header="X-Client-Key") as client:
        allowed = preflight(
            client, origin, "content-type,x-client-key,if-none-match,x-request-id,accept-datetime"
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == origin
        assert allowed.headers["access-control-allow-methods"] == "GET, POST"
        assert allowed.headers["access-control-allow-headers"] == (
            "Accept, Accept-Datetime, Accept-Language, Content-Language, Content-Type, "
            "If-None-Match, X-Client-Key, X-Request-ID"
        )
        unknown = preflight(client, origin, "x-api-key")  # not this service's key header
        assert (unknown.status_code, unknown.text) == (400, "Disallowed CORS headers")
        foreign = preflight(client, "http://127.0.0.1:10", "content-type")
        assert (foreign.status_code, foreign.text) == (400, "Disallowed CORS origin")
        answer = client.post("/graphql", json={"query": QUERY}, headers={"origin": origin})
        assert answer.headers["access-control-allow-origin"] == origin
        assert answer.headers["access-control-expose-headers"] == EXPOSED
        too_large = client.post(
            "/graphql", content=b" " * 100_001, headers={"origin": origin, "content-type": "a/b"}
        )
        assert too_large.status_code == 413  # readable by the page too
        assert too_large.headers["access-control-allow-origin"] == origin


@pytest.fixture
def page_origin(tmp_path: Path) -> Iterator[str]:
    """An empty page on another loopback origin (python's http.server, a port of its own)."""
    (tmp_path / "index.html").write_text("<!doctype html><title>client</title>\n")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), partial(Quiet, directory=tmp_path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium() as browser:
        yield browser.new_page()


# Run in the page: a POST with the key and a request id, a GET then its revalidation, and
# three POSTs on a third key (the last refused). Returns what the page's script can read.
CLIENT_SCRIPT = """
async ({url, query, keys}) => {
  const names = ["etag", "x-request-id", "x-dataset-version", "x-ratelimit-limit",
    "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after", "vary"];
  const read = async (response) => ({
    status: response.status,
    headers: Object.fromEntries(names.map((n) => [n, response.headers.get(n)])),
    body: response.status === 304 ? null : await response.json(),
  });
  const post = (key, id) => fetch(url, {
    method: "POST", cache: "no-store",
    headers: {"Content-Type": "application/json", "X-API-Key": key, "X-Request-ID": id},
    body: JSON.stringify({query}),
  });
  const before = Date.now() / 1000;
  const posted = await read(await post(keys[0], "browser-1"));
  const after = Date.now() / 1000;
  const get = url + "?query=" + encodeURIComponent(query);
  const fetched = await read(await fetch(get, {cache: "no-store",
    headers: {"X-API-Key": keys[1]}}));
  const revalidated = await read(await fetch(get, {cache: "no-store",
    headers: {"X-API-Key": keys[1], "If-None-Match": fetched.headers.etag}}));
  await post(keys[2], "browser-2");
  await post(keys[2], "browser-3");
  const refused = await read(await post(keys[2], "browser-4"));
  return {before, after, posted, fetched, revalidated, refused};
}
"""


@pytest.mark.browser
def test_a_page_of_another_origin_reads_the_headers(
    tmp_path: Path, page_origin: str, page: Page
) -> None:
    env = {**LIMITS, "IOM_GRAPH_CORS_ORIGINS": json.dumps([page_origin])}
    database = f"sqlite:///{tmp_path / 'cors.sqlite3'}"
    with start_server(database, env) as service:
        engine = build_engine(database)  # the operator issues the keys (python -m db keys)
        keys = [create_key(engine, name)[1] for name in ("direct", "post", "get", "spend")]
        engine.dispose()
        direct = httpx.get(
            f"{service}/graphql", params={"query": QUERY}, headers={"x-api-key": keys.pop(0)}
        )
        page.goto(f"{page_origin}/index.html")
        seen = page.evaluate(
            CLIENT_SCRIPT, {"url": f"{service}/graphql", "query": QUERY, "keys": keys}
        )
    version = direct.headers["x-dataset-version"]
    posted = seen["posted"]
    assert posted["status"] == 200
    assert posted["body"]["data"] == DATA
    # A new bucket of 4 less 2: full again 4 s after the request, stated in epoch seconds.
    reset = int(posted["headers"].pop("x-ratelimit-reset"))
    assert math.ceil(seen["before"] + 4) <= reset <= math.ceil(seen["after"] + 4)
    assert posted["headers"] == {
        "etag": None,  # POSTs carry no validators
        "x-request-id": "browser-1",
        "x-dataset-version": version,
        "x-ratelimit-limit": "4",
        "x-ratelimit-remaining": "2",
        "retry-after": None,
        "vary": None,  # not exposed: hidden from the page's script
    }
    assert seen["fetched"]["headers"]["etag"] == direct.headers["etag"]
    assert seen["revalidated"]["status"] == 304
    assert seen["revalidated"]["headers"]["etag"] == direct.headers["etag"]
    assert seen["revalidated"]["headers"]["x-dataset-version"] == version
    refused = seen["refused"]
    assert refused["status"] == 429
    assert refused["body"]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # Empty, it regains 0.5 units a second: 2 units are 4 s away (less the few ms since).
    assert refused["headers"]["retry-after"] == "4"
    assert refused["headers"]["x-ratelimit-limit"] == "4"
    assert refused["headers"]["x-ratelimit-remaining"] == "0"
    assert refused["headers"]["x-request-id"] == "browser-4"
