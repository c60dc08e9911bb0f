"""Protection at the HTTP edge, in-process: body size, batching, CSRF, rate limits (shared by
two replicas through the real Redis) and the request timeout."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from tests.app_client import issue_key, serve_in_process
from tests.rate_clock import EPOCH, Clock, controlled_clock
from tests.shared_redis import shared_redis_url

REDIS_URL = shared_redis_url()
LIMITED = {
    "max_body_bytes": 2000,
    "max_cost": 40,
    "rate_limit_burst": 50,
    "rate_limit_per_second": 0.5,
    # Keys are issued as tests go: each keyed request reads them again.
    "api_key_refresh_seconds": 0.001,
}
CHEAP = '{ country(code: "KE") { name regionalOffice { slug } } }'  # costs 2
JSON_HEADERS = {"content-type": "application/json"}
RATE_HEADERS = ("retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = tmp_path_factory.mktemp("protection") / "iom.sqlite3"
    with serve_in_process(f"sqlite:///{database}", **LIMITED) as client:
        yield client


def code_of(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


def test_body_at_the_limit_and_one_past(server: TestClient) -> None:
    body = b'{"query": "{ __typename }"}'
    exactly = body + b" " * (2000 - len(body))
    assert server.post("/graphql", content=exactly, headers=JSON_HEADERS).status_code == 200
    past = server.post("/graphql", content=exactly + b" ", headers=JSON_HEADERS)
    assert past.status_code == 413
    assert code_of(past) == "PAYLOAD_TOO_LARGE"


def test_a_streamed_body_without_length_is_cut_at_the_limit(server: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"query": "{ __typename }"'
        for _ in range(30):
            yield b" " * 100
        yield b"}"

    response = server.post("/graphql", content=chunks(), headers=JSON_HEADERS)
    assert response.status_code == 413
    assert code_of(response) == "PAYLOAD_TOO_LARGE"


def test_batches_are_refused(server: TestClient) -> None:
    response = server.post("/graphql", json=[{"query": "{ __typename }"}] * 2)
    assert response.status_code == 400
    assert code_of(response) == "BATCH_TOO_LARGE"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"query=%7B__typename%7D"),
        ("text/plain", b'{"query": "{ __typename }"}'),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="query"'
            b"\r\n\r\n{ __typename }\r\n--x--\r\n",
        ),
    ],
)
def test_posts_a_form_could_send_are_refused(
    server: TestClient, content_type: str, body: bytes
) -> None:
    response = server.post("/graphql", content=body, headers={"content-type": content_type})
    assert response.status_code == 415
    assert code_of(response) == "UNSUPPORTED_MEDIA_TYPE"


def test_get_runs_queries_only(server: TestClient) -> None:
    query = server.get("/graphql", params={"query": "{ __typename }"})
    assert query.status_code == 200
    mutation = server.get("/graphql", params={"query": "mutation { __typename }"})
    assert mutation.status_code == 405
    assert mutation.headers["allow"] == "POST"
    assert code_of(mutation) == "OPERATION_NOT_ALLOWED"


def test_rate_limit_answers_429_with_retry_after(server: TestClient) -> None:
    key = issue_key(server, f"alpha-{uuid.uuid4().hex}")
    statuses = [
        server.post("/graphql", json={"query": CHEAP}, headers=key).status_code for _ in range(25)
    ]
    assert statuses == [200] * 25  # 25 x 2 = the 50-unit burst
    refused = server.post("/graphql", json={"query": CHEAP}, headers=key)
    assert refused.status_code == 429
    assert code_of(refused) == "RATE_LIMITED"
    assert int(refused.headers["retry-after"]) >= 1
    # Until then, the client is refused before its request is even read.
    again = server.post("/graphql", content=b"not json", headers={**key, **JSON_HEADERS})
    assert again.status_code == 429
    assert again.json()["errors"][0]["message"].startswith("rate limit: retry in ")
    other_key = issue_key(server, f"beta-{uuid.uuid4().hex}")
    other = server.post("/graphql", json={"query": CHEAP}, headers=other_key)
    assert other.status_code == 200


def rate_headers(response: httpx.Response) -> dict[str, str]:
    return {name: response.headers[name] for name in RATE_HEADERS if name in response.headers}


def test_rate_limit_headers_on_answers_and_refusals(
    server: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Burst 50, 0.5 units a second, 2 units a query; the clock stands still unless moved."""
    clock: Clock = controlled_clock(monkeypatch)
    key = issue_key(server, f"reset-{uuid.uuid4().hex}")
    first = server.post("/graphql", json={"query": CHEAP}, headers=key)
    assert rate_headers(first) == {
        "x-ratelimit-limit": "50",
        "x-ratelimit-remaining": "48",
        "x-ratelimit-reset": str(EPOCH + 4),  # 2 units at 0.5 a second
    }
    for _ in range(24):  # cached answers are charged and state it the same way
        last = server.post("/graphql", json={"query": CHEAP}, headers=key)
    assert rate_headers(last) == {
        "x-ratelimit-limit": "50",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(EPOCH + 100),
    }
    clock.now += 1.0  # half a unit back: the uncached query below still does not fit
    executed = server.post("/graphql", json={"query": CHEAP.replace("KE", "EG")}, headers=key)
    assert executed.status_code == 429
    assert rate_headers(executed) == {
        "retry-after": "3",
        "x-ratelimit-limit": "50",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(EPOCH + 100),
    }
    clock.now += 2.0  # turned away unread, told what it regained since its refusal
    unread = server.post("/graphql", content=b"not json", headers={**key, **JSON_HEADERS})
    assert unread.status_code == 429
    assert rate_headers(unread) == {
        "retry-after": "1",
        "x-ratelimit-limit": "50",
        "x-ratelimit-remaining": "1",
        "x-ratelimit-reset": str(EPOCH + 100),
    }


def test_a_cached_answer_refused_states_the_bucket(
    server: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    controlled_clock(monkeypatch)
    key = issue_key(server, f"cached-{uuid.uuid4().hex}")
    for _ in range(25):
        server.post("/graphql", json={"query": CHEAP}, headers=key)
    refused = server.post("/graphql", json={"query": CHEAP}, headers=key)  # from the cache
    assert refused.status_code == 429
    assert rate_headers(refused) == {
        "retry-after": "4",
        "x-ratelimit-limit": "50",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(EPOCH + 100),
    }


def test_two_replicas_enforce_one_budget_through_redis(tmp_path: Path) -> None:
    shared = {**LIMITED, "redis_url": REDIS_URL}
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"  # one registry of keys, as in production
    with (
        serve_in_process(database, **shared) as a,
        serve_in_process(database, **shared) as b,
    ):
        key = issue_key(a, f"gamma-{uuid.uuid4().hex}")
        statuses = [
            replica.post("/graphql", json={"query": CHEAP}, headers=key).status_code
            for replica in [a, b] * 13
        ]
    assert statuses == [200] * 25 + [429]


def test_a_request_over_the_time_limit_is_stopped(tmp_path: Path) -> None:
    full = Path(__file__).parent.parent / "service/graphiql/examples/01-full-traversal.graphql"
    database = f"sqlite:///{tmp_path / 'slow.sqlite3'}"
    with serve_in_process(database, request_timeout_seconds=0.001) as client:
        response = client.post("/graphql", json={"query": full.read_text()})
        assert response.status_code == 503
        assert code_of(response) == "TIMEOUT"
        assert response.headers["retry-after"] == "5"
        assert client.get("/healthz").status_code == 200  # the worker is free again
