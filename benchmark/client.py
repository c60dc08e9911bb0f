"""The benchmark's own HTTP requests (not the load): probes, checks and ``/metrics``."""

import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any

import orjson

from benchmark.scenarios import HttpRequest, graphql_post

POLL_SECONDS = 0.02


class ServerExitedError(RuntimeError):
    """The server process ended before answering."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    body: bytes

    def graphql_errors(self) -> list[str]:
        """The ``errors[].message`` of a GraphQL JSON body (empty when there are none)."""
        try:
            payload = orjson.loads(self.body)
        except orjson.JSONDecodeError:
            return ["the body is not JSON"]
        errors = payload.get("errors") if isinstance(payload, dict) else None
        return [str(error.get("message")) for error in errors or []]


def send(base_url: str, request: HttpRequest, timeout: float = 30) -> Answer:
    """One request; an HTTP error status is an answer, not an exception."""
    prepared = urllib.request.Request(
        base_url + request.target,
        data=request.body or None,
        headers=dict(request.headers),
        method=request.method,
    )
    try:
        with urllib.request.urlopen(prepared, timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def wait_until_answered(
    base_url: str, request: HttpRequest, process: subprocess.Popen[bytes], timeout: float
) -> Answer:
    """Retry ``request`` until the server answers it with 200; bounded by ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise ServerExitedError(f"the server exited with status {process.returncode}")
        try:
            answer = send(base_url, request, timeout=max(deadline - time.monotonic(), 0.1))
        except (urllib.error.URLError, ConnectionError):
            answer = None
        if answer is not None and answer.status == 200:
            return answer
        if time.monotonic() > deadline:
            raise TimeoutError(f"{base_url} did not answer within {timeout:g} s")
        time.sleep(POLL_SECONDS)


def metric(base_url: str, name: str) -> float:
    """A sample of the Prometheus text at ``/metrics`` (the line ``<name> <value>``)."""
    with urllib.request.urlopen(base_url + "/metrics", timeout=30) as response:
        text = response.read().decode("utf-8")
    for line in text.splitlines():
        sample, _, value = line.partition(" ")
        if sample == name:
            return float(value)
    raise LookupError(f"no sample {name!r} in {base_url}/metrics")


def ask(base_url: str, query: str) -> Any:
    """The running server's ``data`` for ``query`` (a value a benchmark query is built on)."""
    return orjson.loads(send(base_url, graphql_post(query)).body)["data"]
