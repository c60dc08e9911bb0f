"""``python -m benchmark.load``: the protection run, then the distinct-query soak (see the
package's docstring)."""

import argparse
import os
import signal
import tempfile
import threading
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import benchmark.load
from benchmark.load.mix import ABUSIVE, CHEAP, EXPENSIVE, abusive, lua_mix, mix
from benchmark.load.probes import (
    redis_warnings,
    refusal_latency,
    run_wrk,
    sample_memory,
    throwaway_redis,
)
from benchmark.load.report import report
from benchmark.load.soak import run_soak, soak_report
from benchmark.scenarios import POINT_LOOKUP_QUERY, Server, graphql_post
from benchmark.servers import RunningServer, ServerSpec, running
from benchmark.wrk import find_wrk
from db.api_keys import create_key
from db.engine import build_engine
from db.migrate import upgrade

BOUNDED_PROTOCOL = "service.protocol:BoundedHttpToolsProtocol"


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmark.load", description=benchmark.load.__doc__
    )
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
    parser.add_argument(
        "--soak-seconds",
        type=int,
        default=60,
        help="the distinct-query soak after the mix: seconds (default 60; 0 skips it)",
    )
    parser.add_argument("--soak-connections", type=int, default=16, help="default 16")
    parser.add_argument(
        "--http",
        default=BOUNDED_PROTOCOL,
        help="uvicorn's --http for the server (default: the protocol python server.py uses; "
        "httptools to compare)",
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
            http=options.http,
        )
        with running(spec, graphql_post(POINT_LOOKUP_QUERY), Path(work)) as server:
            if redis is not None:
                os.kill(redis.pid, signal.SIGSTOP)
            output, samples, refusals = "", [], {}
            if options.duration > 0:
                output, samples, refusals = protection_run(server, options, keys)
            soak = None
            if options.soak_seconds > 0:
                soak = run_soak(server, options.soak_seconds, options.soak_connections, keys[SOAK])
            warnings = redis_warnings(server.log) if redis is not None else None
    counts: Counter[tuple[str, str, str]] = Counter()
    for line in output.splitlines():
        if line.startswith("COUNT "):
            key, n = line.removeprefix("COUNT ").rsplit(" ", 1)
            client, kind, status = key.split("|")
            counts[(client, kind, status)] += int(n)
    if options.duration > 0:
        print(report(options, output, counts, refusals, samples, warnings))
    failed = any(status.startswith("5") for _, _, status in counts)
    if soak is not None:
        print(soak_report(options.soak_seconds, options.soak_connections, *soak))
        failed = failed or "STATUS 5" in soak[0]
    return 1 if failed else 0


SOAK = "soak"


def issue_keys(database_url: str) -> dict[str, str]:
    """Migrate the run's database and issue one API key per client (unknown keys are 401)."""
    engine = build_engine(database_url)
    try:
        upgrade(engine)
        keys = {client: create_key(engine, client)[1] for client in (CHEAP, EXPENSIVE, ABUSIVE)}
        keys[SOAK] = create_key(engine, SOAK, rate=1e9, burst=10**15)[1]  # never refused
        return keys
    finally:
        engine.dispose()


def protection_run(
    server: RunningServer, options: argparse.Namespace, keys: dict[str, str]
) -> tuple[str, list[tuple[float, float]], dict[str, str]]:
    """The mix for ``--duration`` s (wrk's output, RSS samples), then each refusal alone."""
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(server.process.pid, stop, samples))
    sampler.start()
    try:
        output = run_wrk(
            lua_mix(mix(), keys), server.base_url, options.duration, options.connections
        )
    finally:
        stop.set()
        sampler.join()
    refusals = {kind: refusal_latency(server.base_url, request) for kind, request in abusive()}
    return output, samples, refusals


if __name__ == "__main__":
    raise SystemExit(main())
