"""The service in-process, for tests of HTTP behaviour: ``create_app`` behind Starlette's
TestClient (an httpx client whose transport calls the ASGI app, lifespan included).

    with serve_in_process(database_url, max_body_bytes=2000) as client:
        client.post("/graphql", json={"query": "{ __typename }"})

A real uvicorn process (``tests/live_server.py``) is only for what needs one: start and stop,
signals, workers, logs on stdout, the external audit and the browser.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from starlette.applications import Starlette
from starlette.testclient import TestClient

from db.api_keys import create_key
from service import create_app
from service.settings import Settings

BASE_URL = "http://127.0.0.1"
PEER = ("testclient", 50000)  # Starlette's default peer


@contextmanager
def serve_in_process(
    database_url: str, *, peer: tuple[str, int] = PEER, **settings: Any
) -> Iterator[TestClient]:
    """The app for ``database_url`` with ``settings`` (field names of ``Settings``), started;
    its requests come from ``peer`` (the address the connection would have)."""
    app = create_app(Settings(database_url=database_url, **settings))
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False, client=peer) as client:
        yield client


def another_peer(client: TestClient, peer: tuple[str, int]) -> TestClient:
    """A client of the app ``client`` started (its lifespan already run), from ``peer``."""
    return TestClient(client.app, base_url=BASE_URL, raise_server_exceptions=False, client=peer)


def issue_key(
    client: TestClient, name: str, rate: float | None = None, burst: int | None = None
) -> dict[str, str]:
    """A key issued in the database of ``client``'s app, as ``python -m db keys create``
    issues one, as the header that sends it. The app reads new keys within
    ``api_key_refresh_seconds`` (at once before its first keyed request)."""
    _row, key = create_key(cast(Starlette, client.app).state.engine, name, rate, burst)
    return {"x-api-key": key}
