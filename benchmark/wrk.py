"""Driving Debian's ``wrk``: the Lua script of a request, one bounded run, and its output."""

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from benchmark.scenarios import HttpRequest

INSTALL_COMMAND = "apt-get install -y wrk"
REQUEST_TIMEOUT = "10s"  # iom-graph's own request timeout; slower counts as a socket error
_GRACE_SECONDS = 30  # beyond -d, before the run is killed

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_PERCENTILE = r"^\s+{}%\s+([\d.]+)(us|ms|s|m|h)\s*$"
_TOTAL = re.compile(r"^\s+(\d+) requests in ", re.MULTILINE)
_NON_2XX = re.compile(r"^\s+Non-2xx or 3xx responses:\s+(\d+)", re.MULTILINE)
_SOCKET = re.compile(
    r"^\s+Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", re.MULTILINE
)


class WrkOutputError(RuntimeError):
    """wrk's output lacks a figure the benchmark needs."""


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int  # wrk's "Non-2xx or 3xx responses"
    socket_errors: int  # connect + read + write + timeout


def find_wrk() -> str | None:
    return shutil.which("wrk")


def lua_string(value: str) -> str:
    """A double-quoted Lua literal of ``value``'s UTF-8 bytes (all but printable ASCII escaped)."""
    return '"' + "".join(_lua_char(byte) for byte in value.encode("utf-8")) + '"'


def _lua_char(byte: int) -> str:
    return chr(byte) if 32 <= byte < 127 and chr(byte) not in '"\\' else f"\\{byte:03d}"


def lua_script(request: HttpRequest) -> str:
    """A wrk script sending ``request`` on every call."""
    lines = [
        f"wrk.method = {lua_string(request.method)}",
        f"wrk.path = {lua_string(request.target)}",
    ]
    if request.body:
        lines.append(f"wrk.body = {lua_string(request.body.decode('utf-8'))}")
    lines += [
        f"wrk.headers[{lua_string(name)}] = {lua_string(value)}" for name, value in request.headers
    ]
    return "\n".join(lines) + "\n"


def write_script(request: HttpRequest, path: Path) -> Path:
    path.write_text(lua_script(request), encoding="utf-8")
    return path


def run(
    base_url: str, script: Path, *, connections: int, threads: int, duration: float
) -> WrkResult:
    """One wrk run of ``duration`` seconds; killed if it overruns by more than a grace period."""
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={duration:g}s",
        f"--timeout={REQUEST_TIMEOUT}",
        "--latency",
        f"--script={script}",
        base_url,
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + _GRACE_SECONDS, check=True
    )
    if completed.stderr.strip():  # e.g. a Lua error: wrk then sends its default GET
        raise WrkOutputError(f"wrk reported: {completed.stderr.strip()}")
    return parse(completed.stdout)


def _milliseconds(output: str, percentile: int) -> float:
    match = re.search(_PERCENTILE.format(percentile), output, re.MULTILINE)
    if match is None:
        raise WrkOutputError(f"no {percentile}% latency line in wrk's output:\n{output}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def _count(pattern: re.Pattern[str], output: str) -> int:
    match = pattern.search(output)
    return sum(int(group) for group in match.groups()) if match else 0


def parse(output: str) -> WrkResult:
    """The figures of ``wrk --latency`` output; missing error lines mean no errors."""
    rate, total = _RATE.search(output), _TOTAL.search(output)
    if rate is None or total is None:
        raise WrkOutputError(f"no Requests/sec or request total in wrk's output:\n{output}")
    return WrkResult(
        requests_per_second=float(rate.group(1)),
        p50_ms=_milliseconds(output, 50),
        p99_ms=_milliseconds(output, 99),
        requests=int(total.group(1)),
        non_2xx=_count(_NON_2XX, output),
        socket_errors=_count(_SOCKET, output),
    )
