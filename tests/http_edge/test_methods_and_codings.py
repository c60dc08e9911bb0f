"""The HTTP edge: operation selection, methods, content codings and validators, languages,
repeated directives, and the local response cache's size."""

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from service.caching import ENTRY_OVERHEAD_BYTES, LocalStore
from tests.app_client import serve_in_process
from tests.http_edge.conftest import TYPENAME, error_of, outcomes

# The nine offices of 2020: 1 465 bytes, gzipped (above the 1 024-byte minimum).
OFFICES = '{ regionalOffices(asOf: "2020-01-01") { nodes { slug name city region } } }'


def test_several_operations_need_an_operation_name(sqlite_client: TestClient) -> None:
    document = "query A { a: __typename } query B { b: __typename }"
    unnamed = sqlite_client.post("/graphql", json={"query": document})
    assert unnamed.status_code == 400
    assert error_of(unnamed) == {
        "message": "the document holds several operations: name the one to run in `operationName`",
        "code": "BAD_REQUEST",
    }
    named = sqlite_client.post("/graphql", json={"query": document, "operationName": "B"})
    assert named.json()["data"] == {"b": "Query"}
    unknown = sqlite_client.post("/graphql", json={"query": document, "operationName": "C"})
    assert unknown.status_code == 400
    assert error_of(unknown) == {
        "message": "`operationName` names no operation of the document",
        "code": "BAD_REQUEST",
    }
    single = sqlite_client.post("/graphql", json={"query": "query A { a: __typename }"})
    assert single.json()["data"] == {"a": "Query"}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_subscription_is_refused_as_one(sqlite_client: TestClient, method: str) -> None:
    query = "subscription S { __typename }"
    if method == "GET":
        response = sqlite_client.get("/graphql", params={"query": query})
    else:
        response = sqlite_client.post("/graphql", json={"query": query})
    assert response.status_code == 400
    assert "allow" not in response.headers
    assert error_of(response) == {
        "message": "subscriptions are served over WebSocket at /graphql",
        "code": "OPERATION_NOT_ALLOWED",
    }


def test_head_answers_as_get_without_a_body(sqlite_client: TestClient) -> None:
    get = sqlite_client.get("/graphql", params={"query": TYPENAME})
    head = sqlite_client.head("/graphql", params={"query": TYPENAME})
    assert (get.status_code, head.status_code) == (200, 200)
    assert head.content == b""
    for header in ("content-type", "content-length", "etag", "cache-control", "vary"):
        assert head.headers[header] == get.headers[header]
    assert int(head.headers["content-length"]) == len(get.content)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"])
def test_other_methods_get_a_coded_405_with_allow(sqlite_url: str, method: str) -> None:
    with serve_in_process(sqlite_url) as client:
        response = client.request(method, "/graphql")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD, POST"
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        assert error_of(response) == {
            "message": "/graphql answers GET and POST (and HEAD, as GET without a body)",
            "code": "METHOD_NOT_ALLOWED",
        }
        assert outcomes(client, "anonymous") == {"refused": 1.0}


def test_a_streamed_body_over_the_limit_is_still_413(sqlite_url: str) -> None:
    """The endpoint turns unexpected failures into 500s, but not the body limit's."""

    def chunks() -> Iterator[bytes]:
        yield b'{"query": "{ __typename }"'
        yield b" " * 3000
        yield b"}"

    with serve_in_process(sqlite_url, max_body_bytes=2000) as client:
        response = client.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert error_of(response)["code"] == "PAYLOAD_TOO_LARGE"
        assert outcomes(client, "invalid") == {"refused": 1.0}


@pytest.mark.parametrize(
    ("accept_encoding", "coding"),
    [
        ("gzip", "gzip"),
        ("gzip;q=0", None),
        ("gzip;q=0.000", None),
        ("gzip;q=0, *", None),
        ("*", "gzip"),
        ("identity, x-gzip;q=0.5", "gzip"),
        ("br", None),
        ("gzip;q=inf", None),
    ],
)
def test_gzip_only_when_its_quality_is_above_zero(
    sqlite_client: TestClient, accept_encoding: str, coding: str | None
) -> None:
    response = sqlite_client.get(
        "/graphql", params={"query": OFFICES}, headers={"accept-encoding": accept_encoding}
    )
    assert response.status_code == 200
    assert response.headers.get("content-encoding") == coding
    assert response.headers["vary"] == "Accept, Accept-Language, Accept-Datetime, Accept-Encoding"
    assert len(response.content) == 1465  # decoded by the client when gzipped


@pytest.mark.parametrize("accept_encoding", ["identity", "gzip"])
def test_a_short_answer_is_sent_as_it_is_whatever_the_coding(
    sqlite_client: TestClient, accept_encoding: str
) -> None:
    """Below 1 024 bytes neither coding touches a response (Starlette's rule, which the
    service layer applies without a responder for a client that refuses gzip)."""
    response = sqlite_client.get(
        "/graphql", params={"query": TYPENAME}, headers={"accept-encoding": accept_encoding}
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}
    assert int(response.headers["content-length"]) == len(response.content) < 1024
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept, Accept-Language, Accept-Datetime"
    assert response.headers["x-request-id"]


def test_gzip_and_identity_representations_have_their_own_etags(
    sqlite_client: TestClient,
) -> None:
    """RFC 9110 8.8.3.3: a content coding is part of the representation, so a strong ETag
    differs between the gzip and the identity bodies."""

    def get(encoding: str, held: str | None = None) -> Any:
        headers = {"accept-encoding": encoding, **({"if-none-match": held} if held else {})}
        return sqlite_client.get("/graphql", params={"query": OFFICES}, headers=headers)

    identity, gzipped = get("identity"), get("gzip")
    tag = identity.headers["etag"]
    assert len(tag) == 34
    assert gzipped.headers["etag"] == tag[:-1] + '-gzip"'
    assert gzipped.content == identity.content
    # Each client revalidates the representation it holds, and is told its own tag back.
    for encoding, held in [("gzip", tag[:-1] + '-gzip"'), ("identity", tag), ("gzip", tag)]:
        revalidated = get(encoding, held)
        assert revalidated.status_code == 304
        assert revalidated.headers["etag"] == held


@pytest.mark.parametrize(
    ("accept_language", "name"),
    [
        ("fr", "Organisation internationale pour les migrations"),
        ("fr;q=inf", "International Organization for Migration"),
        ("fr;q=nan, es;q=2", "International Organization for Migration"),
        ("fr;q=0.5, en;q=0.9", "International Organization for Migration"),
    ],
)
def test_accept_language_qualities_follow_rfc_9110(
    client: TestClient, accept_language: str, name: str
) -> None:
    response = client.post(
        "/graphql",
        json={"query": "{ organisation { name } }"},
        headers={"accept-language": accept_language},
    )
    assert response.json()["data"] == {"organisation": {"name": name}}


def test_repeated_unknown_directives_are_one_error(sqlite_client: TestClient) -> None:
    """graphql-cop's "Directive Overloading" probe: ten copies were ten errors."""
    query = "query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }"
    response = sqlite_client.post("/graphql", json={"query": query})
    assert response.json() == {
        "errors": [
            {
                "message": "Unknown directive '@aa'.",
                "locations": [{"line": 1, "column": column} for column in range(24, 52, 3)],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }


async def test_the_local_store_counts_keys_values_and_their_overhead() -> None:
    entry = 64 + 100 + ENTRY_OVERHEAD_BYTES
    store = LocalStore(max_bytes=10 * entry)
    keys = [f"{i:064x}" for i in range(11)]
    for key in keys:
        await store.set(key, b"v" * 100)
    assert (len(store.items), store.size) == (10, 10 * entry)
    assert await store.get(keys[0]) is None  # the oldest went first
    await store.set(keys[1], b"v" * 10)  # replacing a value counts the new one only
    assert store.size == 9 * entry + 64 + 10 + ENTRY_OVERHEAD_BYTES
    await store.set("k", b"v" * (10 * entry))  # larger than the whole store: not kept
    assert await store.get("k") is None
