"""The full traversal returns the exact dataset in one request, in a fixed number of statements."""

from typing import Any

from sqlalchemy import Engine

from resolvers.database import count_statements
from schema import build_schema
from schema.extensions.limits import Limits
from tests.conftest import DatabaseFactory, Execute, make_execute
from tests.dataset_facts import example, office_countries, office_links
from tests.synthetic import multiply_dataset

QUERY = example("01-full-traversal")
# The dataset version, read first in the request's snapshot, then one statement per level:
# organisation, its headquarters' country, leadership, offices, their host countries,
# countries by office, links (with institutions) by office, links (with offices) by
# institution.
STATEMENTS_OF_FULL_TRAVERSAL = 9


async def test_full_traversal_returns_the_exact_dataset(execute: Execute) -> None:
    result = await execute(QUERY)
    assert result.errors is None
    organisation = result.data["organisation"]  # type: ignore[index]
    assert organisation["name"] == "International Organization for Migration"
    assert (
        organisation["foundedYear"],
        organisation["memberStates"],
        organisation["countriesPresent"],
        organisation["partOfUnSystem"],
    ) == (1951, 175, 171, True)
    assert organisation["headquarters"] == {
        "city": "Geneva",
        "country": {"alpha3": "CHE", "name": "Switzerland"},
    }
    assert [
        (p["slug"], (p["reportsTo"] or {}).get("slug")) for p in organisation["leadership"]
    ] == [
        ("director-general", None),
        ("ddg-management-reform", "director-general"),
        ("ddg-operations", "director-general"),
        ("office-chief-of-staff", "director-general"),
        ("office-partnerships-advocacy-communications", "director-general"),
        ("office-strategy-performance", "director-general"),
    ]
    offices = organisation["regionalOffices"]
    assert offices["totalCount"] == 9
    assert [o["slug"] for o in offices["nodes"]] == [
        "bangkok",
        "brussels",
        "vienna",
        "cairo",
        "dakar",
        "nairobi",
        "pretoria",
        "buenos-aires",
        "san-jose",
    ]
    links_seen = 0
    for office in offices["nodes"]:
        countries = office["countries"]["nodes"]
        assert sorted(c["alpha3"] for c in countries) == office_countries()[office["slug"]]
        assert {c["regionalOffice"]["slug"] for c in countries} == {office["slug"]}
        edges = office["institutions"]["edges"]
        assert [
            (e["node"]["slug"], e["relationship"].lower(), e["evidence"]["phrase"]) for e in edges
        ] == (office_links()[office["slug"]])
        for edge in edges:
            back = [e["node"]["slug"] for e in edge["node"]["regionalOffices"]["edges"]]
            assert office["slug"] in back
        links_seen += len(edges)
    assert links_seen == 84
    assert sum(o["countries"]["totalCount"] for o in offices["nodes"]) == 190


async def _statements(execute: Execute) -> tuple[int, Any]:
    with count_statements() as counter:
        result = await execute(QUERY)
    assert result.errors is None
    return counter.count, result.data


async def test_statement_count_is_fixed_and_does_not_grow_with_data(
    execute: Execute, databases: DatabaseFactory, empty_engine: Engine
) -> None:
    seeded_count, _ = await _statements(execute)
    assert seeded_count == STATEMENTS_OF_FULL_TRAVERSAL

    multiply_dataset(empty_engine, factor=10)
    # Ten times the data makes the traversal cost about ten times as much: lift the budget.
    roomy = build_schema(Limits(max_cost=1_000_000))
    tenfold_count, data = await _statements(make_execute(empty_engine, roomy))
    offices = data["organisation"]["regionalOffices"]
    assert offices["totalCount"] == 90
    assert sum(o["countries"]["totalCount"] for o in offices["nodes"]) == 1900
    assert sum(o["institutions"]["totalCount"] for o in offices["nodes"]) == 840
    assert tenfold_count == STATEMENTS_OF_FULL_TRAVERSAL
