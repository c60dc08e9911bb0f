"""Run the real server (``uvicorn server:app``) as a subprocess, for tests that speak HTTP to it.

``start_server`` picks a free port, starts uvicorn from the repository root with
``IOM_GRAPH_DATABASE_URL`` set (an empty database is migrated and seeded by the server itself),
waits for ``/readyz`` to answer 200 and yields the base URL (``entry_point=True`` runs
``python server.py`` instead, which reads the host and port from the settings and applies
its own uvicorn options, workers included). On leaving, it sends SIGTERM and
checks the process exits with code 0 within ``SHUTDOWN_TIMEOUT`` seconds. The server's output
(stdout and stderr) goes to a temporary file and is quoted in every failure message.

    with start_server(f"sqlite:///{tmp_path / 'db.sqlite3'}") as base_url:
        httpx.get(f"{base_url}/healthz")
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 30.0
SHUTDOWN_TIMEOUT = 10.0
_OUTPUT_TAIL = 8_000


class ServerProcessError(AssertionError):
    """The server did not start, answer or stop as expected (its output is in the message)."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_env(database_url: str, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any ``IOM_GRAPH_*`` setting, plus the given ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOM_GRAPH_")}
    env["IOM_GRAPH_DATABASE_URL"] = database_url
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra_env or {})
    return env


def _read_all(log: IO[bytes]) -> bytes:
    log.flush()
    log.seek(0)
    return log.read()


def _output(log: IO[bytes]) -> str:
    text = _read_all(log).decode("utf-8", errors="replace")
    if len(text) > _OUTPUT_TAIL:
        text = f"[... {len(text) - _OUTPUT_TAIL} characters cut ...]\n{text[-_OUTPUT_TAIL:]}"
    return text or "(no output)"


def _wait_ready(
    process: "subprocess.Popen[bytes]", base_url: str, log: IO[bytes], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    # uvicorn logs this once it holds the port: before it, /readyz could reach another
    # process that took the port between free_port() and the bind.
    bound = f"Uvicorn running on {base_url}".encode()
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            returncode = process.poll()
            if returncode is not None:
                raise ServerProcessError(
                    f"the server exited with code {returncode} before it was ready.\n"
                    f"--- server output ---\n{_output(log)}"
                )
            if bound not in _read_all(log):
                last = "the server has not bound its port yet"
                time.sleep(0.1)
                continue
            try:
                response = client.get(f"{base_url}/readyz")
            except httpx.TransportError as error:
                last = f"{type(error).__name__}: {error}"
            else:
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}: {response.text[:200]}"
            time.sleep(0.1)
    raise ServerProcessError(
        f"{base_url}/readyz did not answer 200 within {timeout:.0f} s (last: {last}).\n"
        f"--- server output ---\n{_output(log)}"
    )


def _stop(process: "subprocess.Popen[bytes]", timeout: float) -> int | None:
    """SIGTERM, then wait; kill after ``timeout`` s. The exit code, or None if it was killed."""
    if process.poll() is not None:
        return process.returncode
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
        return None


@contextmanager
def start_server(
    database_url: str,
    extra_env: dict[str, str] | None = None,
    *,
    startup_timeout: float = STARTUP_TIMEOUT,
    entry_point: bool = False,
) -> Iterator[str]:
    """Run ``uvicorn server:app`` on a free port; yield its base URL once ``/readyz`` is 200.

    On a normal exit of the ``with`` block, fails unless SIGTERM stops the server cleanly
    (shutdown complete; exit by the re-raised signal, or 0) within ``SHUTDOWN_TIMEOUT`` s;
    when the block raised, the server is stopped (killed if need be) and the block's
    exception propagates unchanged.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "server:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        # As server.py runs it: the app applies X-Forwarded-For from forwarded_allow_ips.
        "--no-proxy-headers",
    ]
    env = server_env(database_url, extra_env)
    if entry_point:
        command = [sys.executable, "server.py"]
        env.update(IOM_GRAPH_HOST="127.0.0.1", IOM_GRAPH_PORT=str(port))
    with tempfile.TemporaryFile(prefix="iom-graph-server-") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_ready(process, base_url, log, startup_timeout)
            yield base_url
        finally:
            started = time.monotonic()
            returncode = _stop(process, SHUTDOWN_TIMEOUT)
            elapsed = time.monotonic() - started
        if returncode is None:
            raise ServerProcessError(
                f"the server did not exit within {SHUTDOWN_TIMEOUT:.0f} s of SIGTERM (killed).\n"
                f"--- server output ---\n{_output(log)}"
            )
        # uvicorn (0.29+) re-raises SIGTERM once its graceful shutdown is done, so a clean
        # stop ends with -SIGTERM; what proves it clean is the lifespan's completed shutdown.
        output = _output(log)
        if returncode not in (0, -signal.SIGTERM) or "Application shutdown complete." not in output:
            raise ServerProcessError(
                f"the server did not shut down cleanly after SIGTERM ({elapsed:.1f} s, exit "
                f"code {returncode}).\n--- server output ---\n{output}"
            )
