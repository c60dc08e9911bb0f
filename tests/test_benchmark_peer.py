"""The benchmark's leaf-by-leaf check of PostGraphile's answers against iom-graph's
(benchmark/peer_queries.py), on small literal answers in each server's shape: no server."""

import copy
from typing import Any

import pytest

from benchmark.peer_queries import (
    AnswersDifferError,
    compare,
    iom_graph_tree,
    leaves,
    lookup_tree,
    postgraphile_tree,
)

KENYA = {"alpha2": "KE", "alpha3": "KEN", "numeric": "404", "isIso": True}
UGANDA = {"alpha2": "UG", "alpha3": "UGA", "numeric": "800", "isIso": True}
INSTITUTION = {
    "slug": "igad",
    "kind": "REGIONAL_ECONOMIC_COMMUNITY",
    "acronymInSeed": "IGAD",
    "generic": False,
    "iomInternal": False,
    "confidence": None,
}

IOM_GRAPH_DATA: dict[str, Any] = {
    "organisation": {
        "slug": "iom",
        "foundedYear": 1951,
        "partOfUnSystem": True,
        "regionalOffices": {
            "nodes": [
                {
                    "slug": "nairobi",
                    "rank": 6,
                    "kind": "REGIONAL_OFFICE",
                    "coverage": {
                        "confidence": "HIGH",
                        "sourceUrl": None,
                        "method": "seed",
                        "derived": False,
                    },
                    "hostCountry": KENYA,
                    "countries": {
                        "nodes": [
                            {**KENYA, "coverageInferred": False},
                            {**UGANDA, "coverageInferred": True},
                        ]
                    },
                    "institutions": {
                        "edges": [{"relationship": "COOPERATES_WITH", "node": INSTITUTION}]
                    },
                },
            ]
        },
    }
}

POSTGRAPHILE_DATA: dict[str, Any] = {
    "organisation": {
        "nodes": [
            {
                "slug": "iom",
                "foundedYear": 1951,
                "partOfUnSystem": True,
                "regionalOffices": {
                    "nodes": [
                        {
                            "slug": "nairobi",
                            "rank": 6,
                            "kind": "regional_office",
                            "coverageConfidence": "high",
                            "coverageSourceUrl": None,
                            "coverageMethod": "seed",
                            "coverageDerived": False,
                            "hostCountry": KENYA,
                            "countries": {
                                "nodes": [  # office_country rows by country id, not alpha3
                                    {"coverageInferred": True, "country": UGANDA},
                                    {"coverageInferred": False, "country": KENYA},
                                ]
                            },
                            "institutions": {
                                "edges": [
                                    {
                                        "relationship": "cooperates_with",
                                        "node": {
                                            **INSTITUTION,
                                            "kind": "regional_economic_community",
                                        },
                                    }
                                ]
                            },
                        }
                    ]
                },
            }
        ]
    }
}

# 3 organisation leaves; per office 3 + 4 coverage + 4 host; 2 countries x 5; 1 + 6 per link.
NESTED_LEAVES = 3 + 3 + 4 + 4 + 2 * 5 + 7


def postgraphile_office(data: dict[str, Any]) -> dict[str, Any]:
    office: dict[str, Any] = data["organisation"]["nodes"][0]["regionalOffices"]["nodes"][0]
    return office


def test_equal_answers_count_every_leaf() -> None:
    leaf_count = compare(iom_graph_tree(IOM_GRAPH_DATA), postgraphile_tree(POSTGRAPHILE_DATA))
    assert leaf_count == NESTED_LEAVES == 31


def test_normalising_leaves_the_inputs_untouched() -> None:
    before = copy.deepcopy(POSTGRAPHILE_DATA)
    postgraphile_tree(POSTGRAPHILE_DATA)
    assert before == POSTGRAPHILE_DATA


def test_one_different_leaf_is_named() -> None:
    theirs = copy.deepcopy(POSTGRAPHILE_DATA)
    postgraphile_office(theirs)["countries"]["nodes"][0]["country"]["numeric"] = "801"
    with pytest.raises(AnswersDifferError) as raised:
        compare(iom_graph_tree(IOM_GRAPH_DATA), postgraphile_tree(theirs))
    assert str(raised.value) == (
        "1 leaves differ, e.g. organisation.regionalOffices.nodes[0].countries.nodes[1]"
        ".numeric: iom-graph '800', PostGraphile '801'"
    )


def test_a_boolean_is_not_a_number() -> None:
    theirs = copy.deepcopy(POSTGRAPHILE_DATA)
    theirs["organisation"]["nodes"][0]["partOfUnSystem"] = 1
    with pytest.raises(AnswersDifferError, match=r"partOfUnSystem: iom-graph True, PostGraphile 1"):
        compare(iom_graph_tree(IOM_GRAPH_DATA), postgraphile_tree(theirs))


def test_a_missing_link_is_a_difference() -> None:
    theirs = copy.deepcopy(POSTGRAPHILE_DATA)
    postgraphile_office(theirs)["institutions"]["edges"] = []
    with pytest.raises(AnswersDifferError, match=r"^8 leaves differ"):
        compare(iom_graph_tree(IOM_GRAPH_DATA), postgraphile_tree(theirs))


def test_no_coverage_is_null_on_both_sides() -> None:
    ours = copy.deepcopy(IOM_GRAPH_DATA)
    ours["organisation"]["regionalOffices"]["nodes"][0]["coverage"] = None
    theirs = copy.deepcopy(POSTGRAPHILE_DATA)
    office = postgraphile_office(theirs)
    office |= dict.fromkeys(
        ("coverageConfidence", "coverageSourceUrl", "coverageMethod", "coverageDerived")
    )
    assert compare(iom_graph_tree(ours), postgraphile_tree(theirs)) == NESTED_LEAVES - 3


def test_two_organisations_are_refused() -> None:
    theirs = copy.deepcopy(POSTGRAPHILE_DATA)
    theirs["organisation"]["nodes"].append(theirs["organisation"]["nodes"][0])
    with pytest.raises(AnswersDifferError, match="expected one organisation"):
        postgraphile_tree(theirs)


def test_lookups_in_both_shapes() -> None:
    office = {"slug": "nairobi", "rank": 6, "hostCountry": {"alpha2": "KE", "alpha3": "KEN"}}
    ours = lookup_tree({"regionalOffice": office})
    theirs = lookup_tree({"allRegionalOffices": {"nodes": [office]}})
    assert compare(ours, theirs) == 4


def test_empty_lists_and_objects_are_leaves() -> None:
    assert list(leaves({"a": [], "b": {"c": {}}, "d": [1, None]})) == [
        ("a", []),
        ("b.c", {}),
        ("d[0]", 1),
        ("d[1]", None),
    ]
