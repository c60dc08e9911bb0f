"""The service in-process, for tests of HTTP behaviour: ``create_app`` behind Starlette's
TestClient (an httpx client whose transport calls the ASGI app, lifespan included).

    with serve_in_process(database_url, max_body_bytes=2000) as client:
        client.post("/graphql", json={"query": "{ __typename }"})

A real uvicorn process (``tests/live_server.py``) is only for what needs one: start and stop,
signals, workers, logs on stdout, the external audit and the browser.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.testclient import TestClient

from service import create_app
from service.settings import Settings

BASE_URL = "http://127.0.0.1"


@contextmanager
def serve_in_process(database_url: str, **settings: Any) -> Iterator[TestClient]:
    """The app for ``database_url`` with ``settings`` (field names of ``Settings``), started."""
    app = create_app(Settings(database_url=database_url, **settings))
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        yield client
