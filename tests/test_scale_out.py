"""Three replicas behind nginx (``deploy/nginx-scale.conf``): balancer and edge cache, on
loopback, real processes. They share one PostgreSQL database (of this module alone) and Redis.

Shown here: requests reach every replica in turn; the edge stores GET answers (persisted
queries too) and revalidates its copy with If-None-Match on every use; a reload
(``python -m db load``) changes every replica's answer, and the edge's next answer, at once;
with ``IOM_GRAPH_CACHE_MAX_AGE_SECONDS`` above 0 the edge serves its copy unasked, stale after
a load for at most that long (plus nginx's one-second granularity); behind the edge, a client
is limited by its own address, whatever X-Forwarded-For it sends.
"""

import hashlib
import json
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from db.dataset import DEFAULT_DATASET_PATH, read_dataset
from db.loader import load_dataset
from db.migrate import upgrade
from service.caching import etag_of
from tests.conftest import DatabaseFactory
from tests.dataset_facts import Dataset, entry, write_variant
from tests.scale_requests import QUERY, addresses, balanced, get, graphql_requests, name, reload
from tests.scale_topology import Topology, start_topology

ORIGINAL = "IOM Regional Office for Asia and the Pacific"
EDITED = "IOM Regional Office for Asia and the Pacific, reloaded"
# Redis keeps persisted queries for a day: a document unique to this run is unknown at first.
PERSISTED = f'query Dakar {{ regionalOffice(slug: "dakar") {{ slug }} }} # {uuid.uuid4()}'
# A replica learns of a load by PostgreSQL NOTIFY, a moment after the commit.
NOTIFY_BOUND_SECONDS = 2.0
MAX_AGE_SECONDS = 2
CHEAP = '{ country(code: "KE") { name regionalOffice { slug } } }'  # costs 2
# A bucket of 16 units that hardly refills: 8 cheap queries, then refusals.
SMALL_BUDGET = {
    "IOM_GRAPH_MAX_COST": "16",
    "IOM_GRAPH_RATE_LIMIT_BURST": "16",
    "IOM_GRAPH_RATE_LIMIT_PER_SECOND": "0.001",
}


@dataclass(frozen=True)
class Variants:
    database_url: str
    edited: Path
    original_version: str
    edited_version: str


def _edit(data: Dataset) -> None:
    entry(data["offices"], "bangkok")["names"]["en"]["text"] = EDITED


def _database(factory: DatabaseFactory) -> str:
    engine = factory.new()
    upgrade(engine)
    load_dataset(engine)
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    databases = DatabaseFactory("postgresql", tmp_path_factory.mktemp("scale"))
    yield databases
    databases.close()


@pytest.fixture(scope="module")
def variants(factory: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Variants:
    edited = write_variant(tmp_path_factory.mktemp("variant"), _edit)
    return Variants(
        _database(factory),
        edited,
        read_dataset(DEFAULT_DATASET_PATH).content_hash,
        read_dataset(edited).content_hash,
    )


@pytest.fixture(scope="module")
def topology(variants: Variants) -> Iterator[Topology]:
    with start_topology(variants.database_url) as running:
        yield running


def test_requests_reach_every_replica_in_turn(topology: Topology) -> None:
    before = [graphql_requests(replica) for replica in topology.replicas]
    since = len(topology.access())
    for _ in range(30):  # POST: never cached at the edge, always balanced
        response = httpx.post(f"{topology.edge}/graphql", json={"query": QUERY})
        assert response.status_code == 200
        assert "x-cache-status" not in response.headers  # the edge's cache was not consulted
        assert name(response) == ORIGINAL
    after = [graphql_requests(replica) for replica in topology.replicas]
    assert [a - b for a, b in zip(after, before, strict=True)] == [10.0, 10.0, 10.0]
    passed = balanced(topology, since)
    assert sorted({a for a, _ in passed}) == sorted(addresses(topology))
    assert len(passed) == 30


def test_the_edge_keeps_a_get_and_revalidates_it_on_every_use(topology: Topology) -> None:
    since = len(topology.access())
    answers = [get(topology.edge) for _ in range(4)]
    assert [a.headers["x-cache-status"] for a in answers] == ["MISS", *["REVALIDATED"] * 3]
    assert {a.content for a in answers} == {answers[0].content}
    assert {a.headers["etag"] for a in answers} == {etag_of(answers[0].content)}
    # Each use asked a replica (the three in turn), which answered 304: nginx sent its copy.
    passed = balanced(topology, since)
    assert [status for _, status in passed] == ["200", "304", "304", "304"]
    assert {address for address, _ in passed[1:]} == addresses(topology)
    # Every answer has its own request id, though three are the same stored copy.
    assert len({a.headers["x-request-id"] for a in answers}) == 4


def test_persisted_query_gets_are_kept_and_an_unknown_hash_is_not(topology: Topology) -> None:
    sha = hashlib.sha256(PERSISTED.encode()).hexdigest()
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha}})
    unknown = [get(topology.edge, extensions=extensions) for _ in range(2)]
    assert [u.json()["errors"][0]["extensions"]["code"] for u in unknown] == [
        "PERSISTED_QUERY_NOT_FOUND"
    ] * 2
    assert [u.headers["x-cache-status"] for u in unknown] == ["MISS", "MISS"]  # never stored
    registered = httpx.post(
        f"{topology.edge}/graphql", json={"query": PERSISTED, "extensions": json.loads(extensions)}
    )
    assert registered.json() == {
        "data": {"regionalOffice": {"slug": "dakar"}},
        "extensions": registered.json()["extensions"],
    }
    by_hash = [get(topology.edge, extensions=extensions) for _ in range(3)]
    assert [b.headers["x-cache-status"] for b in by_hash] == ["MISS", "REVALIDATED", "REVALIDATED"]
    assert {b.content for b in by_hash} == {registered.content}


def test_a_dry_run_is_never_kept_at_the_edge_nor_in_the_replicas_cache(
    topology: Topology,
) -> None:
    """Issue 22.1: a dry run (POST or GET) was stored in the replicas' shared cache under the
    real query's key, and the edge then kept and served its `"data": null` to everyone."""
    query = f'{{ regionalOffice(slug: "dakar") {{ slug }} }} # {uuid.uuid4()}'
    dry_run = json.dumps({"cost": {"dryRun": True}})
    dry_answer = {"data": None, "extensions": {"cost": {"requested": 1, "maximum": 25000}}}
    posted = httpx.post(
        f"{topology.edge}/graphql", json={"query": query, "extensions": json.loads(dry_run)}
    )
    assert posted.json() == dry_answer
    dry_gets = [get(topology.edge, query=query, extensions=dry_run) for _ in range(2)]
    assert [d.json() for d in dry_gets] == [dry_answer] * 2
    assert [d.headers["x-cache-status"] for d in dry_gets] == ["MISS", "MISS"]  # never kept
    assert {d.headers["cache-control"] for d in dry_gets} == {"no-store"}
    real = [get(topology.edge, query=query) for _ in range(3)]
    assert [r.json()["data"] for r in real] == [{"regionalOffice": {"slug": "dakar"}}] * 3
    assert [r.headers["x-cache-status"] for r in real] == ["MISS", "REVALIDATED", "REVALIDATED"]
    after = get(topology.edge, query=query, extensions=dry_run)
    assert after.json() == dry_answer
    assert after.headers["x-cache-status"] == "MISS"


def test_accept_datetime_is_kept_apart_at_the_edge(topology: Topology) -> None:
    """Issue 23.8: two GETs differing only by `Accept-Datetime` get their own answers and
    their own copies at the edge, however they alternate."""
    query = f'{{ country(code: "PE") {{ regionalOffice {{ slug }} }} }} # {uuid.uuid4()}'
    dated = {"accept-datetime": "Wed, 01 Jan 2020 00:00:00 GMT"}

    def ask(headers: dict[str, str]) -> httpx.Response:
        response = httpx.get(f"{topology.edge}/graphql", params={"query": query}, headers=headers)
        assert response.status_code == 200, response.text
        return response

    answers = [ask(headers) for headers in (dated, {}, dated, {}, dated)]
    slugs = [a.json()["data"]["country"]["regionalOffice"]["slug"] for a in answers]
    assert slugs == ["buenos-aires", "americas", "buenos-aires", "americas", "buenos-aires"]
    assert [a.json()["extensions"]["asOf"] for a in answers[::2]] == ["2020-01-01"] * 3
    assert [a.headers["x-cache-status"] for a in answers] == [
        "MISS",
        "MISS",
        "REVALIDATED",
        "REVALIDATED",
        "REVALIDATED",
    ]
    assert answers[0].headers["vary"] == "Accept, Accept-Language, Accept-Datetime"


def _first_new_answer(replica: str, deadline: float) -> tuple[float, list[str]]:
    """Ask ``replica`` until it answers the edited name: (seconds it took, names answered)."""
    started, seen = time.monotonic(), []
    while time.monotonic() < deadline:
        seen.append(name(get(replica)))
        if seen[-1] == EDITED:
            return time.monotonic() - started, seen
    return float("inf"), seen


def test_a_reload_changes_every_replica_and_the_edge_at_once(
    topology: Topology, variants: Variants
) -> None:
    primed = [get(topology.edge) for _ in range(3)]
    assert [name(p) for p in primed] == [ORIGINAL] * 3
    assert primed[-1].headers["x-cache-status"] == "REVALIDATED"
    try:
        reload(variants.database_url, variants.edited)
        deadline = time.monotonic() + NOTIFY_BOUND_SECONDS
        waits = [_first_new_answer(replica, deadline) for replica in topology.replicas]
        # Each replica answers the new name within the bound, and never the old one after it.
        assert all(wait < NOTIFY_BOUND_SECONDS for wait, _ in waits), waits
        for _, seen in waits:
            assert seen[seen.index(EDITED) :] == [EDITED]
        since = len(topology.access())
        after = [get(topology.edge) for _ in range(4)]
        assert [name(a) for a in after] == [EDITED] * 4
        # The first use of the old copy found its ETag stale (a 200 replaced it); then 304s.
        assert [a.headers["x-cache-status"] for a in after] == ["EXPIRED", *["REVALIDATED"] * 3]
        assert [status for _, status in balanced(topology, since)] == ["200", *["304"] * 3]
        assert {a.headers["x-dataset-version"] for a in after} == {variants.edited_version}
        assert {a.headers["etag"] for a in after} == {etag_of(after[0].content)}
        assert after[0].headers["etag"] != primed[0].headers["etag"]
    finally:
        reload(variants.database_url, DEFAULT_DATASET_PATH)
    assert name(get(topology.edge)) == ORIGINAL


def test_with_a_max_age_the_edge_is_stale_after_a_load_for_at_most_that_long(
    factory: DatabaseFactory, variants: Variants
) -> None:
    database_url = _database(factory)
    settings = {"IOM_GRAPH_CACHE_MAX_AGE_SECONDS": str(MAX_AGE_SECONDS)}
    with start_topology(database_url, settings, replicas=1) as edge_of_one:
        stored = get(edge_of_one.edge)
        stored_by = time.monotonic()  # the copy was stored before its answer arrived
        assert stored.headers["cache-control"] == "public, max-age=2, must-revalidate"
        assert stored.headers["x-cache-status"] == "MISS"
        since = len(edge_of_one.access())
        unasked = get(edge_of_one.edge)
        assert unasked.headers["x-cache-status"] == "HIT"
        assert unasked.content == stored.content
        reload(database_url, variants.edited)
        answers: list[tuple[float, httpx.Response]] = []
        while not answers or name(answers[-1][1]) == ORIGINAL:
            asked = time.monotonic()
            answers.append((asked, get(edge_of_one.edge)))
            # Only a stale answer must come in time (a slow load may outlast max-age itself).
            stale = name(answers[-1][1]) == ORIGINAL
            assert not stale or asked - stored_by < MAX_AGE_SECONDS + 2, "stale beyond max-age"
            time.sleep(0.05)
        passed = balanced(edge_of_one, since)
    # Served unasked (HIT) while fresh by max-age (none left if the load took that long), then
    # asked again: the new version at once. Only that last request reached the replica.
    statuses = [a.headers["x-cache-status"] for _, a in answers]
    assert statuses == ["HIT"] * (len(answers) - 1) + ["EXPIRED"], statuses
    assert [name(a) for _, a in answers[:-1]] == [ORIGINAL] * (len(answers) - 1)
    assert answers[-1][1].headers["x-dataset-version"] == variants.edited_version
    assert [status for _, status in passed] == ["200"]
    # nginx counts whole seconds: a copy stored at t is fresh until the second t + max-age
    # ends, less than max-age + 1 s after t. No stale answer was asked for later than that.
    last_stale = answers[-2][0] if len(answers) > 1 else stored_by
    assert last_stale - stored_by < MAX_AGE_SECONDS + 1, last_stale - stored_by


def test_behind_the_edge_a_client_is_its_own_address_whatever_it_claims(
    variants: Variants,
) -> None:
    """nginx replaces X-Forwarded-For with the address it saw, and the replica trusts it from
    127.0.0.1 (IOM_GRAPH_FORWARDED_ALLOW_IPS, tests/scale_topology.py): two clients on other
    loopback addresses are two buckets, and spoofed values change nothing."""
    # Addresses of this run alone: at this rate the buckets stay in the shared Redis for hours.
    spoofer, other = (f"127.{random.randrange(1, 255)}.{random.randrange(256)}.{n}" for n in (2, 3))
    with start_topology(variants.database_url, SMALL_BUDGET, replicas=1) as edge_of_one:
        url = f"{edge_of_one.edge}/graphql"
        with httpx.Client(transport=httpx.HTTPTransport(local_address=spoofer)) as client:
            statuses = [
                client.post(
                    url, json={"query": CHEAP}, headers={"x-forwarded-for": f"198.51.100.{i}"}
                ).status_code
                for i in range(16)
            ]
        with httpx.Client(transport=httpx.HTTPTransport(local_address=other)) as client:
            fresh = client.post(url, json={"query": CHEAP})
    assert statuses == [200] * 8 + [429] * 8
    assert (fresh.status_code, fresh.headers["x-ratelimit-remaining"]) == (200, "14")
