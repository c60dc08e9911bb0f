"""The structure over time: validity periods with their precision and source, successions."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from resolvers.database import count_statements
from tests.conftest import Execute
from tests.dataset_facts import NINE, SEVEN, example

QUERY = """
query Validity($slugs: [String!]) {
  regionalOffices(asOf: "2020-01-01", filter: {slugs: $slugs}) {
    nodes {
      slug
      validFrom { value precision sourceUrl quote confidence derivation }
      validFromUnknown
      validUntil { value precision sourceUrl confidence derivation }
      validUntilUnknown
      predecessors { kind confidence sourceUrl node { slug } }
      successors { kind node { slug } }
    }
  }
}
"""
ECA = "https://eca.iom.int/iom-europe-and-central-asia"
AMERICAS_ES = "https://americas.iom.int/es/oficina-regional"


async def test_each_office_has_its_dates_with_precision_and_source(execute: Execute) -> None:
    result = await execute(QUERY, {"slugs": ["vienna", "buenos-aires", "nairobi"]})
    assert result.errors is None
    offices = {o["slug"]: o for o in result.data["regionalOffices"]["nodes"]}  # type: ignore[index]
    assert offices["vienna"]["validFrom"] == {
        "value": "2011",
        "precision": "YEAR",
        "sourceUrl": "https://rovienna.iom.int/regional-office-vienna",
        "quote": "A regional office (RO) was established in Vienna in 2011.",
        "confidence": "HIGH",
        "derivation": None,
    }
    assert offices["vienna"]["validUntil"] == {
        "value": "2024",
        "precision": "YEAR",
        "sourceUrl": ECA,
        "confidence": "HIGH",
        "derivation": None,
    }
    assert offices["buenos-aires"]["validFrom"]["value"] == "2011-07"
    assert offices["buenos-aires"]["validFrom"]["precision"] == "MONTH"
    ended = offices["buenos-aires"]["validUntil"]
    assert (ended["value"], ended["precision"], ended["sourceUrl"], ended["confidence"]) == (
        "2024",
        "YEAR",
        AMERICAS_ES,
        "MEDIUM",
    )
    assert ended["derivation"].startswith('The successor "fue creada en 2024')
    # No page dates Nairobi's start or reports an end: null, with the reason, never filled in.
    nairobi = offices["nairobi"]
    assert (nairobi["validFrom"], nairobi["validUntil"]) == (None, None)
    assert nairobi["validFromUnknown"].startswith("no stored page dates this office's start")
    assert nairobi["validUntilUnknown"] == (
        "open: no stored page reports an end (absence of evidence, not proof)"
    )
    assert offices["vienna"]["validFromUnknown"] is None


NOTE = """
{ dataQualityNote(slug: "count-eight-vs-nine") { text sources { url } } }
"""


async def test_the_count_of_eight_gets_the_explanation_the_reference_gives(
    execute: Execute,
) -> None:
    result = await execute(NOTE)
    assert result.errors is None
    note = result.data["dataQualityNote"]  # type: ignore[index]
    assert note["text"].endswith(
        "A likely explanation (confidence medium; derived, no page says so) is that IOM Vienna "
        'counted eight Regional Offices "As of 1 July 2011", before the Brussels office "was '
        'established in September 2011"; the seed\'s "huit" may be a leftover of that count.'
    )
    assert [s["url"] for s in note["sources"]] == [
        "https://www.iom.int/countries/burundi%3B",
        "http://www.iomvienna.at/en/",
        "https://eea.iom.int/iom-regional-office-brussels",
    ]


STRUCTURE = """
query Structure($asOf: Date) {
  regionalOffices(asOf: $asOf) { totalCount nodes { slug inForce(asOf: $asOf) } }
  peru: country(code: "PE") {
    regionalOffice(asOf: $asOf) {
      slug
      coverage { confidence derived }
      validFrom { value precision sourceUrl }
      predecessors { kind node { slug successors { node { slug } } } }
    }
  }
  austria: country(code: "AT") { regionalOffice(asOf: $asOf) { slug } }
  kenya: country(code: "KE") { regionalOffice(asOf: $asOf) { slug } }
}
"""
AMERICAS_EN = "https://americas.iom.int/en/who-we-are"


@pytest.mark.parametrize("as_of", [None, "2025-06-01"])
async def test_today_and_2025_answer_with_the_structure_after_the_mergers(
    execute: Execute, as_of: str | None
) -> None:
    result = await execute(STRUCTURE, {"asOf": as_of})
    assert result.errors is None
    data = result.data
    assert data is not None
    offices = data["regionalOffices"]
    assert offices["totalCount"] == 7
    assert [(o["slug"], o["inForce"]) for o in offices["nodes"]] == [
        (slug, "CERTAIN") for slug in SEVEN
    ]
    assert data["peru"]["regionalOffice"] == {
        "slug": "americas",
        "coverage": {"confidence": "LOW", "derived": True},
        "validFrom": {"value": "2024", "precision": "YEAR", "sourceUrl": AMERICAS_EN},
        "predecessors": [
            {
                "kind": "MERGED_INTO",
                "node": {"slug": "buenos-aires", "successors": [{"node": {"slug": "americas"}}]},
            },
            {
                "kind": "MERGED_INTO",
                "node": {"slug": "san-jose", "successors": [{"node": {"slug": "americas"}}]},
            },
        ],
    }
    assert data["austria"]["regionalOffice"] == {"slug": "europe-central-asia"}
    assert data["kenya"]["regionalOffice"] == {"slug": "nairobi"}
    # Every field answered for the day given, else today: the response states that one day.
    today = datetime.now(UTC).date().isoformat()
    assert result.extensions == {  # type: ignore[comparison-overlap]
        "cost": result.extensions["cost"],  # type: ignore[index]
        "asOf": as_of or today,
    }


async def test_2020_answers_with_the_nine_offices_of_the_seed_page(execute: Execute) -> None:
    result = await execute(STRUCTURE, {"asOf": "2020-01-01"})
    assert result.errors is None
    data = result.data
    assert data is not None
    assert [o["slug"] for o in data["regionalOffices"]["nodes"]] == NINE
    assert {o["inForce"] for o in data["regionalOffices"]["nodes"]} == {"CERTAIN"}
    peru = data["peru"]["regionalOffice"]
    assert (peru["slug"], peru["coverage"], peru["predecessors"]) == (
        "buenos-aires",
        {"confidence": "HIGH", "derived": False},
        [],
    )
    assert data["austria"]["regionalOffice"] == {"slug": "brussels"}
    assert data["kenya"]["regionalOffice"] == {"slug": "nairobi"}


async def test_a_day_of_2024_is_uncertain_for_the_offices_the_mergers_touched(
    execute: Execute,
) -> None:
    # The mergers are known only to the year: on any day of 2024 the four old offices may
    # have ended and the two new ones may have begun. All are returned, marked UNCERTAIN;
    # a country's office is then the successor.
    result = await execute(STRUCTURE, {"asOf": "2024-06-01"})
    assert result.errors is None
    data = result.data
    assert data is not None
    assert [(o["slug"], o["inForce"]) for o in data["regionalOffices"]["nodes"]] == [
        ("bangkok", "CERTAIN"),
        ("brussels", "UNCERTAIN"),
        ("vienna", "UNCERTAIN"),
        ("cairo", "CERTAIN"),
        ("dakar", "CERTAIN"),
        ("nairobi", "CERTAIN"),
        ("pretoria", "CERTAIN"),
        ("buenos-aires", "UNCERTAIN"),
        ("san-jose", "UNCERTAIN"),
        ("europe-central-asia", "UNCERTAIN"),
        ("americas", "UNCERTAIN"),
    ]
    assert data["peru"]["regionalOffice"]["slug"] == "americas"
    assert data["austria"]["regionalOffice"] == {"slug": "europe-central-asia"}
    # The last day of 2024: the successors are surely in force, the old offices still maybe.
    last = await execute(STRUCTURE, {"asOf": "2024-12-31"})
    assert last.errors is None
    states = {o["slug"]: o["inForce"] for o in last.data["regionalOffices"]["nodes"]}  # type: ignore[index]
    assert (states["vienna"], states["europe-central-asia"]) == ("UNCERTAIN", "CERTAIN")
    # The first day of 2025: the old offices are gone.
    first = await execute(STRUCTURE, {"asOf": "2025-01-01"})
    assert first.errors is None
    assert [o["slug"] for o in first.data["regionalOffices"]["nodes"]] == SEVEN  # type: ignore[index]


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


GLOBAL_OFFICE = "https://globalofficebrussels.iom.int/iom-global-office-brussels"

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


CHANGES = """
query Changes($year: Int) {
  organisation {
    structureChanges(year: $year) {
      kind
      date { value precision }
      ended { slug }
      began { slug inForce }
      sources { url confidence }
    }
  }
}
"""


@pytest.mark.parametrize("year", [2024, None])
async def test_what_changed_in_2024_runs_no_statement(execute: Execute, year: int | None) -> None:
    with count_statements() as counter:
        result = await execute(CHANGES, {"year": year})
    assert result.errors is None
    assert counter.count == 0  # the organisation, its offices, predecessors: all in memory
    year_only = {"value": "2024", "precision": "YEAR"}
    mergers = [
        {
            "kind": "MERGED_INTO",
            "date": year_only,
            "ended": [{"slug": "brussels"}, {"slug": "vienna"}],
            "began": {"slug": "europe-central-asia", "inForce": "CERTAIN"},
            "sources": [{"url": ECA, "confidence": "HIGH"}],
        },
        {
            "kind": "MERGED_INTO",
            "date": year_only,
            "ended": [{"slug": "buenos-aires"}, {"slug": "san-jose"}],
            "began": {"slug": "americas", "inForce": "CERTAIN"},
            "sources": [
                {"url": AMERICAS_ES, "confidence": "HIGH"},
                {"url": AMERICAS_ES, "confidence": "HIGH"},
            ],
        },
    ]
    # No page dates the Global Office taking over Brussels' EU liaison: no year finds it.
    liaison = {
        "kind": "TOOK_OVER_FUNCTION",
        "date": None,
        "ended": [{"slug": "brussels"}],
        "began": {"slug": "global-office-brussels", "inForce": "CERTAIN"},
        "sources": [{"url": GLOBAL_OFFICE, "confidence": "MEDIUM"}],
    }
    expected = mergers if year == 2024 else [*mergers, liaison]
    assert result.data["organisation"]["structureChanges"] == expected  # type: ignore[index]


async def test_no_change_is_dated_2023(execute: Execute) -> None:
    result = await execute(CHANGES, {"year": 2023})
    assert result.errors is None
    assert result.data == {"organisation": {"structureChanges": []}}


async def test_the_graphiql_tab_walks_from_a_country_to_its_office_then_and_now(
    execute: Execute,
) -> None:
    result = await execute(example("07-the-2024-reorganisation"), {"code": "PE"})
    assert result.errors is None
    peru = result.data["country"]  # type: ignore[index]
    assert (peru["then"]["slug"], peru["then"]["inForce"]) == ("buenos-aires", "CERTAIN")
    assert [s["node"]["slug"] for s in peru["then"]["successors"]] == ["americas"]
    assert (peru["now"]["slug"], peru["now"]["inForce"]) == ("americas", "CERTAIN")
    assert peru["now"]["coverage"]["derived"] is True
    assert [p["node"]["slug"] for p in peru["now"]["predecessors"]] == ["buenos-aires", "san-jose"]


def _readme_queries() -> list[str]:
    page = Path(__file__).resolve().parent.parent / "docs" / "structure-over-time.md"
    section = page.read_text(encoding="utf-8")
    return [block.split("```", 1)[0] for block in section.split("```graphql\n")[1:]]


async def test_the_readme_examples_run_and_say_what_the_readme_says(execute: Execute) -> None:
    peru, changes, ambiguous = _readme_queries()
    first = await execute(peru)
    assert first.errors is None
    assert first.data == {
        "country": {
            "then": {
                "slug": "buenos-aires",
                "successors": [{"kind": "MERGED_INTO", "node": {"slug": "americas"}}],
            },
            "now": {
                "slug": "americas",
                "coverage": {"derived": True, "confidence": "LOW"},
                "validFrom": {"value": "2024", "precision": "YEAR", "sourceUrl": AMERICAS_EN},
            },
        }
    }
    second = await execute(changes)
    assert second.errors is None
    assert [c["began"]["slug"] for c in second.data["organisation"]["structureChanges"]] == [  # type: ignore[index]
        "europe-central-asia",
        "americas",
    ]
    third = await execute(ambiguous)
    assert third.errors is None
    data = third.data
    assert data is not None
    assert len(data["regionalOffices"]["nodes"]) == 11
    assert data["regionalOffice"]["inForce"] == "NO"
    assert data["regionalOffice"]["successors"] == [
        {
            "node": {
                "slug": "americas",
                "predecessors": [
                    {"node": {"slug": "buenos-aires"}},
                    {"node": {"slug": "san-jose"}},
                ],
            }
        }
    ]
