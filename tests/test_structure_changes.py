"""The structure over time, as changes: what changed in 2024 (from memory, no statement), no
change dated 2023, the GraphiQL tab from a country to its office then and now, and the README's
examples (validity and the structure of a day: ``tests.test_structure_over_time``)."""

from pathlib import Path

import pytest

from resolvers.database import count_statements
from tests.conftest import Execute
from tests.dataset_facts import example
from tests.structure_facts import AMERICAS_EN, AMERICAS_ES, ECA, GLOBAL_OFFICE

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
