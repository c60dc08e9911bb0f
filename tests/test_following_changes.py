"""Following changes across real processes: two replicas on one PostgreSQL database behind
nginx (``deploy/nginx-scale.conf``, with its WebSocket upgrade), a load by ``python -m db load``,
and every way of learning of it agreeing on the new version.

Clients: ``gql``'s websockets transport (graphql-transport-ws), one subscribed to a replica
directly and one through the edge; httpx for ``datasetChanges``, ``/feed.atom`` and the
``X-Dataset-Version`` of an answer, asked of the other replica and of the edge.
"""

import asyncio
import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx
import pytest
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport
from prometheus_client.parser import text_string_to_metric_families

from db.dataset import DEFAULT_DATASET_PATH, read_dataset
from db.loader import load_dataset
from db.migrate import upgrade
from tests.conftest import DatabaseFactory
from tests.dataset_facts import write_variant
from tests.scale_topology import start_topology
from tests.test_dataset_history import EDITED_NAME, ORIGINAL_NAME, edit_bangkok
from tests.test_scale_out import reload

SUBSCRIPTION = """
subscription Follow {
  datasetChanged { version previousVersion changes { nodes { entityKey field oldValue newValue } } }
}
"""
CHANGES = """
query CatchUp($since: String!) {
  datasetChanges(since: $since) {
    version
    changes { nodes { entityType entityKey kind field oldValue newValue } }
  }
}
"""
ATOM = "{http://www.w3.org/2005/Atom}"
# A replica learns of a load by PostgreSQL NOTIFY, a moment after the commit.
EVENT_BOUND_SECONDS = 10.0
# After the first event, how long a second one is awaited (there must be none).
QUIET_SECONDS = 2.0


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    databases = DatabaseFactory("postgresql", tmp_path_factory.mktemp("follow"))
    engine = databases.new()
    upgrade(engine)
    load_dataset(engine)
    yield engine.url.render_as_string(hide_password=False)
    databases.close()


PACKAGE = "/data/all/en/datapackage.json"
OFFICES_CSV = "/data/all/en/offices.csv"


async def test_every_way_of_following_agrees_on_one_load(database_url: str, tmp_path: Path) -> None:
    edited = write_variant(tmp_path, edit_bangkok)
    original, new = (read_dataset(p).content_hash for p in (DEFAULT_DATASET_PATH, edited))
    with start_topology(database_url, replicas=2) as topology:
        direct, other = topology.replicas[1], topology.replicas[0]
        events: dict[str, list[dict[str, Any]]] = {"direct": [], "edge": []}
        followers = [
            asyncio.create_task(_follow(direct, events["direct"])),
            asyncio.create_task(_follow(topology.edge, events["edge"])),
        ]
        async with httpx.AsyncClient() as http:
            await _until(lambda: _subscriptions(http, topology.replicas), lambda n: n == 2)
            feed_before = _entry_versions((await http.get(f"{other}/feed.atom")).text)
            offices_before = (await http.get(f"{other}{OFFICES_CSV}")).text

            await anyio.to_thread.run_sync(reload, database_url, edited)
            await _until(lambda: _counts(events), lambda n: n == (1, 1))
            await asyncio.sleep(QUIET_SECONDS)

            catch_up = await http.post(
                f"{other}/graphql", json={"query": CHANGES, "variables": {"since": original}}
            )
            via_edge = await http.post(
                f"{topology.edge}/graphql",
                json={"query": CHANGES, "variables": {"since": original}},
            )
            feed = _entry_versions((await http.get(f"{other}/feed.atom")).text)
            edge_feed = _entry_versions((await http.get(f"{topology.edge}/feed.atom")).text)
            package = (await http.get(f"{topology.edge}{PACKAGE}")).json()
            offices_after = (await http.get(f"{other}{OFFICES_CSV}")).text
        for follower in followers:
            follower.cancel()
        await asyncio.gather(*followers, return_exceptions=True)

    change = {"entityKey": "bangkok", "field": "name.en", "oldValue": ORIGINAL_NAME}
    event = {
        "datasetChanged": {
            "version": new,
            "previousVersion": original,
            "changes": {"nodes": [{**change, "newValue": EDITED_NAME}]},
        }
    }
    assert events == {"direct": [event], "edge": [event]}
    assert catch_up.json() == via_edge.json()
    assert catch_up.json()["data"] == {
        "datasetChanges": {
            "version": new,
            "changes": {
                "nodes": [
                    {
                        "entityType": "regional_office",
                        "kind": "CHANGED",
                        **change,
                        "newValue": EDITED_NAME,
                    }
                ]
            },
        }
    }
    assert catch_up.headers["x-dataset-version"] == new
    assert (feed_before, feed, edge_feed) == ([original], [new, original], [new, original])
    # The Data Package of the new version differs exactly by the edit: one office row.
    assert package["version"] == new
    before, after = _rows_by_slug(offices_before), _rows_by_slug(offices_after)
    assert before.keys() == after.keys()
    differing = {
        (slug, column): (row[column], after[slug][column])
        for slug, row in before.items()
        for column in row
        if row[column] != after[slug][column]
    }
    assert differing == {("bangkok", "name"): (ORIGINAL_NAME, EDITED_NAME)}


async def _follow(base_url: str, events: list[dict[str, Any]]) -> None:
    url = base_url.replace("http://", "ws://") + "/graphql"
    transport = WebsocketsTransport(url=url, ping_interval=30)
    async with Client(transport=transport) as session:
        async for result in session.subscribe(gql(SUBSCRIPTION)):
            events.append(result)


async def _subscriptions(http: httpx.AsyncClient, replicas: tuple[str, ...]) -> float:
    total = 0.0
    for replica in replicas:
        text = (await http.get(f"{replica}/metrics")).text
        for family in text_string_to_metric_families(text):
            total += sum(s.value for s in family.samples if s.name == "iom_graph_subscriptions")
    return total


def _counts(events: dict[str, list[dict[str, Any]]]) -> tuple[int, int]:
    return len(events["direct"]), len(events["edge"])


async def _until(read: Callable[[], Any], done: Callable[[Any], bool]) -> None:
    """Wait until ``done(read())`` (``read`` may be a coroutine function)."""
    deadline = asyncio.get_running_loop().time() + EVENT_BOUND_SECONDS
    while True:
        value = read()
        if asyncio.iscoroutine(value):
            value = await value
        if done(value):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still {value!r} after {EVENT_BOUND_SECONDS} s")
        await asyncio.sleep(0.1)


def _rows_by_slug(text: str) -> dict[str, dict[str, str]]:
    return {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}


def _entry_versions(feed: str) -> list[str]:
    entries = ET.fromstring(feed).iter(f"{ATOM}entry")
    return [str(e.findtext(f"{ATOM}id")).rsplit(":", 1)[1] for e in entries]
