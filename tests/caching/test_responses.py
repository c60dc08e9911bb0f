"""Exact caching: repeated queries come from the cache, validators give 304, languages never
mix, a data reload (by the real `python -m db load`, a process of its own) invalidates at once,
and automatic persisted queries work (shared by replicas through Redis)."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from starlette.testclient import TestClient

from db.dataset import DEFAULT_DATASET_PATH, read_dataset
from tests.app_client import serve_in_process
from tests.caching.conftest import HASH, QUERY, ROOT, outcomes
from tests.dataset_facts import Dataset, entry, write_variant
from tests.shared_redis import shared_redis_url


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
    shared = shared_redis_url()
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
