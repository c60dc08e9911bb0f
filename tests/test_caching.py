"""Exact caching, in-process on SQLite and PostgreSQL: repeated queries come from the cache,
validators give 304, languages never mix, a data reload (by the real `python -m db load`, a
process of its own) invalidates at once, and automatic persisted queries work (shared by
replicas through Redis)."""

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import service.responder
from db.dataset import DEFAULT_DATASET_PATH, read_dataset
from tests.app_client import serve_in_process
from tests.conftest import DatabaseFactory
from tests.dataset_facts import Dataset, entry, write_variant

ROOT = Path(__file__).resolve().parent.parent
QUERY = '{ institution(slug: "escwa") { name } regionalOffice(slug: "cairo") { name } }'
HASH = hashlib.sha256(QUERY.encode()).hexdigest()


@pytest.fixture
def database_url(databases: DatabaseFactory) -> str:
    """An empty database of the session's backend: the server migrates and seeds it."""
    return databases.new().url.render_as_string(hide_password=False)


@pytest.fixture
def server(database_url: str) -> Iterator[TestClient]:
    with serve_in_process(database_url) as client:
        yield client


def outcomes(client: TestClient) -> dict[str, float]:
    counts: dict[str, float] = {}
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("iom_graph_requests_total{"):
            outcome = line.split('outcome="')[1].split('"')[0]
            counts[outcome] = counts.get(outcome, 0) + float(line.split()[-1])
    return counts


def test_a_repeated_query_is_answered_from_the_cache(server: TestClient) -> None:
    first = server.post("/graphql", json={"query": QUERY})
    second = server.post("/graphql", json={"query": QUERY})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert outcomes(server) == {"ok": 1.0, "cached": 1.0}


def test_get_has_validators_and_revalidates_with_304(server: TestClient) -> None:
    response = server.get("/graphql", params={"query": QUERY})
    assert response.status_code == 200
    etag = response.headers["etag"]
    assert etag == '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    assert response.headers["cache-control"] == "public, max-age=0, must-revalidate"
    assert response.headers["vary"] == "Accept, Accept-Language, Accept-Datetime"
    revalidated = server.get("/graphql", params={"query": QUERY}, headers={"if-none-match": etag})
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert revalidated.headers["etag"] == etag
    other = server.get("/graphql", params={"query": QUERY}, headers={"if-none-match": '"nope"'})
    assert other.status_code == 200
    assert "etag" not in server.post("/graphql", json={"query": QUERY}).headers  # POST: no


def test_languages_are_cached_apart(server: TestClient) -> None:
    def names(language: str) -> dict[str, object]:
        response = server.post(
            "/graphql", json={"query": QUERY}, headers={"accept-language": language}
        )
        return response.json()["data"]  # type: ignore[no-any-return]

    for _ in range(2):  # the second round comes from the cache
        assert names("fr") == {
            "institution": {"name": "Commission économique et sociale pour l’Asie occidentale"},
            "regionalOffice": {"name": "Bureau régional du Caire"},
        }
        assert names("en") == {
            "institution": {
                "name": "United Nations Economic and Social Commission for Western Asia"
            },
            "regionalOffice": {"name": "IOM Regional Office for the Middle East and North Africa"},
        }
    assert outcomes(server) == {"ok": 2.0, "cached": 2.0}


def test_a_data_reload_invalidates_the_cache_at_once(
    server: TestClient, database_url: str, tmp_path: Path
) -> None:
    before = server.get("/graphql", params={"query": QUERY})
    assert before.json()["data"]["institution"] == {
        "name": "United Nations Economic and Social Commission for Western Asia"
    }

    def rename(data: Dataset) -> None:
        entry(data["institutions"], "escwa")["names"]["en"]["text"] = "ESCWA, renamed"

    loaded = subprocess.run(
        [
            sys.executable,
            "-m",
            "db",
            "--database-url",
            database_url,
            "load",
            str(write_variant(tmp_path, rename)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    after = server.get(
        "/graphql", params={"query": QUERY}, headers={"if-none-match": before.headers["etag"]}
    )
    assert after.status_code == 200  # not 304: the old representation is stale
    assert after.json()["data"]["institution"] == {"name": "ESCWA, renamed"}
    assert after.headers["etag"] != before.headers["etag"]
    # Each names the version it was read from.
    assert before.headers["x-dataset-version"] == read_dataset(DEFAULT_DATASET_PATH).content_hash
    assert after.headers["x-dataset-version"] == read_dataset(tmp_path / "iom.yaml").content_hash
    assert outcomes(server) == {"ok": 2.0}  # nothing served from the old version's entry


def test_a_response_that_reads_no_row_is_cached_under_the_current_version(
    server: TestClient,
) -> None:
    first = server.post("/graphql", json={"query": "{ __typename }"})
    second = server.post("/graphql", json={"query": "{ __typename }"})
    assert first.json()["data"] == {"__typename": "Query"}
    assert first.content == second.content
    version = read_dataset(DEFAULT_DATASET_PATH).content_hash
    assert first.headers["x-dataset-version"] == second.headers["x-dataset-version"] == version
    assert outcomes(server) == {"ok": 1.0, "cached": 1.0}


def test_automatic_persisted_queries(server: TestClient) -> None:
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}
    unknown = server.post("/graphql", json={"extensions": persisted})
    assert unknown.status_code == 200
    assert unknown.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    registered = server.post("/graphql", json={"query": QUERY, "extensions": persisted})
    assert registered.status_code == 200
    by_hash = server.get("/graphql", params={"extensions": json.dumps(persisted)})
    assert by_hash.status_code == 200
    assert by_hash.json()["data"] == registered.json()["data"]
    assert by_hash.headers["etag"]
    wrong = server.post("/graphql", json={"query": "{ __typename }", "extensions": persisted})
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["message"] == "provided sha does not match query"


def test_replicas_share_persisted_queries_and_responses_through_redis(
    database_url: str, tmp_path: Path
) -> None:
    shared = "redis://127.0.0.1:6379/0"
    query = QUERY.replace("cairo", "dakar") + f" # {tmp_path.name}"  # unique to this run
    persisted = {
        "persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}
    }
    with (
        serve_in_process(database_url, redis_url=shared) as first,
        serve_in_process(database_url, redis_url=shared) as second,
    ):
        registered = first.post("/graphql", json={"query": query, "extensions": persisted})
        assert registered.status_code == 200
        on_second = second.post("/graphql", json={"extensions": persisted})
        assert on_second.status_code == 200
        assert on_second.content == registered.content
        metrics = second.get("/metrics").text
    assert 'iom_graph_requests_total{operation="anonymous",outcome="cached"} 1.0' in metrics


def test_days_are_cached_apart(server: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A response states the day it answered for (extensions.asOf): another day's response is
    never served from the cache, even for a query whose data did not change."""

    class Clock:
        day = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)

        @classmethod
        def now(cls, tz: object = None) -> datetime:
            return cls.day

    monkeypatch.setattr(service.responder, "datetime", Clock)
    first = server.post("/graphql", json={"query": QUERY})
    again = server.post("/graphql", json={"query": QUERY})
    Clock.day = datetime(2026, 12, 2, 0, 1, tzinfo=UTC)
    next_day = server.post("/graphql", json={"query": QUERY})
    assert first.content == again.content
    assert first.json()["extensions"]["asOf"] == "2026-12-01"
    assert next_day.json()["extensions"]["asOf"] == "2026-12-02"
    assert first.json()["data"] == next_day.json()["data"]
    assert outcomes(server) == {"ok": 2.0, "cached": 1.0}


DRY_RUN = {"cost": {"dryRun": True}}
DRY_ANSWER = {"data": None, "extensions": {"cost": {"requested": 2, "maximum": 25000}}}
DATA = {
    "institution": {"name": "United Nations Economic and Social Commission for Western Asia"},
    "regionalOffice": {"name": "IOM Regional Office for the Middle East and North Africa"},
}


def test_a_post_dry_run_is_neither_stored_nor_served_from_the_cache(server: TestClient) -> None:
    """Issue 22.1: a dry run was stored under the real query's key, and every later client
    got `"data": null`; a dry run after the real query was served the real answer."""
    dry = server.post("/graphql", json={"query": QUERY, "extensions": DRY_RUN})
    assert dry.json() == DRY_ANSWER
    assert dry.headers["cache-control"] == "no-store"
    assert "etag" not in dry.headers
    real = server.post("/graphql", json={"query": QUERY})
    assert real.json()["data"] == DATA
    again = server.post("/graphql", json={"query": QUERY, "extensions": DRY_RUN})
    assert again.json() == DRY_ANSWER
    assert outcomes(server) == {"ok": 3.0}  # nothing came from the cache


def test_a_get_dry_run_is_neither_stored_nor_served_from_the_cache(server: TestClient) -> None:
    dry = server.get("/graphql", params={"query": QUERY, "extensions": json.dumps(DRY_RUN)})
    assert dry.json() == DRY_ANSWER
    assert dry.headers["cache-control"] == "no-store"
    assert "etag" not in dry.headers
    real = server.get("/graphql", params={"query": QUERY})
    assert real.json()["data"] == DATA
    assert real.headers["cache-control"] == "public, max-age=0, must-revalidate"
    dry_after = server.get("/graphql", params={"query": QUERY, "extensions": json.dumps(DRY_RUN)})
    assert dry_after.json() == DRY_ANSWER
    assert outcomes(server) == {"ok": 3.0}


def test_a_persisted_query_dry_run_does_not_poison_its_hash(server: TestClient) -> None:
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}
    dry = server.post("/graphql", json={"query": QUERY, "extensions": persisted | DRY_RUN})
    assert dry.json() == DRY_ANSWER  # registered the document, ran nothing
    by_hash = server.get("/graphql", params={"extensions": json.dumps(persisted)})
    assert by_hash.json()["data"] == DATA
    dry_by_hash = server.get("/graphql", params={"extensions": json.dumps(persisted | DRY_RUN)})
    assert dry_by_hash.json() == DRY_ANSWER
    assert dry_by_hash.headers["cache-control"] == "no-store"
    # persistedQuery only names the document: the hash and the document share one entry.
    assert server.post("/graphql", json={"query": QUERY}).content == by_hash.content
    assert outcomes(server) == {"ok": 3.0, "cached": 1.0}


def test_a_dry_run_on_one_replica_does_not_poison_the_shared_redis_cache(
    database_url: str, tmp_path: Path
) -> None:
    query = QUERY + f" # dry run {tmp_path.name}"  # unique to this run: Redis keeps entries
    with (
        serve_in_process(database_url, redis_url="redis://127.0.0.1:6379/0") as first,
        serve_in_process(database_url, redis_url="redis://127.0.0.1:6379/0") as second,
    ):
        dry = first.post("/graphql", json={"query": query, "extensions": DRY_RUN})
        assert dry.json() == DRY_ANSWER
        real = second.post("/graphql", json={"query": query})
        assert real.json()["data"] == DATA
        dry_again = first.post("/graphql", json={"query": query, "extensions": DRY_RUN})
        assert dry_again.json() == DRY_ANSWER
        assert first.post("/graphql", json={"query": query}).content == real.content
        assert outcomes(first) == {"ok": 2.0, "cached": 1.0}


PERU = '{ country(code: "PE") { regionalOffice { slug } } }'
JANUARY_2020 = "Wed, 01 Jan 2020 00:00:00 GMT"


def test_accept_datetime_is_the_default_day_and_is_cached_apart(server: TestClient) -> None:
    """Issue 23.8: one date for the whole request (RFC 7089), stated in the response, with
    its own cache entry and ETag."""
    today = datetime.now(UTC).date().isoformat()
    for _ in range(2):  # the second round comes from the cache
        dated = server.get(
            "/graphql", params={"query": PERU}, headers={"accept-datetime": JANUARY_2020}
        )
        undated = server.get("/graphql", params={"query": PERU})
        assert dated.json()["data"] == {"country": {"regionalOffice": {"slug": "buenos-aires"}}}
        assert dated.json()["extensions"]["asOf"] == "2020-01-01"
        assert undated.json()["data"] == {"country": {"regionalOffice": {"slug": "americas"}}}
        assert undated.json()["extensions"]["asOf"] == today
        assert dated.headers["vary"] == "Accept, Accept-Language, Accept-Datetime"
        assert dated.headers["etag"] != undated.headers["etag"]
    # Another spelling of the same UTC day is the same day.
    same_day = server.get(
        "/graphql",
        params={"query": PERU},
        headers={"accept-datetime": "Tue, 31 Dec 2019 23:00:00 -0500"},
    )
    assert same_day.content == dated.content
    assert outcomes(server) == {"ok": 2.0, "cached": 3.0}


def test_a_field_asof_wins_over_accept_datetime_and_extensions_state_every_day(
    server: TestClient,
) -> None:
    query = (
        '{ pinned: country(code: "PE") { regionalOffice(asOf: "2025-06-01") { slug } } '
        'default: country(code: "PE") { regionalOffice { slug } } }'
    )
    both = server.post("/graphql", json={"query": query}, headers={"accept-datetime": JANUARY_2020})
    assert both.json()["data"] == {
        "pinned": {"regionalOffice": {"slug": "americas"}},
        "default": {"regionalOffice": {"slug": "buenos-aires"}},
    }
    assert both.json()["extensions"]["asOfDays"] == ["2020-01-01", "2025-06-01"]
    assert "asOf" not in both.json()["extensions"]
    pinned = '{ country(code: "PE") { regionalOffice(asOf: "2020-01-01") { slug } } }'
    every_field_pinned = server.post("/graphql", json={"query": pinned})
    assert every_field_pinned.json()["extensions"]["asOf"] == "2020-01-01"  # not today


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "1 January 2020",
            "`Accept-Datetime` must be an HTTP-date (RFC 7089), e.g. "
            "`Wed, 01 Jan 2020 00:00:00 GMT`",
        ),
        (
            "Wed, 01 Jan 2020 00:00:00 GMT" + " " * 40,
            "`Accept-Datetime` is longer than 64 characters",
        ),
        (
            "Mon, 01 Jan 1940 00:00:00 GMT",
            "`Accept-Datetime`: 1940-01-01 is before 1951, when IOM was founded; give a date "
            "from 1951-01-01 on",
        ),
    ],
)
def test_a_bad_accept_datetime_is_a_400(server: TestClient, header: str, message: str) -> None:
    response = server.get("/graphql", params={"query": PERU}, headers={"accept-datetime": header})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]
    }
