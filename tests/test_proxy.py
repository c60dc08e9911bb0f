"""deploy/nginx.conf in front of the real server (real processes: nginx and uvicorn): it passes
requests and the service's own errors, refuses an oversized header, and closes silent, slow
and stalled connections after its timeouts (shortened to 2 s here), which uvicorn alone does
not do."""

import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.live_server import start_server
from tests.nginx_proxy import NGINX_CONF, start_nginx

TIMEOUT_SECONDS = 2
TIMEOUTS = {
    "client_header_timeout": f"{TIMEOUT_SECONDS}s",
    "client_body_timeout": f"{TIMEOUT_SECONDS}s",
    "keepalive_timeout": f"{TIMEOUT_SECONDS}s",
}
# The close must come after the timeout, and not much later (a busy machine is slow).
LATEST_CLOSE = TIMEOUT_SECONDS + 3.0
SLOW_HEADER = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
TOO_LARGE = b"<html>\r\n<head><title>400 Request Header Or Cookie Too Large</title></head>"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(nginx's base URL, the server's own base URL)."""
    database = tmp_path_factory.mktemp("proxy") / "proxy.sqlite3"
    with start_server(f"sqlite:///{database}") as upstream, start_nginx(upstream, TIMEOUTS) as url:
        yield url, upstream


def connect(base_url: str) -> socket.socket:
    parts = urlsplit(base_url)
    return socket.create_connection((parts.hostname, parts.port), timeout=LATEST_CLOSE + 1)


def raw_answer(base_url: str, request: bytes) -> bytes:
    with connect(base_url) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def seconds_until_closed(sock: socket.socket, drip: bool) -> tuple[float, str]:
    """How long until the peer closes ``sock`` (sending one byte every 0.5 s if ``drip``),
    and how: "closed" (FIN, nothing received), "reset", or what it sent."""
    started = time.monotonic()
    sock.settimeout(0.5)
    while time.monotonic() - started < LATEST_CLOSE:
        try:
            data = sock.recv(65536)
        except TimeoutError:
            if drip:
                sock.send(b"a")
            continue
        except ConnectionResetError:
            return time.monotonic() - started, "reset"
        return time.monotonic() - started, "closed" if data == b"" else data.decode("latin-1")
    return time.monotonic() - started, "still open"


def test_requests_and_the_services_own_errors_pass_through(servers: tuple[str, str]) -> None:
    url, _ = servers
    response = httpx.post(f"{url}/graphql", json={"query": "{ organisation { slug } }"})
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"organisation": {"slug": "iom"}}
    assert response.headers["server"].startswith("nginx/")
    # Above the service's limit (100 000 bytes) and under nginx's (128 kB): the service's 413.
    too_big = httpx.post(
        f"{url}/graphql", content=b" " * 110_000, headers={"content-type": "application/json"}
    )
    assert too_big.status_code == 413
    assert too_big.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_an_oversized_header_is_refused_by_nginx(servers: tuple[str, str]) -> None:
    url, upstream = servers
    one_long_line = SLOW_HEADER + b"a" * 9_000 + b"\r\n\r\n"
    answer = raw_answer(url, one_long_line)
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n"), answer[:200]
    assert TOO_LARGE in answer
    many_lines = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(
        b"X-%d: " % i + b"a" * 7_000 + b"\r\n" for i in range(5)
    )
    answer = raw_answer(url, many_lines + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n"), answer[:200]
    assert TOO_LARGE in answer
    # uvicorn alone (httptools) takes the long line and answers it.
    assert raw_answer(upstream, one_long_line).startswith(b"HTTP/1.1 200 OK\r\n")


def test_a_slow_header_is_cut_by_nginx_and_not_by_uvicorn(servers: tuple[str, str]) -> None:
    url, upstream = servers
    with connect(url) as proxied, connect(upstream) as direct:
        proxied.sendall(SLOW_HEADER)
        direct.sendall(SLOW_HEADER)
        elapsed, how = seconds_until_closed(proxied, drip=True)
        assert how == "reset"
        assert TIMEOUT_SECONDS - 0.1 <= elapsed < LATEST_CLOSE
        # the same bytes sent straight to uvicorn: still open, and it still accepts more
        direct.settimeout(0.2)
        with pytest.raises(TimeoutError):
            direct.recv(1)
        direct.sendall(b"a")


def test_a_silent_connection_is_closed_by_nginx(servers: tuple[str, str]) -> None:
    url, _ = servers
    with connect(url) as sock:
        elapsed, how = seconds_until_closed(sock, drip=False)
    assert how == "closed"
    assert TIMEOUT_SECONDS - 0.1 <= elapsed < LATEST_CLOSE


def test_a_stalled_body_is_cut_by_nginx(servers: tuple[str, str]) -> None:
    url, _ = servers
    with connect(url) as sock:
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        elapsed, how = seconds_until_closed(sock, drip=False)
    assert how == "reset"
    assert TIMEOUT_SECONDS - 0.1 <= elapsed < LATEST_CLOSE


def test_an_idle_keep_alive_connection_is_closed_by_nginx(servers: tuple[str, str]) -> None:
    url, _ = servers
    with connect(url) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = b""
        while not answer.endswith(b"\r\n\r\nok"):
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        elapsed, how = seconds_until_closed(sock, drip=False)
    assert how == "closed"
    assert TIMEOUT_SECONDS - 0.1 <= elapsed < LATEST_CLOSE


def test_the_deployed_values_are_those_the_readme_states() -> None:
    lines = {line.strip() for line in NGINX_CONF.read_text().splitlines()}
    assert {
        "client_header_buffer_size 1k;",
        "large_client_header_buffers 4 8k;",
        "client_header_timeout 10s;",
        "client_body_timeout 10s;",
        "client_max_body_size 128k;",
        "keepalive_timeout 15s;",
        "send_timeout 10s;",
        "limit_conn iom_graph_per_client 64;",
        "proxy_request_buffering on;",
    } <= lines
