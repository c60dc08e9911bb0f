"""Ratios between servers, from rounds interleaved in one run.

These VMs drift by up to 1.7x within minutes, so a ratio of two servers measured one after the
other measures the drift as much as the servers. Here the servers of a comparison run at once,
and each round loads each in turn (A, B, C, then C, B, A in the next round), so that every ratio
is taken within one round; a ratio is the median of the per-round ratios, with their range,
never a ratio of figures taken minutes apart.

Two comparisons (``python -m benchmark`` runs both; ``--only postgraphile`` only the first, and
``--only probe`` the first on ``benchmark.probe_shapes`` instead):

- iom-graph against PostGraphile on one fresh PostgreSQL database, on every shape of
  ``benchmark.shapes`` (answers checked equal leaf by leaf first): per process (one uvicorn
  worker against PostGraphile's one Node process) and the default deployment (one uvicorn worker
  per core, as ``make run``'s server would be deployed here, against PostGraphile as shipped).
- iom-graph against its bounds on SQLite: the cached repeat and the 304 revalidation against the
  ceiling (precomputed bytes), the uncached full traversal against the in-memory reference.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

import orjson

from benchmark import peer, peer_queries, wrk
from benchmark.ceiling_app import BODY_FILE_ENV
from benchmark.client import send
from benchmark.log import note
from benchmark.measure import with_etag
from benchmark.reference_app import DATABASE_ENV
from benchmark.results import Interleaved, LoadPlan
from benchmark.scenarios import (
    FULL_TRAVERSAL_GET,
    FULL_TRAVERSAL_POST,
    LOOKUP_PEER_POST,
    LOOKUP_POST,
    POINT_LOOKUP_POST,
    THREADS,
    HttpRequest,
    Server,
)
from benchmark.servers import IOM_GRAPH_ENV, RunningServer, ServerSpec, iom_graph, running
from benchmark.shapes import SHAPES, Shape, requests_of

IOM_GRAPH_1 = "iom-graph, 1 worker"
POSTGRAPHILE = "PostGraphile"
CEILING = "ceiling"
REFERENCE = "reference"
CACHED = "iom-graph, response cache on"
UNCACHED = "iom-graph, uncached"
BOUNDED = "iom-graph, bounded protocol (uvicorn server:app)"
PLAIN = "iom-graph, plain httptools (uvicorn server:app)"
PROTOCOL_COST = "point lookup, uncached: the bounded protocol's cost"
# What ``python server.py`` serves with (issue 22.5), as every iom-graph server runs but these
# two: the bounds comparison prices it against plain httptools, both under ``uvicorn
# server:app`` (no acceptor), so that the protocol is all that differs.
BOUNDED_PROTOCOL = "service.protocol:BoundedHttpToolsProtocol"
CACHED_REPEAT = "full traversal, cached repeat"
REVALIDATION = "full traversal, 304 revalidation"
UNCACHED_TRAVERSAL = "full traversal, uncached"


def iom_graph_n(workers: int) -> str:
    return f"iom-graph, {workers} workers (one per core)"


def interleave(
    name: str,
    servers: Mapping[str, RunningServer],
    requests: Mapping[str, HttpRequest],
    plan: LoadPlan,
    workdir: Path,
) -> Interleaved:
    """Each server loaded with its request, in turn, round after round (order reversed every
    other round), after a 1 s warm-up of each."""
    scripts = {
        label: wrk.write_script(request, workdir / f"interleaved-{abs(hash((name, label)))}.lua")
        for label, request in requests.items()
    }
    threads = min(THREADS, plan.connections)
    order = list(requests)
    for label in order:
        wrk.run(servers[label].base_url, scripts[label], connections=plan.connections,
                threads=threads, duration=1.0)  # fmt: skip
    measured = Interleaved(name, {label: [] for label in order})
    for index in range(plan.rounds):
        for label in order if index % 2 == 0 else reversed(order):
            measured.results[label].append(
                wrk.run(
                    servers[label].base_url,
                    scripts[label],
                    connections=plan.connections,
                    threads=threads,
                    duration=plan.duration,
                )
            )
    note(f"{name}: {plan.rounds} interleaved round(s) done")
    return measured


def _data(body: bytes, who: str) -> Mapping[str, object]:
    payload = orjson.loads(body)
    if payload.get("errors") or not payload.get("data"):
        raise peer_queries.AnswersDifferError(f"{who} answered {body[:300]!r}")
    data: Mapping[str, object] = payload["data"]
    return data


def shape_requests(shape: Shape, servers: Mapping[str, RunningServer]) -> dict[str, HttpRequest]:
    """Each server's request for ``shape``, after checking that every iom-graph server's
    answer equals PostGraphile's leaf by leaf (AnswersDifferError otherwise)."""
    peer_url = servers[POSTGRAPHILE].base_url
    requests: dict[str, HttpRequest] = {}
    leaves = 0
    for label, server in servers.items():
        if label != POSTGRAPHILE:
            ours, theirs = requests_of(shape, server.base_url, peer_url)
            requests[label], requests[POSTGRAPHILE] = ours, theirs
            mine = shape.iom_graph_tree(_data(send(server.base_url, ours).body, label))
            other = shape.postgraphile_tree(_data(send(peer_url, theirs).body, POSTGRAPHILE))
            leaves = peer_queries.compare(mine, other)
    note(f"{shape.name}: answers equal leaf by leaf ({leaves} leaves)")
    return requests


def postgraphile_specs(database_url: str, workers: int) -> dict[str, ServerSpec]:
    one = iom_graph(Server.POSTGRES, database_url)
    many = replace(one, server=Server.POSTGRES_2_WORKERS, workers=workers)
    return {
        IOM_GRAPH_1: one,
        iom_graph_n(workers): many,
        POSTGRAPHILE: peer.postgraphile(database_url),
    }


def ceiling_spec(workdir: Path, body: bytes) -> ServerSpec:
    body_file = workdir / "full-traversal.json"
    body_file.write_bytes(body)
    env = {BODY_FILE_ENV: str(body_file)}
    return ServerSpec(Server.CEILING, "benchmark.ceiling_app:create_app", env, factory=True)


def reference_spec(sqlite_url: str) -> ServerSpec:
    env = {**IOM_GRAPH_ENV, DATABASE_ENV: sqlite_url}
    return ServerSpec(Server.REFERENCE, "benchmark.reference_app:create_app", env, factory=True)


def same_answer(expected: bytes, actual: bytes) -> str:
    """How the reference's answer matches iom-graph's; AnswersDifferError if it does not."""
    if actual == expected:
        return f"byte-for-byte identical to iom-graph's ({len(actual)} bytes)"
    if orjson.loads(actual) == orjson.loads(expected):
        return f"JSON-equal to iom-graph's ({len(actual)} vs {len(expected)} bytes)"
    raise peer_queries.AnswersDifferError(f"the reference answered {actual[:300]!r}")


@contextmanager
def all_running(
    specs: Mapping[str, ServerSpec], probes: Mapping[str, HttpRequest], workdir: Path
) -> Iterator[dict[str, RunningServer]]:
    with ExitStack() as stack:
        yield {
            label: stack.enter_context(running(spec, probes[label], workdir))
            for label, spec in specs.items()
        }


def against_postgraphile(
    database_url: str,
    plan: LoadPlan,
    workers: int,
    workdir: Path,
    only: str | None = None,
    shapes: Sequence[Shape] = SHAPES,
) -> list[Interleaved]:
    """Every shape of ``shapes`` (the tuned ones unless told; only those whose name holds
    ``only``, if given) on iom-graph (1 worker and ``workers``) and PostGraphile, interleaved;
    the database is loaded already. AnswersDifferError if any answer differs."""
    specs = postgraphile_specs(database_url, workers)
    probes = {label: LOOKUP_PEER_POST if label == POSTGRAPHILE else LOOKUP_POST for label in specs}
    chosen = [shape for shape in shapes if not only or only in shape.name]
    with all_running(specs, probes, workdir) as servers:
        return [
            interleave(
                shape.name,
                servers,
                shape_requests(shape, servers),
                replace(plan, connections=shape.connections or plan.connections),
                workdir,
            )
            for shape in chosen
        ]


def against_bounds(sqlite_url: str, plan: LoadPlan, workdir: Path) -> tuple[str, list[Interleaved]]:
    """The cached repeat and the 304 against the ceiling, the uncached full traversal against
    the reference; all on one SQLite file (seeded by the first server) and interleaved."""
    with running(iom_graph(Server.SQLITE_CACHED, sqlite_url), FULL_TRAVERSAL_POST, workdir) as s:
        body = s.first_answer.body
    uncached = iom_graph(Server.SQLITE, sqlite_url)
    specs = {
        CACHED: iom_graph(Server.SQLITE_CACHED, sqlite_url),
        UNCACHED: uncached,
        CEILING: ceiling_spec(workdir, body),
        REFERENCE: reference_spec(sqlite_url),
        BOUNDED: replace(uncached, http=BOUNDED_PROTOCOL),
        PLAIN: replace(uncached, http="httptools"),
    }
    probe = dict.fromkeys(specs, FULL_TRAVERSAL_POST)
    with all_running(specs, probe, workdir) as servers:
        check = same_answer(body, servers[REFERENCE].first_answer.body)
        note(f"reference check: the full traversal is {check}")
        revalidate, problems = with_etag(servers[CACHED].base_url, FULL_TRAVERSAL_GET)
        if problems:
            raise RuntimeError(f"cannot revalidate: {problems}")
        cached = {CACHED: FULL_TRAVERSAL_POST, CEILING: FULL_TRAVERSAL_POST}
        revalidated = {CACHED: revalidate, CEILING: FULL_TRAVERSAL_POST}
        traversal = {UNCACHED: FULL_TRAVERSAL_POST, REFERENCE: FULL_TRAVERSAL_POST}
        lookup = {BOUNDED: POINT_LOOKUP_POST, PLAIN: POINT_LOOKUP_POST}
        return check, [
            interleave(CACHED_REPEAT, servers, cached, plan, workdir),
            interleave(REVALIDATION, servers, revalidated, plan, workdir),
            interleave(UNCACHED_TRAVERSAL, servers, traversal, plan, workdir),
            interleave(PROTOCOL_COST, servers, lookup, plan, workdir),
        ]
