"""``datasetChanged`` over WebSocket in-process (graphql-transport-ws messages as sent on the wire),
its caps and drops, ``/feed.atom``, and their metrics. Across real processes and nginx:
``tests/test_following_changes.py``."""

import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from db.dataset import DEFAULT_DATASET_PATH, read_dataset
from db.loader import load_dataset
from resolvers.database import Database
from service.subscriptions import (
    Caps,
    DatasetBroadcast,
    SubscriptionMetrics,
    SubscriptionRefusedError,
)
from tests.app_client import serve_in_process
from tests.dataset_facts import write_variant
from tests.test_dataset_history import EDITED_NAME, ORIGINAL_NAME, edit_bangkok

SUBSCRIPTION = """
subscription Follow {
  datasetChanged { version previousVersion changed changes { nodes { entityKey field newValue } } }
}
"""
ATOM = "{http://www.w3.org/2005/Atom}"
PROTOCOL = ["graphql-transport-ws"]


@pytest.fixture
def database_url(empty_engine: Engine) -> str:
    load_dataset(empty_engine)
    return empty_engine.url.render_as_string(hide_password=False)


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    return write_variant(tmp_path, edit_bangkok)


@contextmanager
def connect(client: TestClient) -> Iterator[WebSocketTestSession]:
    with client.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json() == {"type": "connection_ack"}
        yield ws


def subscribe(ws: WebSocketTestSession, id: str, query: str = SUBSCRIPTION) -> None:
    ws.send_json({"id": id, "type": "subscribe", "payload": {"query": query}})


def metric(client: TestClient, name: str, **labels: str) -> float:
    families = text_string_to_metric_families(client.get("/metrics").text)
    return sum(
        s.value
        for f in families
        for s in f.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_a_load_reaches_a_subscriber_and_the_feed(
    empty_engine: Engine, database_url: str, edited: Path
) -> None:
    original, new = (read_dataset(p).content_hash for p in (DEFAULT_DATASET_PATH, edited))
    with serve_in_process(database_url) as client:
        feed_before = client.get("/feed.atom")
        with connect(client) as ws:
            subscribe(ws, "1")
            assert metric(client, "iom_graph_subscriptions") == 1
            loading = threading.Thread(target=load_dataset, args=(empty_engine, edited))
            loading.start()
            event = ws.receive_json()
            loading.join()
        feed = client.get("/feed.atom")
        revalidated = client.get("/feed.atom", headers={"If-None-Match": feed.headers["etag"]})
        events = metric(client, "iom_graph_subscription_events_total")

    assert event == {
        "id": "1",
        "type": "next",
        "payload": {
            "data": {
                "datasetChanged": {
                    "version": new,
                    "previousVersion": original,
                    "changed": 1,
                    "changes": {
                        "nodes": [
                            {"entityKey": "bangkok", "field": "name.en", "newValue": EDITED_NAME}
                        ]
                    },
                }
            },
            "extensions": {"cost": {"requested": 52, "maximum": 25000}},
        },
    }
    assert events == 1
    assert _entries(feed_before.text) == [(original, f"http://127.0.0.1/data/?version={original}")]
    assert _entries(feed.text) == [
        (new, f"http://127.0.0.1/data/?version={new}"),
        (original, f"http://127.0.0.1/data/?version={original}"),
    ]
    assert f"'{ORIGINAL_NAME}' -> '{EDITED_NAME}'" in _contents(feed.text)[0]
    assert feed.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert revalidated.status_code == 304


def test_caps_refuse_with_a_code(database_url: str) -> None:
    with serve_in_process(database_url, subscriptions_per_client=1) as client:
        with connect(client) as ws:
            subscribe(ws, "1")
            subscribe(ws, "2")
            refused = ws.receive_json()
            subscribe(ws, "3", "{ __typename }")
            ws.receive_json()  # 2 completes
            query = ws.receive_json()
            with (
                client.websocket_connect("/graphql", subprotocols=PROTOCOL) as second,
                pytest.raises(WebSocketDisconnect) as closed,
            ):
                second.receive_json()
        refusals = metric(client, "iom_graph_subscriptions_refused_total", reason="client")

    assert refused["payload"]["errors"] == [
        {
            "message": "a client may hold 1 subscriptions at once: close one",
            "extensions": {"code": "TOO_MANY_SUBSCRIPTIONS"},
        }
    ]
    assert query == {
        "id": "3",
        "type": "error",
        "payload": [
            {
                "message": "WebSocket serves subscriptions only: "
                "send queries over HTTP to /graphql",
                "extensions": {"code": "OPERATION_NOT_ALLOWED"},
            }
        ],
    }
    assert closed.value.code == 4429
    assert refusals == 2  # the second subscription, then the second connection


def test_an_idle_client_is_dropped(database_url: str) -> None:
    with serve_in_process(database_url, subscription_idle_seconds=0.5) as client:
        with connect(client) as ws:
            subscribe(ws, "1")
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
        dropped = metric(client, "iom_graph_subscriptions_dropped_total", reason="idle")
        open_now = metric(client, "iom_graph_subscriptions")

    assert (closed.value.code, dropped, open_now) == (4408, 1, 0)


def _entries(feed: str) -> list[tuple[str, str]]:
    root = ET.fromstring(feed)
    return [
        (
            str(entry.findtext(f"{ATOM}id")).rsplit(":", 1)[1],
            str(entry.find(f"{ATOM}link").get("href")),  # type: ignore[union-attr]
        )
        for entry in root.iter(f"{ATOM}entry")
    ]


def _contents(feed: str) -> list[str]:
    return [str(e.findtext(f"{ATOM}content")) for e in ET.fromstring(feed).iter(f"{ATOM}entry")]


def test_the_process_cap_counts_every_client(database_url: str) -> None:
    settings = {"subscriptions_per_client": 5, "subscriptions_per_process": 1}
    with serve_in_process(database_url, **settings) as client:
        with connect(client) as ws:
            subscribe(ws, "1")
            subscribe(ws, "2")
            refused = ws.receive_json()
        refusals = metric(client, "iom_graph_subscriptions_refused_total", reason="process")

    assert refused["payload"]["errors"] == [
        {
            "message": "this server holds its maximum of 1 subscriptions: retry later",
            "extensions": {"code": "TOO_MANY_SUBSCRIPTIONS"},
        }
    ]
    assert refusals == 1


async def test_a_slow_subscriber_is_dropped(empty_engine: Engine, edited: Path) -> None:
    load_dataset(empty_engine)
    load_dataset(empty_engine, edited)
    original, new = (read_dataset(p).content_hash for p in (DEFAULT_DATASET_PATH, edited))
    load_dataset(empty_engine)  # the original again: a third version record
    registry = CollectorRegistry()
    metrics = SubscriptionMetrics(registry)
    broadcast = DatasetBroadcast(Database(empty_engine), Caps(5, 5, 1, 60), metrics)
    broadcast.start(None)
    async with broadcast.subscribe("127.0.0.1") as events:
        for version in (new, original):  # two events, room for one: it never read the first
            await broadcast.publish(version)
        with pytest.raises(SubscriptionRefusedError) as dropped:
            await anext(aiter(events))

    assert dropped.value.extensions == {"code": "SLOW_CONSUMER"}
    assert (
        registry.get_sample_value("iom_graph_subscriptions_dropped_total", {"reason": "slow"}) == 1
    )
    assert registry.get_sample_value("iom_graph_subscription_events_total") == 1
    assert registry.get_sample_value("iom_graph_subscriptions") == 0
