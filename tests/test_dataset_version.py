"""Dataset reloads under reads: the watcher sees every load, and a response is one version.

Two datasets alternate: the curated file and a copy with one office name and one institution
name edited (rows read by two different statements of a traversal). A response that mixed the
two would show one edited name beside one original name.
"""

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import anyio.to_thread
import httpx
import pytest
from sqlalchemy import Connection, Engine, event, func, select, text
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.routing import Route

from db.dataset import DEFAULT_DATASET_PATH, read_dataset
from db.loader import load_dataset
from db.version import DatasetVersionWatcher, read_version
from resolvers.database import Database, Snapshot, SnapshotClosedError, count_statements
from resolvers.loaders import InMemoryDataset, read_in_memory
from schema.context import Context
from service import create_app
from service.caching import build_caching, etag_of
from service.dataset import CurrentDataset
from service.endpoint import GraphQLEndpoint
from service.settings import Settings
from tests.app_client import BASE_URL
from tests.conftest import DEFAULT_SCHEMA, DatabaseFactory
from tests.dataset_facts import READ_IN_MEMORY_STATEMENTS, Dataset, entry, example, write_variant

QUERY = example("01-full-traversal")
OFFICE, INSTITUTION = "bangkok", "escap"
ORIGINAL_NAMES = (
    "IOM Regional Office for Asia and the Pacific",
    "United Nations Economic and Social Commission for Asia and the Pacific",
)
EDITED_NAMES = ("IOM Regional Office for Asia and the Pacific, edited", "ESCAP, edited")
LOADS = 10
# Full traversals per engine while the datasets alternate: 250 on each of the two engines.
TRAVERSALS = 250
# HTTP clients asking at once during the reloads, and the distinct documents they ask.
HTTP_CLIENTS, HTTP_VARIANTS = 4, 40


@dataclass(frozen=True)
class Datasets:
    """The two files that alternate, and the version (content hash) each one loads as."""

    original: Path
    edited: Path
    original_version: str
    edited_version: str

    def path(self, load: int) -> Path:
        """Odd loads bring the edited file, even loads the original back."""
        return self.edited if load % 2 else self.original

    def version(self, load: int) -> str:
        return self.edited_version if load % 2 else self.original_version

    def names(self, version: str | None) -> tuple[str, str]:
        return {self.original_version: ORIGINAL_NAMES, self.edited_version: EDITED_NAMES}[
            version or ""
        ]


def _edit(data: Dataset) -> None:
    entry(data["offices"], OFFICE)["names"]["en"]["text"] = EDITED_NAMES[0]
    entry(data["institutions"], INSTITUTION)["names"]["en"]["text"] = EDITED_NAMES[1]


@pytest.fixture
def datasets(tmp_path: Path) -> Datasets:
    edited = write_variant(tmp_path, _edit)
    return Datasets(
        original=DEFAULT_DATASET_PATH,
        edited=edited,
        original_version=read_dataset(DEFAULT_DATASET_PATH).content_hash,
        edited_version=read_dataset(edited).content_hash,
    )


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
    database: Database, dataset: InMemoryDataset | None = None
) -> tuple[str | None, tuple[str, str]]:
    """One full traversal on ``dataset`` (default: read now, off the event loop, as a server
    does on a reload): the dataset's version and the two names."""
    if dataset is None:
        dataset = await anyio.to_thread.run_sync(read_in_memory, database)
    async with database.snapshot() as snapshot:
        context = Context(db=snapshot, dataset=dataset, request_id="reload")
        result = await DEFAULT_SCHEMA.execute(QUERY, context_value=context)
    assert result.errors is None
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
            answers.append(await _traverse(database))

    mixed = [(v, names) for v, names in answers if names != datasets.names(v)]
    assert mixed == []
    assert {v for v, _ in answers} == {datasets.original_version, datasets.edited_version}
    assert len(answers) == TRAVERSALS


async def test_a_dataset_in_memory_keeps_its_version_while_a_load_commits(
    loaded_engine: Engine, datasets: Datasets
) -> None:
    database = Database(loaded_engine)
    dataset = read_in_memory(database)
    before = await _traverse(database, dataset)
    await anyio.to_thread.run_sync(load_dataset, loaded_engine, datasets.edited)
    assert await _traverse(database, dataset) == before
    assert before[0] == datasets.original_version
    assert await _traverse(database) == (datasets.edited_version, EDITED_NAMES)


async def test_a_snapshot_gives_its_connection_back_however_the_request_ends(
    loaded_engine: Engine,
) -> None:
    database = Database(loaded_engine)
    pool: Any = loaded_engine.pool
    idle = pool.checkedout()
    snapshots: list[Snapshot] = []

    async def request_that_times_out() -> None:
        with anyio.fail_after(0.3):
            async with database.snapshot() as snapshot:
                snapshots.append(snapshot)
                assert await snapshot.run(snapshot.scalar, select(1)) == 1
                assert pool.checkedout() == idle + 1
                if database.threaded:  # the request gives up while its statement still runs
                    await snapshot.run(snapshot.scalar, select(func.pg_sleep(1)))
                await anyio.sleep(5)

    with pytest.raises(TimeoutError):
        await request_that_times_out()
    if database.threaded:
        # The abandoned statement keeps the connection until it returns: nobody else gets it
        # mid-statement. Then its worker thread gives it back.
        assert pool.checkedout() == idle + 1
        await anyio.to_thread.run_sync(_eventually, lambda: pool.checkedout() == idle)
    assert pool.checkedout() == idle
    # A batch function the timed-out request left behind finds the snapshot closed.
    with pytest.raises(SnapshotClosedError):
        await snapshots[0].run(snapshots[0].scalar, select(1))


async def test_after_a_database_error_a_snapshot_repeats_it_instead_of_running_on(
    loaded_engine: Engine,
) -> None:
    database = Database(loaded_engine)
    async with database.snapshot() as snapshot:
        with pytest.raises(DBAPIError) as first:
            await snapshot.run(snapshot.scalar, text("SELECT no_such_column"))
        with pytest.raises(DBAPIError) as again:
            await snapshot.run(snapshot.scalar, select(1))
    assert again.value is first.value


def _names_query(variant: int) -> str:
    """One of many distinct documents (so many cache entries) reading the two edited names."""
    return (
        f'query Names {{ regionalOffice(slug: "{OFFICE}") {{ name }} '
        f'institution(slug: "{INSTITUTION}") {{ name }} }} # variant {variant}'
    )


async def test_reloads_under_http_load_answer_and_cache_one_version_each(
    databases: DatabaseFactory, datasets: Datasets
) -> None:
    engine = databases.new()  # the service migrates and seeds it; the loads use this engine
    url = engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url, rate_limit_per_second=0))

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client,
    ):

        async def ask(variant: int) -> str:
            """One GET; its version header, ETag and body must tell the same version."""
            response = await client.get("/graphql", params={"query": _names_query(variant)})
            assert response.status_code == 200
            version = response.headers["x-dataset-version"]
            assert response.headers["etag"] == etag_of(response.content)
            data = response.json()["data"]
            names = (data["regionalOffice"]["name"], data["institution"]["name"])
            assert names == datasets.names(version)
            return version

        answered: list[str] = []
        reloading = True

        async def keep_asking(first_variant: int) -> None:
            variant = first_variant
            while reloading:
                answered.append(await ask(variant % HTTP_VARIANTS))
                variant += HTTP_CLIENTS
                # In-memory transport and inline SQLite never suspend: let the others run.
                await anyio.lowlevel.checkpoint()

        def reload() -> None:
            for load in range(1, LOADS + 1):
                load_dataset(engine, datasets.path(load))

        async with anyio.create_task_group() as group:
            for client_number in range(HTTP_CLIENTS):
                group.start_soon(keep_asking, client_number)
            await anyio.to_thread.run_sync(reload)
            reloading = False

        # /metrics names the version the database holds (it kept a previous one before). It
        # follows the watcher's version once the new list sizes are read: poll briefly. (On
        # PostgreSQL the watcher learns of the last load by NOTIFY, a moment after its commit;
        # until then lookups may still hit the previous version's entries, each whole.)
        held = f'iom_graph_dataset_info{{version="{read_version(engine)}"}} 1.0'
        for _ in range(50):
            metrics = (await client.get("/metrics")).text
            if held in metrics:
                break
            await anyio.sleep(0.1)
        # The original file was loaded last: every variant, cached or not, now answers it.
        after = [await ask(variant) for variant in range(HTTP_VARIANTS)]

    assert {*answered} == {datasets.original_version, datasets.edited_version}
    assert after == [datasets.original_version] * HTTP_VARIANTS
    assert read_version(engine) == datasets.original_version
    assert held in metrics


async def test_a_load_the_watcher_has_not_reported_leaves_requests_on_one_version(
    loaded_engine: Engine, datasets: Datasets
) -> None:
    """The watcher has not reported a load yet: requests keep answering the dataset in memory,
    all of the original version and without a statement (root lists too: nothing reads the
    database during a request). Once the watcher reports the load, the next request reads
    the dataset anew, once, and answers all of the new version."""
    database = Database(loaded_engine)
    reported = [datasets.original_version]
    current = CurrentDataset(database, lambda: reported[0])
    current.read_now()
    load_dataset(loaded_engine, datasets.edited)
    endpoint = GraphQLEndpoint(
        DEFAULT_SCHEMA, database, build_caching(0, 0, None, lambda: reported[0]), datasets=current
    )
    app = Starlette(routes=[Route("/graphql", endpoint)])
    query = (
        f'{{ institutions(filter: {{slugs: ["{INSTITUTION}"]}}) {{ nodes {{ name }} }} '
        f'regionalOffice(slug: "{OFFICE}") {{ name }} }}'
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        answers = []
        for version in (datasets.original_version, datasets.edited_version):
            reported[0] = version
            with count_statements() as counter:
                response = await client.post("/graphql", json={"query": query})
            assert response.status_code == 200, response.text
            data = response.json()["data"]
            names = (data["regionalOffice"]["name"], data["institutions"]["nodes"][0]["name"])
            answers.append((response.headers["x-dataset-version"], names, counter.count))
    assert answers == [
        (datasets.original_version, ORIGINAL_NAMES, 0),
        (datasets.edited_version, EDITED_NAMES, READ_IN_MEMORY_STATEMENTS),
    ]
    assert current.loaded.version == datasets.edited_version
