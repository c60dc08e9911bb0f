"""Issued API keys: the registry and its command line (on SQLite and PostgreSQL), unknown and
revoked keys refused with a coded 401, each issued key its own budget, anonymous clients limited
by address, and the address taken from X-Forwarded-For only when a trusted proxy sent it.

Issue 22, item 3: on the old code any string was a key with a full bucket of its own, so a
fresh key per request was never limited."""

import hashlib
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from db.__main__ import main as db_main
from db.api_keys import ActiveKey, active_keys, list_keys, revoke_key
from db.migrate import downgrade
from service import api_keys as service_keys
from service.api_keys import IssuedKeys
from service.request import HTTPError
from service.settings import Settings
from tests.app_client import another_peer, issue_key, serve_in_process
from tests.live_server import start_server
from tests.rate_clock import Clock

QUERY = '{ country(code: "KE") { name regionalOffice { slug } } }'  # costs 2
# A bucket of 16 units that hardly refills: 8 queries of 2 units, then refusals.
SMALL = {"max_cost": 16, "rate_limit_burst": 16, "rate_limit_per_second": 0.001}
EIGHT_THEN_REFUSED = [200] * 8 + [429] * 8
KEY_FORMAT = re.compile(r"^iomg_[A-Za-z0-9_-]{43}$")  # 32 random bytes, URL-safe base64
CHALLENGE = 'ApiKey realm="iom-graph", header="X-API-Key"'


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database the app migrated and seeded once; each test serves a copy."""
    path = tmp_path_factory.mktemp("api-keys") / "seeded.sqlite3"
    with serve_in_process(f"sqlite:///{path}"):
        pass
    return path


@pytest.fixture
def database_url(seeded_file: Path, tmp_path: Path) -> str:
    copy = tmp_path / "iom.sqlite3"
    shutil.copyfile(seeded_file, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def server(database_url: str) -> Iterator[TestClient]:
    with serve_in_process(database_url, **SMALL) as client:
        yield client


def post(client: TestClient, headers: dict[str, str] | None = None) -> httpx.Response:
    return client.post("/graphql", json={"query": QUERY}, headers=headers)


def statuses(client: TestClient, headers: list[dict[str, str]]) -> list[int]:
    return [post(client, each).status_code for each in headers]


def code_of(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


def test_an_unknown_key_is_refused_with_a_coded_401(server: TestClient) -> None:
    for response in (
        post(server, {"x-api-key": "made-up"}),
        server.get("/graphql", params={"query": QUERY}, headers={"x-api-key": "made-up"}),
    ):
        assert response.status_code == 401
        assert response.json() == {
            "errors": [
                {
                    "message": "this API key is not valid (unknown or revoked): send a key "
                    "issued by the operator in X-API-Key, or none to be limited by address",
                    "extensions": {"code": "INVALID_API_KEY"},
                }
            ]
        }
        assert response.headers["www-authenticate"] == CHALLENGE
        assert "x-ratelimit-remaining" not in response.headers
    assert post(server, {"x-api-key": ""}).status_code == 200  # an empty header is no key


def test_rotating_keys_no_longer_evades_the_limit(server: TestClient) -> None:
    """The attack of issue 22: a fresh key per request got 16 x 200 on the old code."""
    one_key = issue_key(server, "one")
    fresh_keys = [{"x-api-key": f"iomg_{uuid.uuid4().hex}"} for _ in range(16)]
    assert statuses(server, fresh_keys) == [401] * 16
    # Without a key, the address is the client: the anonymous budget, then refusals.
    assert statuses(server, [{}] * 16) == EIGHT_THEN_REFUSED
    # Exactly what one issued key with the default budget gets.
    assert statuses(server, [one_key] * 16) == EIGHT_THEN_REFUSED


def test_an_issued_key_has_a_budget_of_its_own(server: TestClient) -> None:
    own = issue_key(server, "partner", rate=0.001, burst=6)
    default = issue_key(server, "default")
    first = post(server, own)
    assert first.status_code == 200
    assert first.json()["data"]["country"]["name"] == "Kenya"
    assert (first.headers["x-ratelimit-limit"], first.headers["x-ratelimit-remaining"]) == (
        "6",
        "4",
    )
    assert statuses(server, [own] * 3) == [200, 200, 429]
    refused_again = post(server, own)  # turned away unread, stated with its own burst
    assert (refused_again.status_code, refused_again.headers["x-ratelimit-limit"]) == (429, "6")
    # Neither the default-budget key nor the anonymous client paid for it.
    for headers in (default, {}):
        response = post(server, headers)
        assert (
            response.headers["x-ratelimit-limit"],
            response.headers["x-ratelimit-remaining"],
        ) == (
            "16",
            "14",
        )


def test_a_revoked_key_is_refused_on_every_replica_within_the_refresh(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    monkeypatch.setattr(service_keys, "monotonic", clock.monotonic)
    with (
        serve_in_process(database_url, api_key_refresh_seconds=10) as first,
        serve_in_process(database_url, api_key_refresh_seconds=10) as second,
    ):
        leaving = issue_key(first, "leaving")
        assert statuses(first, [leaving]) == statuses(second, [leaving]) == [200]  # read at 0
        revoke_key(first.app.state.engine, "leaving")  # type: ignore[attr-defined]
        clock.now = 9.9  # the keys read at 0 are still in force
        assert statuses(first, [leaving]) == statuses(second, [leaving]) == [200]
        clock.now = 10.0  # read again: refused everywhere
        assert statuses(first, [leaving]) == statuses(second, [leaving]) == [401]
        late = issue_key(first, "late")  # created after that read: known at the next one
        clock.now = 19.9
        assert statuses(first, [late]) == [401]
        clock.now = 20.0
        assert statuses(first, [late]) == statuses(second, [late]) == [200]


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing(
    database_url: str,
) -> None:
    peer = ("192.0.2.10", 40000)
    with serve_in_process(database_url, peer=peer, **SMALL) as client:  # trusts no proxy
        spoofed = [{"x-forwarded-for": f"198.51.100.{i}"} for i in range(16)]
        assert statuses(client, spoofed) == EIGHT_THEN_REFUSED


def test_python_server_py_ignores_a_local_peers_forwarded_for(database_url: str) -> None:
    """uvicorn alone trusts X-Forwarded-For from 127.0.0.1: before server.py turned that off,
    a local client rotating the header was a new client each time (16 x 200)."""
    env = {name.upper(): str(value) for name, value in SMALL.items()}
    env = {f"IOM_GRAPH_{name}": value for name, value in env.items()}
    with start_server(database_url, env, entry_point=True) as base_url:
        spoofed = [
            httpx.post(
                f"{base_url}/graphql",
                json={"query": QUERY},
                headers={"x-forwarded-for": f"198.51.100.{i}"},
            ).status_code
            for i in range(16)
        ]
    assert spoofed == EIGHT_THEN_REFUSED


def test_a_trusted_proxy_names_the_client(database_url: str) -> None:
    proxy, stranger = ("192.0.2.10", 40000), ("192.0.2.99", 40001)
    trusting = {**SMALL, "forwarded_allow_ips": "192.0.2.10"}
    with serve_in_process(database_url, peer=proxy, **trusting) as via_proxy:
        alice = {"x-forwarded-for": "198.51.100.1"}
        assert statuses(via_proxy, [alice] * 9) == [200] * 8 + [429]
        # Another client behind the proxy has its own budget.
        assert statuses(via_proxy, [{"x-forwarded-for": "198.51.100.2"}]) == [200]
        # What a client wrote before the proxy's entry is ignored: the proxy's entry counts.
        prefixed = {"x-forwarded-for": "203.0.113.5, 198.51.100.1"}
        assert statuses(via_proxy, [prefixed]) == [429]
        # A peer that is not a trusted proxy cannot claim an address, spent or fresh.
        direct = another_peer(via_proxy, stranger)
        assert statuses(direct, [alice]) == [200]
        claims = [{"x-forwarded-for": f"198.51.100.{i}"} for i in range(10, 25)]
        assert statuses(direct, claims) == [200] * 7 + [429] * 8


def test_proxy_addresses_must_be_addresses_or_networks() -> None:
    listed = "127.0.0.1, 10.0.0.0/8,::1"
    assert Settings(forwarded_allow_ips=listed).forwarded_allow_ips == listed
    assert Settings(forwarded_allow_ips="*").forwarded_allow_ips == "*"
    with pytest.raises(ValueError, match=r"'127\.0\.0\.l' is not an IP address or network"):
        Settings(forwarded_allow_ips="127.0.0.1,127.0.0.l")


def test_the_keys_command_issues_revokes_and_lists(
    empty_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = ["--database-url", empty_engine.url.render_as_string(hide_password=False)]
    assert db_main([*url, "keys", "create", "--name", "alpha", "--rate", "5", "--burst", "50"]) == 0
    created = capsys.readouterr()
    key = created.out.strip()
    assert KEY_FORMAT.match(key)
    assert created.err == (
        "created key 1 'alpha' (rate 5/s, burst 50); it is shown only this once:\n"
    )
    assert db_main([*url, "keys", "create", "--name", "beta"]) == 0
    beta = capsys.readouterr().out.strip()
    assert KEY_FORMAT.match(beta)
    assert key != beta

    (alpha_row, beta_row) = list_keys(empty_engine)
    assert alpha_row.digest == hashlib.sha256(key.encode()).hexdigest()  # never the key
    assert (alpha_row.rate, alpha_row.burst, beta_row.rate, beta_row.burst) == (5.0, 50, None, None)
    assert active_keys(empty_engine) == {
        alpha_row.digest: ActiveKey(1, "alpha", alpha_row.digest, 5.0, 50),
        beta_row.digest: ActiveKey(2, "beta", beta_row.digest, None, None),
    }

    assert db_main([*url, "keys", "create", "--name", "alpha"]) == 1
    assert capsys.readouterr().err == (
        "a key named 'alpha' exists already (names are never reused)\n"
    )
    assert db_main([*url, "keys", "create", "--name", "gamma", "--burst", "0"]) == 1
    assert capsys.readouterr().err == "--rate and --burst must be positive\n"
    assert db_main([*url, "keys", "revoke", "1"]) == 0
    assert capsys.readouterr().out.startswith("revoked key 1 'alpha' at ")
    assert db_main([*url, "keys", "revoke", "alpha"]) == 1
    assert capsys.readouterr().err.startswith("key 'alpha' was revoked already at ")
    assert db_main([*url, "keys", "revoke", "nobody"]) == 1
    assert capsys.readouterr().err == "no key named 'nobody' or with that id\n"
    assert list(active_keys(empty_engine)) == [beta_row.digest]

    assert db_main([*url, "keys", "list"]) == 0
    listed = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [(line[0], line[1], line[2], line[4][:7]) for line in listed] == [
        ("1", "alpha", "rate 5/s, burst 50", "revoked"),
        ("2", "beta", "rate default, burst default", "active"),
    ]
    assert key not in str(listed)
    assert alpha_row.digest not in str(listed)

    downgrade(empty_engine, "0006")
    assert db_main([*url, "keys", "list"]) == 1
    assert capsys.readouterr().err == (
        "the database schema is not current: run `python -m db upgrade`\n"
    )


def test_the_keys_command_says_when_the_database_is_unreachable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://postgres@127.0.0.1:1/none"
    assert db_main(["--database-url", url, "keys", "list"]) == 3
    assert capsys.readouterr().err.startswith("the database is unreachable: ")


async def test_the_keys_read_last_stay_in_force_while_the_database_is_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock()
    monkeypatch.setattr(service_keys, "monotonic", clock.monotonic)
    known = ActiveKey(1, "a", hashlib.sha256(b"k").hexdigest(), None, None)
    reads: list[str] = []

    def read() -> dict[str, ActiveKey]:
        reads.append("read")
        if len(reads) > 1:
            raise OperationalError("SELECT", {}, Exception("down"))
        return {known.digest: known}

    keys = IssuedKeys(read, refresh_seconds=10)
    assert await keys.find("k") == known
    clock.now = 10.0
    assert await keys.find("k") == known  # the read failed: the keys read at 0 stay
    assert await keys.find("other") is None
    assert reads == ["read", "read"]  # and it is not retried before another 10 s


async def test_before_any_read_keyed_requests_are_answered_503_not_401() -> None:
    def down() -> dict[str, ActiveKey]:
        raise OperationalError("SELECT", {}, Exception("down"))

    with pytest.raises(HTTPError) as raised:
        await IssuedKeys(down, refresh_seconds=10).find("k")
    assert (raised.value.status, raised.value.code.value) == (503, "SERVICE_UNAVAILABLE")
