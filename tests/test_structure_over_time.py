"""The structure over time: validity periods with their precision and source, successions."""

from tests.conftest import Execute

QUERY = """
query Validity($slugs: [String!]) {
  regionalOffices(filter: {slugs: $slugs}) {
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
