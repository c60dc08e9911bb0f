"""Dataset reloads under reads: the watcher sees every load, and a response is one version.

Two datasets alternate (``tests.alternating_datasets``): a response that mixed them would show
one edited name beside one original name. A request reads as the service's do: the dataset in
memory that ``CurrentDataset`` gives it (``read_in_memory``, one read transaction), and no
statement while it executes. Over HTTP: ``tests.test_dataset_reload_http``.
"""

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import pytest
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError

from db.loader import load_dataset
from db.version import DatasetVersionWatcher, read_version
from resolvers.database import Database, count_statements
from resolvers.in_memory import EMPTY, InMemoryDataset, read_in_memory
from schema.context import Context
from service.dataset import CurrentDataset
from tests.alternating_datasets import (
    EDITED_NAMES,
    INSTITUTION,
    LOADS,
    OFFICE,
    ORIGINAL_NAMES,
    Datasets,
    alternating_datasets,
)
from tests.conftest import DEFAULT_SCHEMA
from tests.dataset_facts import example

QUERY = example("01-full-traversal")
# Full traversals per engine while the datasets alternate: with ``LOADS`` loads spread over
# them, about eight traversals read the dataset between two loads, and each read can meet a
# commit.
TRAVERSALS = 60


@pytest.fixture
def datasets(tmp_path: Path) -> Datasets:
    return alternating_datasets(tmp_path)


@pytest.fixture
def loaded_engine(empty_engine: Engine) -> Engine:
    load_dataset(empty_engine)
    return empty_engine


@pytest.fixture
def watcher(loaded_engine: Engine) -> Iterator[tuple[DatasetVersionWatcher, list[str | None]]]:
    seen: list[str | None] = []
    watching = DatasetVersionWatcher(loaded_engine, on_change=seen.append)
    watching.start()
    yield watching, seen
    watching.stop()


def _eventually(condition: Callable[[], bool], seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def _wait_for(watching: DatasetVersionWatcher, version: str) -> str | None:
    """SQLite answers at once; a PostgreSQL notification arrives shortly after the commit."""
    _eventually(lambda: watching.current() == version)
    return watching.current()


def test_the_watcher_sees_every_load_even_when_checked_mid_commit(
    loaded_engine: Engine,
    datasets: Datasets,
    watcher: tuple[DatasetVersionWatcher, list[str | None]],
) -> None:
    watching, seen = watcher
    during_commit: list[str | None] = []

    # A request checking while the loader commits: its rows are written, not yet visible.
    @event.listens_for(loaded_engine, "commit")
    def check_mid_commit(_connection: Connection) -> None:
        during_commit.append(watching.current())

    # And requests checking all the time, from another thread, as a busy server does.
    stop = threading.Event()

    def keep_checking() -> None:
        while not stop.is_set():
            watching.current()

    checker = threading.Thread(target=keep_checking)
    checker.start()
    try:
        after_load = []
        for load in range(1, LOADS + 1):
            load_dataset(loaded_engine, datasets.path(load))
            after_load.append(
                (_wait_for(watching, datasets.version(load)), read_version(loaded_engine))
            )
    finally:
        stop.set()
        checker.join()
        event.remove(loaded_engine, "commit", check_mid_commit)

    expected = [datasets.version(load) for load in range(1, LOADS + 1)]
    assert after_load == [(version, version) for version in expected]
    assert during_commit == [datasets.version(load - 1) for load in range(1, LOADS + 1)]
    # Every change reported once, in order: the initial version, then one per load.
    assert seen == [datasets.original_version, *expected]


async def _traverse(
    database: Database, dataset: InMemoryDataset
) -> tuple[str | None, tuple[str, str]]:
    """One full traversal, as a request runs it on ``dataset`` (a statement run meanwhile
    would fail it): the dataset's version and the two names."""
    with count_statements() as counter:
        context = Context(db=database, dataset=dataset, request_id="reload")
        result = await DEFAULT_SCHEMA.execute(QUERY, context_value=context)
    assert result.errors is None
    assert counter.count == 0
    offices = result.data["organisation"]["regionalOffices"]["nodes"]  # type: ignore[index]
    office = next(o for o in offices if o["slug"] == OFFICE)
    institution = next(
        e["node"] for e in office["institutions"]["edges"] if e["node"]["slug"] == INSTITUTION
    )
    return dataset.version, (office["name"], institution["name"])


async def test_no_response_mixes_two_dataset_versions_across_reloads(
    loaded_engine: Engine, datasets: Datasets
) -> None:
    database = Database(loaded_engine)
    answers: list[tuple[str | None, tuple[str, str]]] = []

    def reload_while_reading() -> None:
        # The loads spread over the traversals, so each commit lands among running ones.
        for load in range(1, LOADS + 1):
            while len(answers) < load * TRAVERSALS // (LOADS + 1):
                time.sleep(0.005)
            load_dataset(loaded_engine, datasets.path(load))

    async with anyio.create_task_group() as group:
        group.start_soon(anyio.to_thread.run_sync, reload_while_reading)
        for _ in range(TRAVERSALS):
            # Each traversal reads the dataset anew, off the event loop, as a server does on a
            # reload (``CurrentDataset``): so every read runs while loads commit.
            dataset = await anyio.to_thread.run_sync(read_in_memory, database)
            answers.append(await _traverse(database, dataset))

    mixed = [(v, names) for v, names in answers if names != datasets.names(v)]
    assert mixed == []
    assert {v for v, _ in answers} == {datasets.original_version, datasets.edited_version}
    assert len(answers) == TRAVERSALS


async def test_a_load_landing_mid_request_does_not_show_in_its_response(
    loaded_engine: Engine, datasets: Datasets
) -> None:
    database = Database(loaded_engine)
    current = CurrentDataset(database, lambda: read_version(loaded_engine))
    dataset = await current.for_request()  # the request starts: it takes its dataset
    await anyio.to_thread.run_sync(load_dataset, loaded_engine, datasets.edited)
    assert await _traverse(database, dataset) == (datasets.original_version, ORIGINAL_NAMES)
    after = await current.for_request()  # the next request
    assert await _traverse(database, after) == (datasets.edited_version, EDITED_NAMES)


def _rename_table(engine: Engine, name: str, new_name: str) -> None:
    with engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE {name} RENAME TO {new_name}"))


async def test_a_failed_dataset_read_gives_its_connection_back_and_keeps_nothing(
    loaded_engine: Engine, datasets: Datasets
) -> None:
    """A database error in the middle of reading the dataset (a table gone): the request
    fails, its connection goes back to the pool, no half-read dataset is kept, and the next
    request reads the whole dataset anew."""
    database = Database(loaded_engine)
    current = CurrentDataset(database, lambda: read_version(loaded_engine))
    pool: Any = loaded_engine.pool
    idle = pool.checkedout()
    _rename_table(loaded_engine, "office_succession", "office_succession_away")
    with pytest.raises(DBAPIError, match="office_succession"):
        await current.for_request()
    assert pool.checkedout() == idle
    assert current.loaded is EMPTY
    _rename_table(loaded_engine, "office_succession_away", "office_succession")
    dataset = await current.for_request()
    assert pool.checkedout() == idle
    assert await _traverse(database, dataset) == (datasets.original_version, ORIGINAL_NAMES)
