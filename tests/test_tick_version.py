"""The dataset version asked once per event-loop iteration (``service.dataset.TickVersion``),
by the executed path and the cached path alike, and what a request is guaranteed to see."""

import asyncio
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from starlette.types import ASGIApp, Message

from db.loader import load_dataset
from db.version import DatasetVersionWatcher
from service import create_app
from service.dataset import TickVersion
from service.settings import Settings
from tests.alternating_datasets import EDITED_NAMES, OFFICE, ORIGINAL_NAMES, alternating_datasets
from tests.conftest import DatabaseFactory

REQUESTS = 8
watchers: list[DatasetVersionWatcher] = []
QUERY = f'{{ regionalOffice(slug: "{OFFICE}") {{ name }} }}'


async def test_the_watcher_is_asked_once_per_loop_iteration() -> None:
    asked: list[int] = []

    def versions() -> str:
        asked.append(1)
        return f"v{len(asked)}"

    version = TickVersion(versions)
    assert [version(), version()] == ["v1", "v1"]
    await asyncio.sleep(0)  # the next iteration of the loop asks again
    assert [version(), version()] == ["v2", "v2"]
    assert len(asked) == 2


async def test_an_answer_is_never_older_than_the_callback_that_gets_it() -> None:
    """The guarantee as documented: a callback scheduled after a load committed sees it; one
    scheduled before the first ask of its iteration may run early in the next iteration
    with that ask's answer (its iteration began after the commit, yet it sees the old)."""
    reported = ["old"]
    version = TickVersion(lambda: reported[0])
    loop = asyncio.get_running_loop()
    seen: dict[str, str | None] = {}

    def first() -> None:
        loop.call_soon(lambda: seen.update(queued_before_the_ask=version()))
        seen["first"] = version()
        reported[0] = "new"  # a load commits within this iteration
        loop.call_soon(lambda: seen.update(queued_after_the_commit=version()))

    loop.call_soon(first)
    for _ in range(3):
        await asyncio.sleep(0)
    assert seen == {
        "first": "old",
        "queued_before_the_ask": "old",
        "queued_after_the_commit": "new",
    }


def test_outside_an_event_loop_the_watcher_is_asked_every_time() -> None:
    reported = ["a"]
    version = TickVersion(lambda: reported[0])
    assert version() == "a"
    reported[0] = "b"
    assert version() == "b"


@pytest.fixture
def counted_asks(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Every answer the app's watcher gives (``create_app`` binds ``current`` at creation);
    ``watchers`` holds the watcher."""
    answers: list[str | None] = []
    current: Callable[[DatasetVersionWatcher], str | None] = DatasetVersionWatcher.current

    def counting(watcher: DatasetVersionWatcher) -> str | None:
        watchers[:] = [watcher]
        answers.append(current(watcher))
        return answers[-1]

    monkeypatch.setattr(DatasetVersionWatcher, "current", counting)
    return answers


async def _post(app: ASGIApp, query: str) -> tuple[int, dict[bytes, bytes], bytes]:
    body = orjson.dumps({"query": query})
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    messages: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    await app(scope, receive, send)
    start = messages[0]
    sent = b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], dict(start["headers"]), sent


async def test_executed_requests_of_one_iteration_ask_once_and_a_load_between_is_seen(
    databases: DatabaseFactory, tmp_path: Path, counted_asks: list[str | None]
) -> None:
    datasets = alternating_datasets(tmp_path)
    engine = databases.new()
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, rate_limit_per_second=0, response_cache_bytes=0)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        await _post(app, QUERY)  # warm: the first request of a new document
        await asyncio.sleep(0)
        del counted_asks[:]
        answers = await asyncio.gather(*(_post(app, QUERY) for _ in range(REQUESTS)))
        assert counted_asks == [datasets.original_version]  # eight requests, one ask
        assert {(status, headers[b"x-dataset-version"]) for status, headers, _ in answers} == {
            (200, datasets.original_version.encode())
        }
        assert all(ORIGINAL_NAMES[0].encode() in body for _, _, body in answers)

        load_dataset(engine, datasets.edited)  # committed between two iterations
        if engine.dialect.name == "postgresql":  # its listener thread learns of it (NOTIFY)
            for _ in range(100):
                if watchers[0].version == datasets.edited_version:
                    break
                await asyncio.sleep(0.05)
        await asyncio.sleep(0)
        status, headers, body = await _post(app, QUERY)
        assert (status, headers[b"x-dataset-version"]) == (200, datasets.edited_version.encode())
        assert EDITED_NAMES[0].encode() in body
