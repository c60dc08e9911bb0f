"""The structure over time, looked up: an old slug finds its office and its successor, `asOf`
validated, search over the successors, and the Global Office in Brussels, an office of another
kind (validity and the structure of a day: ``tests.test_structure_over_time``)."""

import pytest

from tests.conftest import Execute
from tests.dataset_facts import SEVEN
from tests.structure_facts import GLOBAL_OFFICE, STRUCTURE

OLD_SLUG = """
{
  regionalOffice(slug: "buenos-aires") {
    inForce
    validUntil { value precision }
    countries { totalCount }
    past: countries(asOf: "2020-01-01") { totalCount }
    successors { node { slug inForce name(lang: ES) } }
  }
}
"""


async def test_an_old_slug_still_finds_its_office_and_leads_to_the_successor(
    execute: Execute,
) -> None:
    result = await execute(OLD_SLUG)
    assert result.errors is None
    assert result.data == {
        "regionalOffice": {
            "inForce": "NO",
            "validUntil": {"value": "2024", "precision": "YEAR"},
            "countries": {"totalCount": 0},
            "past": {"totalCount": 10},
            "successors": [
                {
                    "node": {
                        "slug": "americas",
                        "inForce": "CERTAIN",
                        "name": "Oficina Regional de las Américas",
                    }
                }
            ],
        }
    }


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ('"1950-12-31"', "`asOf`: 1950-12-31 is before 1951, when IOM was founded"),
        ('"2024-02-30"', "`asOf`: '2024-02-30' is not a date (YYYY-MM-DD)"),
        ('"2024"', "`asOf`: '2024' is not a date (YYYY-MM-DD)"),
    ],
)
async def test_an_as_of_before_1951_or_malformed_is_bad_user_input(
    execute: Execute, literal: str, message: str
) -> None:
    inline = await execute(f"{{ regionalOffices(asOf: {literal}) {{ totalCount }} }}")
    assert inline.data is None
    assert inline.errors is not None
    assert [e.extensions for e in inline.errors] == [{"code": "BAD_USER_INPUT", "argument": "asOf"}]
    assert message in inline.errors[0].message
    variable = await execute(STRUCTURE, {"asOf": literal.strip('"')})
    assert variable.errors is not None
    assert variable.errors[0].extensions == {"code": "BAD_USER_INPUT"}
    assert message in variable.errors[0].message


SEARCH = """
query Search($text: String!, $asOf: Date) {
  search(text: $text, asOf: $asOf) { nodes { ... on RegionalOffice { slug inForce } } }
}
"""


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Americas", [("americas", "CERTAIN")]),
        ("Panama", [("americas", "CERTAIN")]),  # "based in Panama": the page names no city
        ("Panamá", [("americas", "CERTAIN")]),
        ("Américas", [("americas", "CERTAIN")]),
        # Vienna's name ("South-Eastern Europe, Eastern Europe and Central Asia") matches too,
        # after the closer name.
        ("Europe and Central Asia", [("europe-central-asia", "CERTAIN"), ("vienna", "NO")]),
        ("Buenos Aires", [("buenos-aires", "NO")]),
    ],
)
async def test_search_finds_the_successors_and_says_which_offices_ended(
    execute: Execute, text: str, found: list[tuple[str, str]]
) -> None:
    result = await execute(SEARCH, {"text": text})
    assert result.errors is None
    nodes = result.data["search"]["nodes"]  # type: ignore[index]
    assert [(n["slug"], n["inForce"]) for n in nodes if n] == found


async def test_search_answers_for_the_day_asked_for(execute: Execute) -> None:
    result = await execute(SEARCH, {"text": "Buenos Aires", "asOf": "2020-01-01"})
    assert result.errors is None
    nodes = result.data["search"]["nodes"]  # type: ignore[index]
    assert [(n["slug"], n["inForce"]) for n in nodes if n] == [("buenos-aires", "CERTAIN")]


GLOBAL_OFFICE_QUERY = """
{
  organisation { regionalOffices { nodes { slug } } }
  globalOffice: regionalOffice(slug: "global-office-brussels") {
    kind name city region rank seedHeading validFrom { value } validFromUnknown validUntil { value }
    coverage { confidence } countries { totalCount }
    hostCountry { alpha3 }
    predecessors { kind node { slug kind } sourceUrl quote confidence derivation }
    successors { kind }
  }
  brussels: regionalOffice(slug: "brussels") {
    kind
    successors { kind node { slug } derivation }
    coverage { validFrom { value precision } validUntil { value precision } }
  }
  country(code: "BE") {
    hostedOffices { slug kind }
    hostedIn2020: hostedOffices(asOf: "2020-01-01") { slug kind }
  }
}
"""


async def test_the_global_office_in_brussels_is_an_office_of_another_kind(
    execute: Execute,
) -> None:
    result = await execute(GLOBAL_OFFICE_QUERY)
    assert result.errors is None
    data = result.data or {}
    assert [o["slug"] for o in data["organisation"]["regionalOffices"]["nodes"]] == SEVEN
    office = data["globalOffice"]
    edge = office.pop("predecessors")
    assert office == {
        "kind": "LIAISON_OFFICE",
        "name": "IOM Global Office in Brussels",  # no page gives a French name: English
        "city": "Brussels",
        "region": None,
        "rank": 12,
        "seedHeading": None,
        "validFrom": None,
        "validFromUnknown": "no stored page dates this office; its page dates only the EU "
        'liaison function ("IOM’s liaison with the EU was established in September 2011")',
        "validUntil": None,
        "coverage": None,
        "countries": {"totalCount": 0},
        "hostCountry": {"alpha3": "BEL"},
        "successors": [],
    }
    assert [(e["kind"], e["node"], e["sourceUrl"], e["confidence"]) for e in edge] == [
        (
            "TOOK_OVER_FUNCTION",
            {"slug": "brussels", "kind": "REGIONAL_OFFICE"},
            GLOBAL_OFFICE,
            "MEDIUM",
        )
    ]
    assert edge[0]["quote"].startswith("The IOM Global Office in Brussels acts as IOM’s liaison")
    assert edge[0]["derivation"].endswith(
        "No page says in words that one took over from the other."
    )
    brussels = data["brussels"]
    assert [(e["kind"], e["node"]["slug"]) for e in brussels["successors"]] == [
        ("MERGED_INTO", "europe-central-asia"),
        ("TOOK_OVER_FUNCTION", "global-office-brussels"),
    ]
    assert brussels["successors"][0]["derivation"] is None  # the quote states the merger
    # A list holds while its office does: Brussels' from September 2011 to 2024.
    assert brussels["coverage"] == {
        "validFrom": {"value": "2011-09", "precision": "MONTH"},
        "validUntil": {"value": "2024", "precision": "YEAR"},
    }
    # Belgium hosts the Global Office today; in 2020 the Brussels regional office as well.
    global_office = {"slug": "global-office-brussels", "kind": "LIAISON_OFFICE"}
    assert data["country"]["hostedOffices"] == [global_office]
    assert data["country"]["hostedIn2020"] == [
        {"slug": "brussels", "kind": "REGIONAL_OFFICE"},
        global_office,
    ]
