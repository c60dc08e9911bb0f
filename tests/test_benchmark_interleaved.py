"""The benchmark's interleaved comparisons (benchmark/interleaved.py) and the targets read from
them (benchmark/report.py), on recorded wrk results: no server, no load."""

from pathlib import Path
from typing import Any

import pytest

from benchmark import interleaved, node_shape, peer_queries, report, shapes, wrk
from benchmark.results import Interleaved, LoadPlan, RunResults
from benchmark.scenarios import HttpRequest
from benchmark.servers import RunningServer


def result(rps: float, p50: float = 1.0, p99: float = 2.0, non_2xx: int = 0) -> wrk.WrkResult:
    return wrk.WrkResult(rps, p50, p99, int(rps), non_2xx, 0)


def test_each_round_loads_every_server_in_turn_reversing_every_other_round(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[tuple[str, float]] = []

    def fake_run(base_url: str, script: Path, **options: Any) -> wrk.WrkResult:
        calls.append((base_url, options["duration"]))
        return result(100.0)

    monkeypatch.setattr(wrk, "run", fake_run)
    servers: Any = {name: _server(f"http://{name}") for name in ("a", "b", "c")}
    requests = {name: HttpRequest("POST", "/graphql", ()) for name in servers}
    measured = interleaved.interleave("q", servers, requests, LoadPlan(3, 5.0), tmp_path)
    warm_up, rounds = calls[:3], [url for url, _ in calls[3:]]
    assert [seconds for _, seconds in warm_up] == [1.0, 1.0, 1.0]
    assert rounds == ["http://" + n for n in "abc" + "cba" + "abc"]
    assert {name: len(found) for name, found in measured.results.items()} == {
        "a": 3,
        "b": 3,
        "c": 3,
    }


def _server(base_url: str) -> RunningServer:
    return RunningServer(None, None, base_url, Path("log"), None)  # type: ignore[arg-type]


def test_a_ratio_is_the_median_of_per_round_ratios_not_a_ratio_of_medians() -> None:
    # Round 2 ran on a machine twice as fast for both: its ratio is still 0.5.
    found = Interleaved(
        "nested",
        {
            "ours": [result(50), result(200), result(90)],
            "theirs": [result(100), result(400), result(100)],
        },
    )
    assert found.ratios("ours", "theirs") == [0.5, 0.5, 0.9]
    assert found.ratio("ours", "theirs") == 0.5  # the ratio of medians would be 90/100


def test_targets_read_the_interleaved_ratios_with_their_range() -> None:
    nested = shapes.SHAPES[0].name
    results = RunResults("machine", "settings")
    results.interleaved.append(
        Interleaved(
            nested,
            {
                interleaved.IOM_GRAPH_1: [result(120, 10, 25), result(90, 10, 40)],
                interleaved.POSTGRAPHILE: [result(100), result(100)],
            },
        )
    )
    found = {target.name: target for target in report.targets(results)}
    versus = found[f"{nested}: {interleaved.IOM_GRAPH_1} ≥ 1 × {interleaved.POSTGRAPHILE}"]
    assert (versus.measured, versus.passed) == ("1.05 × (0.90–1.20)", True)
    tail = found[f"{nested}: p99 ≤ 3 × p50 at 32 connections, 1 worker"]
    assert (tail.measured, tail.passed) == ("3.2 ×", False)
    lookup = shapes.SHAPES[1].name
    absent = found[f"{lookup}: {interleaved.IOM_GRAPH_1} ≥ 0.8 × {interleaved.POSTGRAPHILE}"]
    assert absent.passed is None


def test_a_target_with_errors_fails_whatever_its_ratio() -> None:
    results = RunResults("machine", "settings")
    results.interleaved.append(
        Interleaved(
            interleaved.CACHED_REPEAT,
            {
                interleaved.CACHED: [result(900, non_2xx=3)],
                interleaved.CEILING: [result(1000)],
            },
        )
    )
    target = report.ratio_target(
        results, interleaved.CACHED_REPEAT, interleaved.CACHED, interleaved.CEILING, 0.5
    )
    assert target.passed is False
    assert target.measured.startswith("0.90 × (0.90–0.90) ⚠")


def test_the_country_shape_keeps_only_the_office_in_force() -> None:
    kenya = {"alpha2": "KE", "alpha3": "KEN", "numeric": "404", "isIso": True}
    offices = [
        {"slug": "nairobi", "rank": 6, "kind": "regional_office", "validUntil": None},
        {"slug": "old", "rank": 9, "kind": "regional_office", "validUntil": "2024"},
        {"slug": "x", "rank": 1, "kind": "country_office", "validUntil": None},
    ]
    data = {"allCountries": {"nodes": [{**kenya, "offices": {"nodes": [
        {"office": office} for office in offices]}}]}}  # fmt: skip
    assert shapes.country_peer(data) == {
        "country": {**kenya, "regionalOffice": {"slug": "nairobi", "rank": 6}}
    }


def test_every_shape_has_a_distinct_name_and_a_query_for_each_server() -> None:
    names = [shape.name for shape in shapes.SHAPES]
    assert len(set(names)) == len(names) == 9
    for shape in shapes.SHAPES:
        for query in (shape.iom_graph, shape.postgraphile):
            if isinstance(query, str):
                assert query.startswith("query ")


KENYA = {"__typename": "Country", "alpha2": "KE", "alpha3": "KEN", "numeric": "404", "isIso": True}
EGYPT = {"__typename": "Country", "alpha2": "EG", "alpha3": "EGY", "numeric": "818", "isIso": True}
NODES = next(shape for shape in shapes.SHAPES if shape.name == "50 nodes by ID")


def test_the_nodes_shape_compares_postgraphiles_aliased_lookups_in_their_order() -> None:
    ours = NODES.iom_graph_tree({"nodes": [KENYA, EGYPT]})
    # The lookups are read by alias (n0, n1...), whatever the order of the answer's keys.
    assert NODES.postgraphile_tree({"n0": KENYA, "n1": EGYPT}) == ours
    assert peer_queries.compare(ours, NODES.postgraphile_tree({"n1": EGYPT, "n0": KENYA})) == 10
    with pytest.raises(peer_queries.AnswersDifferError, match=r"nodes\[0\]\.alpha2"):
        peer_queries.compare(ours, NODES.postgraphile_tree({"n0": EGYPT, "n1": KENYA}))


def test_a_node_id_neither_server_resolves_is_a_difference_not_a_skip() -> None:
    ours = NODES.iom_graph_tree({"nodes": [KENYA, EGYPT]})
    with pytest.raises(peer_queries.AnswersDifferError, match=r"nodes\[1\].*None"):
        peer_queries.compare(ours, NODES.postgraphile_tree({"n0": KENYA, "n1": None}))


def test_each_nodes_query_is_built_from_its_own_servers_ids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = {
        "iom": {"countries": {"nodes": [{"id": "Q291bnRyeTpBQlc="}, {"id": "Q291bnRyeTpBRkc="}]}},
        "peer": {"allCountries": {"nodes": [{"id": "WyJDb3VudHJ5IiwxXQ=="}]}},
    }
    monkeypatch.setattr(node_shape, "ask", lambda base_url, query: answers[base_url])
    ours, theirs = NODES.iom_graph_query("iom"), NODES.postgraphile_query("peer")
    assert 'nodes(ids: ["Q291bnRyeTpBQlc=","Q291bnRyeTpBRkc="])' in ours
    assert theirs.count("node(id:") == 1
    assert 'n0: node(id: "WyJDb3VudHJ5IiwxXQ==") { __typename ... on Country {' in theirs


def test_only_the_one_connection_shape_changes_wrks_connections() -> None:
    connections = {shape.name: shape.connections for shape in shapes.SHAPES}
    assert connections.pop("office by slug, 1 connection") == 1
    assert set(connections.values()) == {None}


def test_a_round_in_which_a_server_answered_nothing_fails_without_breaking_the_report() -> None:
    results = RunResults("machine", "settings")
    found = Interleaved(
        "50 nodes by ID",
        {
            interleaved.IOM_GRAPH_1: [result(80), result(90), result(0)],
            interleaved.POSTGRAPHILE: [result(100), result(0), result(0)],
        },
    )
    results.interleaved.append(found)
    ratios = found.ratios(interleaved.IOM_GRAPH_1, interleaved.POSTGRAPHILE)
    assert ratios[:2] == [0.8, float("inf")]
    assert ratios[2] != ratios[2]  # NaN: neither answered
    assert found.problems() == [
        "50 nodes by ID: iom-graph, 1 worker: 0 non-2xx, 0 socket errors, 1 rounds with no answer",
        "50 nodes by ID: PostGraphile: 0 non-2xx, 0 socket errors, 2 rounds with no answer",
    ]
    target = report.ratio_target(
        results, "50 nodes by ID", interleaved.IOM_GRAPH_1, interleaved.POSTGRAPHILE, 0.8
    )
    assert target.passed is False
    assert "50 nodes by ID" in report.render(results)
