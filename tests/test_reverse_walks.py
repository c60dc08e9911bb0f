"""Walking the graph backwards gives the same answers as walking it forwards, for every entity."""

import pycountry
import pytest

from tests.conftest import Execute
from tests.dataset_facts import curated, institution_offices, office_countries

COUNTRY_OFFICES = """
query CountryOffices($after: String, $asOf: Date) {
  countries(first: 100, after: $after, orderBy: {field: ALPHA3}) {
    pageInfo { hasNextPage endCursor }
    nodes { alpha3 regionalOffice(asOf: $asOf) { slug } hostedOffices(asOf: $asOf) { slug } }
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


def _in_force(as_of: str | None) -> set[str]:
    """The regional offices of the dataset in force in 2020 (the seed page's nine) or today (the
    five unchanged and the two 2024 successors: those with no end)."""
    offices = [o for o in curated()["offices"] if o.get("kind") != "liaison_office"]
    if as_of == "2020-01-01":
        return {o["slug"] for o in offices if o["seed_heading"] is not None}
    return {o["slug"] for o in offices if o["valid_until"]["value"] is None}


@pytest.mark.parametrize("as_of", ["2020-01-01", None])
async def test_every_country_points_back_to_the_office_that_lists_it(
    execute: Execute, as_of: str | None
) -> None:
    in_force = _in_force(as_of)
    assert len(in_force) == (9 if as_of else 7)
    expected = {
        code: office
        for office, codes in office_countries().items()
        if office in in_force
        for code in codes
    }
    # The liaison office is in no list of regional offices, but Belgium hosts it on both days.
    hosts: dict[str, list[str]] = {}
    for office in curated()["offices"]:
        if office["slug"] in in_force or office.get("kind") == "liaison_office":
            hosts.setdefault(office["host_country"], []).append(office["slug"])
    seen: dict[str, str | None] = {}
    hosted: dict[str, list[str]] = {}
    after = None
    while True:
        result = await execute(COUNTRY_OFFICES, {"after": after, "asOf": as_of})
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
    assert hosted == hosts


async def test_every_institution_points_back_to_its_offices(execute: Execute) -> None:
    result = await execute(INSTITUTIONS, {"after": None})
    assert result.errors is None
    page = result.data["institutions"]  # type: ignore[index]
    assert page["totalCount"] == 76
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
