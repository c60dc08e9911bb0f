"""The full traversal returns the exact dataset in one request, in a fixed number of statements."""

from datetime import date
from typing import Any

from sqlalchemy import Engine

from benchmark.synthetic import multiply_dataset
from resolvers.bounds import list_sizes
from resolvers.database import Database, count_statements, read_transaction
from resolvers.edges import BOUNDS, EDGES
from resolvers.in_memory import read_in_memory
from schema import build_schema
from schema.extensions.limits import Limits
from tests.conftest import Execute, make_execute
from tests.dataset_facts import (
    NINE,
    READ_IN_MEMORY_STATEMENTS,
    SEVEN,
    example,
    office_countries,
    office_links,
)

QUERY = example("01-full-traversal")
ROOT_OFFICES = "    regionalOffices(first: 100) {\n      totalCount"
assert QUERY.count(ROOT_OFFICES) == 1
QUERY_2020 = QUERY.replace(
    ROOT_OFFICES, ROOT_OFFICES.replace("(first", '(asOf: "2020-01-01", first')
)
# The traversal reads only the dataset in memory (resolvers.in_memory): not one statement, and
# no connection (a request's snapshot opens on its first statement).
STATEMENTS_OF_FULL_TRAVERSAL = 0


async def test_full_traversal_as_of_2020_returns_the_nine_offices_of_the_seed(
    execute: Execute,
) -> None:
    result = await execute(QUERY_2020)
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
    assert [o["slug"] for o in offices["nodes"]] == NINE
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
    assert links_seen == 89
    assert sum(o["countries"]["totalCount"] for o in offices["nodes"]) == 190


async def test_full_traversal_today_returns_the_structure_in_force(execute: Execute) -> None:
    result = await execute(QUERY)
    assert result.errors is None
    offices = result.data["organisation"]["regionalOffices"]  # type: ignore[index]
    assert offices["totalCount"] == 7
    assert [o["slug"] for o in offices["nodes"]] == SEVEN
    countries = {o["slug"]: o["countries"] for o in offices["nodes"]}
    assert {slug: c["totalCount"] for slug, c in countries.items()} == {
        "bangkok": 39,
        "cairo": 17,
        "dakar": 23,
        "nairobi": 10,
        "pretoria": 15,
        "europe-central-asia": 51,
        "americas": 35,
    }
    for slug, page in countries.items():
        assert {c["regionalOffice"]["slug"] for c in page["nodes"]} == {slug}
    # The successors are not on the seed page: no relationship with an institution is stated.
    assert [o["institutions"]["totalCount"] for o in offices["nodes"]][5:] == [0, 0]
    assert result.extensions["asOf"] == date.today().isoformat()  # type: ignore[index]


# The 2020 traversal walking each office's successors and back to their predecessors.
OFFICE_FIELDS = "        slug\n        name\n"
assert QUERY_2020.count(OFFICE_FIELDS) == 1
QUERY_2020_WITH_SUCCESSIONS = QUERY_2020.replace(
    OFFICE_FIELDS,
    OFFICE_FIELDS + "        successors { kind node { slug predecessors { node { slug } } } }\n",
)


async def _statements(execute: Execute, query: str = QUERY_2020) -> tuple[int, Any]:
    with count_statements() as counter:
        result = await execute(query)
    assert result.errors is None
    return counter.count, result.data


async def test_successions_walk_both_ways_without_a_statement(execute: Execute) -> None:
    count, data = await _statements(execute, QUERY_2020_WITH_SUCCESSIONS)
    assert count == STATEMENTS_OF_FULL_TRAVERSAL
    walks = {
        office["slug"]: [
            (
                edge["kind"],
                edge["node"]["slug"],
                [p["node"]["slug"] for p in edge["node"]["predecessors"]],
            )
            for edge in office["successors"]
        ]
        for office in data["organisation"]["regionalOffices"]["nodes"]
        if office["successors"]
    }
    assert walks == {
        "brussels": [
            ("MERGED_INTO", "europe-central-asia", ["brussels", "vienna"]),
            ("TOOK_OVER_FUNCTION", "global-office-brussels", ["brussels"]),
        ],
        "vienna": [("MERGED_INTO", "europe-central-asia", ["brussels", "vienna"])],
        "buenos-aires": [("MERGED_INTO", "americas", ["buenos-aires", "san-jose"])],
        "san-jose": [("MERGED_INTO", "americas", ["buenos-aires", "san-jose"])],
    }


async def test_statement_count_is_fixed_and_does_not_grow_with_data(
    execute: Execute, seeded_engine: Engine, empty_engine: Engine
) -> None:
    seeded_count, _ = await _statements(execute)
    assert seeded_count == STATEMENTS_OF_FULL_TRAVERSAL

    multiply_dataset(empty_engine, factor=10)
    # Ten times the data makes the traversal cost about ten times as much: lift the budget.
    roomy = build_schema(Limits(max_cost=1_000_000))
    tenfold = make_execute(empty_engine, roomy)
    tenfold_count, data = await _statements(tenfold, QUERY_2020_WITH_SUCCESSIONS)
    offices = data["organisation"]["regionalOffices"]
    assert offices["totalCount"] == 90
    assert sum(o["countries"]["totalCount"] for o in offices["nodes"]) == 1900
    assert sum(o["institutions"]["totalCount"] for o in offices["nodes"]) == 890
    # Four mergers and the Global Office's taking over Brussels' EU liaison, ten times.
    assert sum(len(o["successors"]) for o in offices["nodes"]) == 50
    assert tenfold_count == STATEMENTS_OF_FULL_TRAVERSAL
    today_count, data = await _statements(tenfold, QUERY)
    offices = data["organisation"]["regionalOffices"]
    assert offices["totalCount"] == 70
    assert sum(o["countries"]["totalCount"] for o in offices["nodes"]) == 1900
    assert today_count == STATEMENTS_OF_FULL_TRAVERSAL
    # Reading the dataset into memory runs the same statements at any size.
    with count_statements() as seeded_read:
        read_in_memory(Database(seeded_engine))
    with count_statements() as tenfold_read:
        read_in_memory(Database(empty_engine))
    assert tenfold_read.count == seeded_read.count == READ_IN_MEMORY_STATEMENTS


def test_the_dataset_in_memory_holds_each_record_once(seeded_engine: Engine) -> None:
    """Equal records read by different batch functions are one object (EqualRecords)."""
    loaders = read_in_memory(Database(seeded_engine)).loaders
    nairobi = loaders.office_by_slug.load("nairobi")
    assert nairobi is not None
    assert loaders.office_by_id.load(nairobi.id) is nairobi
    kenya = loaders.country_by_code.load("KEN")
    assert kenya is not None
    assert loaders.office_by_supported_country.load(kenya.id) is nairobi
    links = loaders.links_by_office.load(nairobi.id)
    assert [link.institution.slug for link in links][:2] == ["rcps-east-africa", "unon"]
    assert len(links) == 7
    back = loaders.links_by_institution.load(links[0].institution.id)
    assert any(link.office is nairobi for link in back)
    assert loaders.institution_by_id.load(links[0].institution.id) is links[0].institution


def test_each_edge_reads_in_the_statements_it_declares(seeded_engine: Engine) -> None:
    """``READ_IN_MEMORY_STATEMENTS`` is counted from the declarations: each edge's key source
    its ``statements``, each batch function one, each bound with a query one."""
    with read_transaction(Database(seeded_engine)) as db:
        for name, edge in EDGES.items():
            with count_statements() as keys_read:
                keys = edge.keys.read(db)
            assert keys_read.count == edge.keys.statements, name
            with count_statements() as batch:
                found = edge.fetch(db, keys)
            assert batch.count == 1, name
            assert found, name
        with count_statements() as sizes_read:
            sizes = list_sizes(db, BOUNDS)
    assert sizes_read.count == len(sizes.sizes) == 24
    assert sizes.sizes[EDGES["countries_by_office"].bound] == 51  # type: ignore[index]
