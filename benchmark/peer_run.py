"""PostGraphile's turn in a run: started on the run's PostgreSQL database, its answers checked
against iom-graph's leaf by leaf, then measured like any server (only if they agree)."""

from collections.abc import Mapping
from pathlib import Path

import orjson

from benchmark import peer, peer_queries
from benchmark.client import send
from benchmark.log import note
from benchmark.measure import LoadSettings, measure_server
from benchmark.results import RunResults
from benchmark.scenarios import (
    LOOKUP_PEER_POST,
    LOOKUP_POST,
    NESTED_PEER_POST,
    NESTED_POST,
    HttpRequest,
)
from benchmark.servers import running

# What iom-graph is asked before it is measured, to check PostGraphile's answers against.
IOM_GRAPH_REQUESTS = (NESTED_POST, LOOKUP_POST)
PEER_REQUESTS = (NESTED_PEER_POST, LOOKUP_PEER_POST)


def iom_graph_answers(base_url: str) -> dict[HttpRequest, bytes]:
    return {request: send(base_url, request).body for request in IOM_GRAPH_REQUESTS}


def _data(body: bytes, who: str) -> Mapping[str, object]:
    payload = orjson.loads(body)
    if payload.get("errors"):
        raise peer_queries.AnswersDifferError(f"{who} answered errors: {payload['errors']}")
    data: Mapping[str, object] = payload["data"]
    return data


def check_answers(expected: Mapping[HttpRequest, bytes], base_url: str) -> str:
    """PostGraphile's answers against iom-graph's; AnswersDifferError when they differ."""
    theirs = {request: send(base_url, request).body for request in PEER_REQUESTS}
    nested = peer_queries.compare(
        peer_queries.iom_graph_tree(_data(expected[NESTED_POST], "iom-graph")),
        peer_queries.postgraphile_tree(_data(theirs[NESTED_PEER_POST], "PostGraphile")),
    )
    lookup = peer_queries.compare(
        peer_queries.lookup_tree(_data(expected[LOOKUP_POST], "iom-graph")),
        peer_queries.lookup_tree(_data(theirs[LOOKUP_PEER_POST], "PostGraphile")),
    )
    return (
        f"equal to iom-graph's leaf by leaf: the nested query's {nested} leaves and the "
        f"lookup's {lookup}"
    )


def run_postgraphile(
    database_url: str,
    expected: Mapping[HttpRequest, bytes],
    workdir: Path,
    settings: LoadSettings,
    results: RunResults,
    *,
    peer_only: bool,
) -> None:
    """PostGraphile on ``database_url``, measured only if it answers what iom-graph answers."""
    with running(peer.postgraphile(database_url), NESTED_PEER_POST, workdir) as server:
        try:
            results.peer_check = check_answers(expected, server.base_url)
        except peer_queries.AnswersDifferError as error:
            results.peer_check, results.peer_differs = f"DIFFERENT: {error}", True
            note(f"PostGraphile check FAILED, not measured: {error}")
            return
        note(f"PostGraphile check: {results.peer_check}")
        measure_server(server, settings, workdir, results, peer_only=peer_only)
