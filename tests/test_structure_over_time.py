"""The structure over time: validity periods with their precision and source, successions."""

from datetime import UTC, datetime

import pytest

from tests.conftest import Execute
from tests.dataset_facts import NINE, SEVEN
from tests.structure_facts import AMERICAS_EN, AMERICAS_ES, ECA, STRUCTURE

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
