"""What the load run measures beside wrk: the server's memory, refusals sent alone, and a
throwaway Redis."""

import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmark.load.mix import Mixed, lua_mix
from benchmark.scenarios import HttpRequest
from benchmark.servers import HOST, free_port


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sample_memory(pid: int, stop: threading.Event, samples: list[tuple[float, float]]) -> None:
    started = time.monotonic()
    while not stop.wait(1.0):
        samples.append((time.monotonic() - started, rss_mb(pid)))


def run_wrk(script: str, url: str, duration: int, connections: int) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = [
        "wrk",
        f"--threads={min(2, connections)}",
        f"--connections={connections}",
        f"--duration={duration}s",
        "--timeout=15s",
        "--latency",
        f"--script={handle.name}",
        url,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=True
    ).stdout


def refusal_latency(url: str, request: HttpRequest) -> str:
    """p50/p99 of one abusive request sent alone (8 connections, 3 s)."""
    script = lua_mix([Mixed("probe", "probe", request)])
    output = run_wrk(script, url, 3, 8)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"50%\s+(\S+)", output)
    p99 = re.search(r"99%\s+(\S+)", output)
    return (
        f"{rate.group(1) if rate else '?'} req/s, p50 {p50.group(1) if p50 else '?'}, "
        f"p99 {p99.group(1) if p99 else '?'}"
    )


@contextmanager
def throwaway_redis(workdir: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of this run alone on a free loopback port, listening; resumed (were it
    stopped) and killed on exit."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", HOST, "--save", ""]
    process = subprocess.Popen(
        [*command, "--appendonly", "no", "--dir", str(workdir), "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://{HOST}:{port}/0", process
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.kill()
        process.wait(10)


def redis_warnings(log: Path) -> int:
    """Warnings of the server's Redis circuit breaker in its JSON log."""
    count = 0
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("logger") == "iom_graph.redis" and entry.get("level") == "warning":
            count += 1
    return count
