"""Every source has a readable title (no ``external_fact_1`` keys) and a confidence."""

import re

from tests.conftest import Execute

QUERY = """
{
  institutions(first: 100) { nodes { slug sources { fact url kind confidence } } }
  dataQualityNotes { slug sources { fact url kind confidence } }
  regionalOfficesBySlug(slugs: ["brussels"]) { sources { fact kind confidence } }
}
"""
KEY_LIKE = re.compile(r"_\d+$")


async def test_every_source_has_a_title_and_a_confidence(execute: Execute) -> None:
    result = await execute(QUERY)
    assert result.errors is None
    data = result.data or {}
    owners = data["institutions"]["nodes"] + data["dataQualityNotes"]
    sources = [s for owner in owners for s in owner["sources"]]
    sources += data["regionalOfficesBySlug"][0]["sources"]
    assert [s["fact"] for s in sources if KEY_LIKE.search(s["fact"])] == []
    assert [s for s in sources if s["confidence"] is None] == []
    colombo = next(i for i in data["institutions"]["nodes"] if i["slug"] == "colombo-process")
    assert {
        "fact": "IOM's support to the Colombo Process",
        "url": "https://www.iom.int/regional-consultative-process-overseas-employment-and-"
        "contractual-labor-countries-origin-asia-colombo-process",
        "kind": "PAGE",
        "confidence": "HIGH",
    } in colombo["sources"]
    note = next(n for n in data["dataQualityNotes"] if n["slug"] == "count-eight-vs-nine")
    assert [s["fact"] for s in note["sources"]] == [
        "source 1: www.iom.int",
        "source 2: www.iomvienna.at",
        "source 3: eea.iom.int",
    ]
    office = data["regionalOfficesBySlug"][0]["sources"]
    brussels = {s["fact"]: (s["kind"], s["confidence"]) for s in office}
    # A coverage's source carries the coverage's own confidence, not the page's.
    assert brussels["coverage"] == ("PAGE", "MEDIUM")
    assert brussels["name (fr)"] == ("SEED", "HIGH")
