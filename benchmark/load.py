"""The protection load run: ``python -m benchmark.load`` (loopback only, bounded in time).

One iom-graph server with its production defaults (rate limits and response cache on) takes,
for ``--duration`` seconds at ``--connections`` connections, a mix from three clients told
apart by API key (issued for the run, as ``python -m db keys create`` issues them): cheap
queries, expensive ones (the full traversal, varied so the cache cannot answer), and abusive
ones (over the cost budget, too deep, an alias bomb, a body over the size limit, a batch,
broken JSON). It reports the status codes of each client, the
latency of refusals measured alone, and the server's memory over the run.

``--hung-redis``: the server shares its state through a redis-server of this run alone, which
is stopped (SIGSTOP: connections accepted, nothing answered) once the server answers, for the
whole run; the report adds the Redis warnings the server logged (one is expected).
"""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmark.scenarios import (
    FULL_TRAVERSAL_QUERY,
    POINT_LOOKUP_QUERY,
    HttpRequest,
    Server,
    graphql_post,
)
from benchmark.servers import HOST, ServerSpec, free_port, running
from benchmark.wrk import find_wrk, lua_string
from db.api_keys import create_key
from db.engine import build_engine
from db.migrate import upgrade

CHEAP, EXPENSIVE, ABUSIVE = "cheap", "expensive", "abusive"


@dataclass(frozen=True)
class Mixed:
    client: str
    kind: str
    request: HttpRequest


def _abusive() -> list[tuple[str, HttpRequest]]:
    cycle = "slug"
    for _ in range(3):
        cycle = f"countries(first: 100) {{ nodes {{ regionalOffice {{ {cycle} }} }} }}"
    deep = "slug"
    for i in range(20):
        deep = f"{'hostCountry' if i % 2 else 'hostedOffices'} {{ {deep} }}"
    aliases = " ".join(f"a{i}: organisation {{ slug }}" for i in range(200))
    huge = HttpRequest(
        "POST",
        "/graphql",
        (("Content-Type", "application/json"),),
        json.dumps({"query": "{ __typename }", "pad": "x" * 200_000}).encode(),
    )
    batch = HttpRequest(
        "POST",
        "/graphql",
        (("Content-Type", "application/json"),),
        json.dumps([{"query": "{ __typename }"}] * 50).encode(),
    )
    broken = HttpRequest("POST", "/graphql", (("Content-Type", "application/json"),), b'{"query')
    return [
        ("over budget", strict(f"{{ regionalOffices(first: 100) {{ nodes {{ {cycle} }} }} }}")),
        ("too deep", strict(f'{{ regionalOffice(slug: "nairobi") {{ {deep} }} }}')),
        ("alias bomb", strict(f"{{ {aliases} }}")),
        ("body over limit", huge),
        ("batch", batch),
        ("broken JSON", broken),
    ]


def strict(query: str) -> HttpRequest:
    """A POST asking for graphql-response+json, where refusals before execution answer 400."""
    request = graphql_post(query)
    headers = tuple(h for h in request.headers if h[0].lower() != "accept")
    accept = ("Accept", "application/graphql-response+json")
    return HttpRequest(request.method, request.target, (*headers, accept), request.body)


def mix() -> list[Mixed]:
    """Six cheap requests, one expensive and six abusive ones, in turn."""
    cheap = [Mixed(CHEAP, "point lookup", graphql_post(POINT_LOOKUP_QUERY))] * 6
    # A comment varies the document so the response cache cannot answer it.
    expensive = [Mixed(EXPENSIVE, "full traversal", graphql_post(FULL_TRAVERSAL_QUERY + "\n#@"))]
    abusive = [Mixed(ABUSIVE, kind, request) for kind, request in _abusive()]
    return cheap + expensive + abusive


def issue_keys(database_url: str) -> dict[str, str]:
    """Migrate the run's database and issue one API key per client (unknown keys are 401)."""
    engine = build_engine(database_url)
    try:
        upgrade(engine)
        return {client: create_key(engine, client)[1] for client in (CHEAP, EXPENSIVE, ABUSIVE)}
    finally:
        engine.dispose()


def lua_mix(requests: list[Mixed], keys: dict[str, str]) -> str:
    """A wrk script cycling through ``requests``; each response is counted by the client and
    kind carried in its echoed X-Request-ID, each request sent with its client's key."""
    entries = []
    for item in requests:
        headers = ", ".join(
            f"[{lua_string(name)}] = {lua_string(value)}" for name, value in item.request.headers
        )
        text = item.request.body.decode()
        prefix, marker, suffix = text.partition("#@")  # "#@": a per-request number goes here
        body = lua_string(prefix + marker) if text else "nil"
        rest = lua_string(suffix) if marker else "nil"
        request_id = lua_string(f"{item.client}|{item.kind}|")
        method, path = lua_string(item.request.method), lua_string(item.request.target)
        entries.append(
            f"{{method = {method}, path = {path},"
            f" headers = {{{headers}}}, body = {body}, rest = {rest}, id = {request_id},"
            f" key = {lua_string(keys[item.client])}}}"
        )
    return "\n".join(
        [
            "local mix = {",
            ",\n".join(entries),
            "}",
            "local threads = {}",
            "function setup(thread) table.insert(threads, thread) end",
            "function init(args) counts = {}; sent = 0 end",
            "function request()",
            "  sent = sent + 1",
            "  local r = mix[(sent % #mix) + 1]",
            "  r.headers['X-Request-ID'] = r.id .. sent",
            "  r.headers['X-API-Key'] = r.key",
            "  local body = r.body",
            "  if r.rest then body = r.body .. sent .. r.rest end",
            "  return wrk.format(r.method, r.path, r.headers, body)",
            "end",
            "function response(status, headers, body)",
            "  local id = headers['x-request-id'] or 'unknown|unknown|'",
            "  local key = string.match(id, '^(.-|.-|)') .. status",
            "  counts[key] = (counts[key] or 0) + 1",
            "end",
            "function done(summary, latency, requests)",
            "  local total = {}",
            "  for _, thread in ipairs(threads) do",
            "    for key, n in pairs(thread:get('counts')) do",
            "      total[key] = (total[key] or 0) + n",
            "    end",
            "  end",
            "  for key, n in pairs(total) do io.write('COUNT ' .. key .. ' ' .. n .. '\\n') end",
            "end",
        ]
    )


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


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmark.load", description=__doc__)
    parser.add_argument("--duration", type=int, default=60, help="seconds (default 60)")
    parser.add_argument("--connections", type=int, default=64, help="default 64")
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an IOM_GRAPH_* setting for the server, e.g. IOM_GRAPH_RESPONSE_CACHE_BYTES=0",
    )
    parser.add_argument(
        "--hung-redis",
        action="store_true",
        help="share state through a throwaway redis-server, stopped (SIGSTOP) for the whole run",
    )
    options = parser.parse_args()
    if find_wrk() is None:
        print("wrk is missing: apt-get install -y wrk")
        return 2
    with tempfile.TemporaryDirectory(prefix="iom-graph-load-") as work, ExitStack() as stack:
        settings = dict(setting.split("=", 1) for setting in options.setting)
        redis = None
        if options.hung_redis:
            settings["IOM_GRAPH_REDIS_URL"], redis = stack.enter_context(
                throwaway_redis(Path(work))
            )
        database_url = f"sqlite:///{work}/load.sqlite3"
        keys = issue_keys(database_url)
        spec = ServerSpec(
            Server.SQLITE,
            "server:app",
            {
                "IOM_GRAPH_DATABASE_URL": database_url,
                "IOM_GRAPH_LOG_LEVEL": "warning",
                **settings,
            },
        )
        with running(spec, graphql_post(POINT_LOOKUP_QUERY), Path(work)) as server:
            if redis is not None:
                os.kill(redis.pid, signal.SIGSTOP)
            samples: list[tuple[float, float]] = []
            stop = threading.Event()
            sampler = threading.Thread(
                target=sample_memory, args=(server.process.pid, stop, samples)
            )
            sampler.start()
            try:
                output = run_wrk(
                    lua_mix(mix(), keys), server.base_url, options.duration, options.connections
                )
            finally:
                stop.set()
                sampler.join()
            refusals = {
                kind: refusal_latency(server.base_url, request) for kind, request in _abusive()
            }
            warnings = redis_warnings(server.log) if redis is not None else None
    counts: Counter[tuple[str, str, str]] = Counter()
    for line in output.splitlines():
        if line.startswith("COUNT "):
            key, n = line.removeprefix("COUNT ").rsplit(" ", 1)
            client, kind, status = key.split("|")
            counts[(client, kind, status)] += int(n)
    print(report(options, output, counts, refusals, samples, warnings))
    return 0 if not any(status.startswith("5") for _, _, status in counts) else 1


def report(
    options: argparse.Namespace,
    output: str,
    counts: Counter[tuple[str, str, str]],
    refusals: dict[str, str],
    samples: list[tuple[float, float]],
    redis_warning_count: int | None = None,
) -> str:
    hung = ", Redis stopped (SIGSTOP)" if redis_warning_count is not None else ""
    lines = [
        f"### Load run: {options.duration} s at {options.connections} connections (loopback{hung})",
        "",
        "| client | request | status | responses |",
        "|---|---|---|---|",
    ]
    for (client, kind, status), n in sorted(counts.items()):
        lines.append(f"| {client} | {kind} | {status} | {n} |")
    total = re.search(r"(\d+) requests in", output)
    errors = re.search(r"Socket errors:.*", output)
    server_errors = sum(n for (_, _, status), n in counts.items() if status.startswith("5"))
    lines += [
        "",
        f"Total {total.group(1) if total else '?'} responses; 5xx: {server_errors}; "
        f"{errors.group(0) if errors else 'no socket errors'}.",
        "",
        "Abusive requests sent alone (8 connections, 3 s): refused at",
        "",
        "| request | rate and latency |",
        "|---|---|",
    ]
    lines += [f"| {kind} | {figures} |" for kind, figures in refusals.items()]
    if samples:
        every_10s = [f"{t:.0f} s: {mb:.0f} MB" for t, mb in samples if round(t) % 10 == 0]
        lines += [
            "",
            "Server RSS every 10 s: " + ", ".join(every_10s) + ".",
        ]
    if redis_warning_count is not None:
        lines += ["", f"Redis warnings in the server log: {redis_warning_count}."]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
