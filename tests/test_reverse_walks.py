"""Walking the graph backwards gives the same answers as walking it forwards, for every entity."""

import pycountry

from tests.conftest import Execute
from tests.dataset_facts import curated, institution_offices, office_countries

COUNTRY_OFFICES = """
query CountryOffices($after: String) {
  countries(first: 100, after: $after, orderBy: {field: ALPHA3}) {
    pageInfo { hasNextPage endCursor }
    nodes { alpha3 regionalOffice { slug } hostedOffices { slug } }
  }
}
"""

INSTITUTIONS = """
query InstitutionOffices($after: String) {
  institutions(first: 100, after: $after, orderBy: {field: SLUG}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { slug regionalOffices { edges { relationship node { slug } } } }
  }
}
"""

OFFICE_HOSTS = """
{ regionalOffices { nodes { slug hostCountry { alpha3 hostedOffices { slug } } } } }
"""


async def test_every_country_points_back_to_the_office_that_lists_it(execute: Execute) -> None:
    expected = {code: office for office, codes in office_countries().items() for code in codes}
    hosts = {o["slug"]: o["host_country"] for o in curated()["offices"]}
    seen: dict[str, str | None] = {}
    hosted: dict[str, list[str]] = {}
    after = None
    while True:
        result = await execute(COUNTRY_OFFICES, {"after": after})
        assert result.errors is None
        page = result.data["countries"]  # type: ignore[index]
        for country in page["nodes"]:
            seen[country["alpha3"]] = (country["regionalOffice"] or {}).get("slug")
            if country["hostedOffices"]:
                hosted[country["alpha3"]] = [o["slug"] for o in country["hostedOffices"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(list(pycountry.countries)) + 1
    assert {code: office for code, office in seen.items() if office} == expected
    assert hosted == {code: [office] for office, code in hosts.items()}


async def test_every_institution_points_back_to_its_offices(execute: Execute) -> None:
    result = await execute(INSTITUTIONS, {"after": None})
    assert result.errors is None
    page = result.data["institutions"]  # type: ignore[index]
    assert page["totalCount"] == 75
    assert page["pageInfo"]["hasNextPage"] is False
    walked = {
        node["slug"]: [
            (e["node"]["slug"], e["relationship"].lower()) for e in node["regionalOffices"]["edges"]
        ]
        for node in page["nodes"]
    }
    assert walked == institution_offices()


async def test_offices_and_host_countries_agree(execute: Execute) -> None:
    result = await execute(OFFICE_HOSTS)
    assert result.errors is None
    for office in result.data["regionalOffices"]["nodes"]:  # type: ignore[index]
        assert [o["slug"] for o in office["hostCountry"]["hostedOffices"]] == [office["slug"]]
