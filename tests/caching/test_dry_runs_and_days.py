"""Exact caching of what is not the answer's text: a dry run is never stored nor served, and
each day (a field's `asOf`, `Accept-Datetime`) is cached apart."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import service.responder
from tests.app_client import serve_in_process
from tests.caching.conftest import HASH, QUERY, outcomes
from tests.shared_redis import shared_redis_url


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
        serve_in_process(database_url, redis_url=shared_redis_url()) as first,
        serve_in_process(database_url, redis_url=shared_redis_url()) as second,
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
