"""The benchmark's probe shapes (benchmark/probe_shapes.py): iom-graph's side of each asked of the
real dataset in memory (the cursor pages built on its answers), PostGraphile's side normalised
from small literal answers in its own shape and compared leaf by leaf, and where they are run
and reported. No server: `python -m benchmark --only probe` checks both real servers' answers."""

import asyncio
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

from benchmark import interleaved, interleaved_report, probe_shapes, report, runner, shapes
from benchmark.__main__ import parse_options
from benchmark.measure import LoadSettings
from benchmark.peer_queries import AnswersDifferError, Tree, compare, leaves
from benchmark.probe_shapes import PROBE_SHAPES
from benchmark.results import Interleaved, RunResults
from benchmark.shapes import Shape
from benchmark.wrk import WrkResult
from tests.conftest import Execute

LEAVES = {  # per probe shape, in PROBE_SHAPES' order
    "office by slug (pretoria), its countries": 78,
    "country by alpha-3 (THA), its office's institutions": 42,
    "page 3 of the countries by alpha-2": 80,
    "page 2 of the institutions of one kind, by slug": 50,
    "institutions of one office (cairo), with acronyms": 37,
    "reverse walk from ML, kinds and host countries": 92,
    "10 offices by alias": 50,
    "offices in force, their country counts": 36,
}


def probe(name: str) -> Shape:
    return next(shape for shape in PROBE_SHAPES if shape.name == probe_shapes.PREFIX + name)


@pytest.fixture
def trees(execute: Execute, monkeypatch: pytest.MonkeyPatch) -> dict[str, Tree]:
    """Each probe's iom-graph tree, its query built (and its first pages asked) in-process."""
    with asyncio.Runner() as runner:

        def ask(base_url: str, query: str) -> Any:
            result = runner.run(execute(query))
            assert result.errors is None
            return result.data

        monkeypatch.setattr(shapes, "ask", ask)
        return {
            shape.name.removeprefix(probe_shapes.PREFIX): shape.iom_graph_tree(
                ask("", shape.iom_graph_query("http://iom-graph"))
            )
            for shape in PROBE_SHAPES
        }


def test_every_probe_is_answered_on_the_real_dataset(trees: dict[str, Tree]) -> None:
    assert {name: len(list(leaves(tree))) for name, tree in trees.items()} == LEAVES


def test_the_pages_are_built_after_the_servers_own_cursors(trees: dict[str, Tree]) -> None:
    page = trees["page 3 of the countries by alpha-2"]["nodes"]
    assert [country["alpha2"] for country in page] == [
        *("CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR"),
        *("CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM"),
    ]
    kind = trees["page 2 of the institutions of one kind, by slug"]["nodes"]
    assert [institution["slug"] for institution in kind] == [
        *("icmpd", "ioc", "las", "oas", "osce", "paho", "pap-secretariat", "pif", "rcc", "sela"),
    ]


def test_the_lists_and_walks_hold_the_real_rows(trees: dict[str, Tree]) -> None:
    summary = trees["offices in force, their country counts"]["offices"]
    assert summary["totalCount"] == 7
    assert [(o["slug"], o["countries"]["totalCount"]) for o in summary["nodes"]] == [
        *(("bangkok", 39), ("cairo", 17), ("dakar", 23), ("nairobi", 10), ("pretoria", 15)),
        *(("europe-central-asia", 51), ("americas", 35)),
    ]
    walk = trees["reverse walk from ML, kinds and host countries"]
    assert (walk["alpha3"], walk["office"], len(walk["institutions"])) == ("MLI", "dakar", 11)
    assert walk["institutions"][0]["offices"] == [
        {"slug": "dakar", "hostCountry": {"alpha3": "SEN"}, "relationship": "CAPACITY_BUILDING"},
        {"slug": "dakar", "hostCountry": {"alpha3": "SEN"}, "relationship": "RELATIONS"},
    ]
    office = trees["office by slug (pretoria), its countries"]["office"]
    assert [country["alpha3"] for country in office["countries"]][:3] == ["AGO", "BWA", "COD"]


KENYA = {"alpha2": "KE", "alpha3": "KEN", "numeric": "404", "isIso": True}
UGANDA = {"alpha2": "UG", "alpha3": "UGA", "numeric": "800", "isIso": True}
IGAD = {"slug": "igad", "kind": "regional_economic_community", "acronymInSeed": "IGAD"}
NAIROBI = {"slug": "nairobi", "rank": 6, "kind": "regional_office", "validUntil": None}
OLD = {"slug": "old", "rank": 9, "kind": "regional_office", "validUntil": "2024"}


def upper(node: dict[str, Any]) -> dict[str, Any]:
    return {**node, "kind": node["kind"].upper()}


# (probe, iom-graph's data, PostGraphile's data, leaves): each pair one answer in both shapes.
PAIRS: list[tuple[str, dict[str, Any], dict[str, Any], int]] = [
    (
        "office by slug (pretoria), its countries",
        {"regionalOffice": {"slug": "nairobi", "hostCountry": {"alpha3": "KEN"}, "countries": {
            "nodes": [{**KENYA, "coverageInferred": False},
                      {**UGANDA, "coverageInferred": True}]}}},
        {"allRegionalOffices": {"nodes": [{"slug": "nairobi", "hostCountry": {"alpha3": "KEN"},
            "countries": {"nodes": [{"coverageInferred": True, "country": UGANDA},
                                    {"coverageInferred": False, "country": KENYA}]}}]}},
        12,
    ),
    (
        "country by alpha-3 (THA), its office's institutions",
        {"country": {**KENYA, "regionalOffice": {"slug": "nairobi", "rank": 6, "institutions": {
            "edges": [{"relationship": "CO_CHAIRS", "node": upper(IGAD)}]}}}},
        {"allCountries": {"nodes": [{**KENYA, "offices": {"nodes": [
            {"office": {**OLD, "institutions": {"edges": []}}},
            {"office": {**NAIROBI, "institutions": {"edges": [
                {"relationship": "co_chairs", "node": IGAD}]}}}]}}]}},
        10,
    ),
    (
        "page 3 of the countries by alpha-2",
        {"countries": {"nodes": [KENYA, UGANDA]}},
        {"allCountries": {"nodes": [KENYA, UGANDA]}},
        8,
    ),
    (
        "page 2 of the institutions of one kind, by slug",
        {"institutions": {"nodes": [upper(IGAD)]}},
        {"allInstitutions": {"nodes": [IGAD]}},
        3,
    ),
    (
        "institutions of one office (cairo), with acronyms",
        {"regionalOffice": {"slug": "nairobi", "institutions": {"edges": [
            {"relationship": "SUPPORTS", "node": upper(IGAD)}]}}},
        {"allRegionalOffices": {"nodes": [{"slug": "nairobi", "institutions": {"edges": [
            {"relationship": "supports", "node": IGAD}]}}]}},
        5,
    ),
    (  # upper case before sorting: "co_chairs" < "cooperates_with", "COOPERATES_WITH" < "CO_CHAIRS"
        "reverse walk from ML, kinds and host countries",
        {"country": {"alpha3": "KEN", "regionalOffice": {"slug": "nairobi", "institutions": {
            "edges": [{"relationship": "SUPPORTS", "node": {"slug": "igad", "kind":
                "REGIONAL_ECONOMIC_COMMUNITY", "regionalOffices": {"edges": [
                    {"relationship": "CO_CHAIRS", "node": {"slug": "nairobi"}},
                    {"relationship": "COOPERATES_WITH", "node": {"slug": "nairobi"}}]}}}]}}}},
        {"allCountries": {"nodes": [{"alpha3": "KEN", "offices": {"nodes": [{"office": {
            **NAIROBI, "links": {"nodes": [{"relationshipKind": "supports", "institution": {
                "slug": "igad", "kind": "regional_economic_community", "links": {"nodes": [
                    {"relationshipKind": "cooperates_with", "office": {"slug": "nairobi"}},
                    {"relationshipKind": "co_chairs", "office": {"slug": "nairobi"}},
                ]}}}]}}}]}}]}},
        9,
    ),
    (
        "10 offices by alias",
        {"o0": {"slug": "nairobi", "kind": "REGIONAL_OFFICE"}, "o1": {"slug": "old", "rank": 9}},
        {"o1": {"nodes": [{"slug": "old", "rank": 9}]},
         "o0": {"nodes": [{"slug": "nairobi", "kind": "regional_office"}]}},
        4,
    ),
    (
        "offices in force, their country counts",
        {"regionalOffices": {"totalCount": 1, "nodes": [
            {"slug": "nairobi", "kind": "REGIONAL_OFFICE", "countries": {"totalCount": 10}}]}},
        {"allRegionalOffices": {"totalCount": 1, "nodes": [
            {"slug": "nairobi", "kind": "regional_office", "countries": {"totalCount": 10}}]}},
        4,
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "ours", "theirs", "leaf_count"), PAIRS)
def test_postgraphiles_answer_is_brought_to_iom_graphs_tree(
    name: str, ours: dict[str, Any], theirs: dict[str, Any], leaf_count: int
) -> None:
    shape = probe(name)
    assert compare(shape.iom_graph_tree(ours), shape.postgraphile_tree(theirs)) == leaf_count


def test_a_different_leaf_of_a_probe_is_named() -> None:
    shape = probe("page 2 of the institutions of one kind, by slug")
    theirs = {"allInstitutions": {"nodes": [{**IGAD, "acronymInSeed": None}]}}
    with pytest.raises(AnswersDifferError, match=r"nodes\[0\]\.acronymInSeed: iom-graph 'IGAD'"):
        compare(shape.iom_graph_tree({"institutions": {"nodes": [upper(IGAD)]}}),
                shape.postgraphile_tree(theirs))  # fmt: skip


def test_the_probes_are_apart_from_the_tuned_shapes() -> None:
    names = [shape.name for shape in PROBE_SHAPES]
    assert [name.removeprefix(probe_shapes.PREFIX) for name in names] == list(LEAVES)
    assert not {shape.name for shape in shapes.SHAPES} & set(names)
    assert all(not shape.name.startswith(probe_shapes.PREFIX) for shape in shapes.SHAPES)
    options, _ = parse_options(["--only", "probe"])
    assert (options.only, options.peer_only, options.with_peer) == ("probe", True, True)
    assert parse_options([])[0].with_peer is True


def rounds(*rps: float) -> list[WrkResult]:
    return [WrkResult(value, 1.0, 2.0, int(value), 0, 0) for value in rps]


def test_the_probes_have_a_table_and_targets_of_their_own() -> None:
    results = RunResults("machine", "settings")
    tuned, probed = shapes.SHAPES[0].name, PROBE_SHAPES[0].name
    for name, ours in ((tuned, rounds(120, 90, 100)), (probed, rounds(70, 90, 80))):
        results.interleaved.append(
            Interleaved(
                name,
                {interleaved.IOM_GRAPH_1: ours, interleaved.POSTGRAPHILE: rounds(100, 100, 100)},
            )
        )
    per_process = (interleaved.IOM_GRAPH_1, interleaved.POSTGRAPHILE)
    tuned_rows = interleaved_report.interleaved_rows(
        results, *per_process, interleaved_report.TUNED
    )
    probe_rows = interleaved_report.interleaved_rows(
        results, *per_process, interleaved_report.PROBES
    )
    assert [row[0] for row in tuned_rows] == [tuned]
    assert [row[0] for row in probe_rows] == [probed]
    assert probe_rows[0][3:5] == ["**0.80**", "0.70–0.90"]
    found = {target.name: target for target in report.targets(results)}
    target = found[f"{probed}: {interleaved.IOM_GRAPH_1} ≥ 0.8 × {interleaved.POSTGRAPHILE}"]
    assert (target.measured, target.passed) == ("0.80 × (0.70–0.90)", True)
    assert sum(name.startswith(probe_shapes.PREFIX) for name in found) == 1  # the one run
    assert "### Probe shapes against PostGraphile" in report.render(results)


@pytest.mark.parametrize(
    ("only", "expected"), [("probe", PROBE_SHAPES), ("postgraphile", shapes.SHAPES)]
)
def test_only_probe_runs_the_probe_shapes_and_only_postgraphile_the_tuned_ones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, only: str, expected: tuple[Shape, ...]
) -> None:
    compared: list[Sequence[Shape]] = []

    def against_postgraphile(*args: Any, shapes: Sequence[Shape]) -> list[Interleaved]:
        compared.append(shapes)
        return []

    monkeypatch.setattr(runner, "against_postgraphile", against_postgraphile)
    monkeypatch.setattr(runner.postgres, "fresh_database", lambda url: nullcontext("db-url"))
    monkeypatch.setattr(runner, "load_database", lambda url: None)
    options = runner.Options(3, 1.0, "maintenance-url", only=only)
    results = RunResults("machine", "settings")
    runner.run_postgres(options, tmp_path, LoadSettings(3, 1.0), results)
    assert compared == [expected]
    assert results.peer_check == "equal to iom-graph's leaf by leaf on every shape"
