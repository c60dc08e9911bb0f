"""Dataset reloads under HTTP load: each response, and each cached entry, is one version.

Two datasets alternate (``tests.alternating_datasets``); the watcher, the in-memory dataset
and a load landing mid-request in-process: ``tests.test_dataset_version``.
"""

from pathlib import Path

import anyio
import anyio.lowlevel
import anyio.to_thread
import httpx
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.routing import Route

from db.loader import load_dataset
from db.version import read_version
from resolvers.database import Database, count_statements
from service import create_app
from service.caching import build_caching, etag_of
from service.dataset import CurrentDataset
from service.endpoint import GraphQLEndpoint
from service.settings import Settings
from tests.alternating_datasets import (
    EDITED_NAMES,
    INSTITUTION,
    LOADS,
    OFFICE,
    ORIGINAL_NAMES,
    alternating_datasets,
)
from tests.app_client import BASE_URL
from tests.conftest import DEFAULT_SCHEMA, DatabaseFactory
from tests.dataset_facts import READ_IN_MEMORY_STATEMENTS

# HTTP clients asking at once during the reloads, and the distinct documents they ask.
HTTP_CLIENTS, HTTP_VARIANTS = 4, 40


def _names_query(variant: int) -> str:
    """One of many distinct documents (so many cache entries) reading the two edited names."""
    return (
        f'query Names {{ regionalOffice(slug: "{OFFICE}") {{ name }} '
        f'institution(slug: "{INSTITUTION}") {{ name }} }} # variant {variant}'
    )


async def test_reloads_under_http_load_answer_and_cache_one_version_each(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    datasets = alternating_datasets(tmp_path)
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
    empty_engine: Engine, tmp_path: Path
) -> None:
    """The watcher has not reported a load yet: requests keep answering the dataset in memory,
    all of the original version and without a statement (root lists too: nothing reads the
    database during a request). Once the watcher reports the load, the next request reads
    the dataset anew, once, and answers all of the new version."""
    datasets, loaded_engine = alternating_datasets(tmp_path), empty_engine
    load_dataset(loaded_engine)
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
