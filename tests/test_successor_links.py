"""The 2024 offices have no institutions of their own, and say why; their predecessors' links
are one field away (``predecessorInstitutions``)."""

from tests.conftest import Execute
from tests.dataset_facts import office_links

QUERY = """
query Successors($slugs: [String!]!) {
  regionalOfficesBySlug(slugs: $slugs) {
    slug
    institutions(first: 100) { totalCount }
    dataQualityNotes { slug severity }
    predecessorInstitutions {
      office { slug }
      institution { slug }
      relationship
      evidence { phrase }
    }
  }
}
"""


async def test_the_2024_offices_say_why_they_have_no_institutions(execute: Execute) -> None:
    result = await execute(QUERY, {"slugs": ["europe-central-asia", "americas", "nairobi"]})
    assert result.errors is None
    offices = {o["slug"]: o for o in result.data["regionalOfficesBySlug"]}  # type: ignore[index]
    note = {"slug": "successors-without-institutions", "severity": "MEDIUM"}
    for slug in ("europe-central-asia", "americas"):
        assert offices[slug]["institutions"]["totalCount"] == 0
        assert note in offices[slug]["dataQualityNotes"]
    assert note not in offices["nairobi"]["dataQualityNotes"]
    assert offices["nairobi"]["predecessorInstitutions"] == []


async def test_predecessor_institutions_are_the_predecessors_links_in_order(
    execute: Execute,
) -> None:
    result = await execute(QUERY, {"slugs": ["europe-central-asia", "americas"]})
    assert result.errors is None
    offices = {o["slug"]: o for o in result.data["regionalOfficesBySlug"]}  # type: ignore[index]
    links = office_links()
    for slug, predecessors in (
        ("europe-central-asia", ["brussels", "vienna"]),  # the seed page's order
        ("americas", ["buenos-aires", "san-jose"]),
    ):
        served = [
            (
                link["office"]["slug"],
                link["institution"]["slug"],
                link["relationship"].lower(),
                link["evidence"]["phrase"],
            )
            for link in offices[slug]["predecessorInstitutions"]
        ]
        expected = [(p, *link) for p in predecessors for link in links[p]]
        assert served == expected
    counts = {slug: len(o["predecessorInstitutions"]) for slug, o in offices.items()}
    assert counts == {"europe-central-asia": 27, "americas": 19}


GLOBAL_OFFICE = """
{
  regionalOfficesBySlug(slugs: ["global-office-brussels"]) {
    institutions(first: 10) {
      edges { relationship node { slug } evidence { phrase language sourceUrl } }
    }
  }
}
"""


async def test_the_global_office_serves_its_eu_liaison_with_its_quote(execute: Execute) -> None:
    result = await execute(GLOBAL_OFFICE)
    assert result.errors is None
    edges = result.data["regionalOfficesBySlug"][0]["institutions"]["edges"]  # type: ignore[index]
    assert edges == [
        {
            "relationship": "LIAISON",
            "node": {"slug": "eu"},
            "evidence": {
                "phrase": "The IOM Global Office in Brussels acts as IOM’s liaison and "
                "coordination office to the European Union (EU) Institutions, Bodies and Agencies.",
                "language": "en",
                "sourceUrl": "https://globalofficebrussels.iom.int/iom-global-office-brussels",
            },
        }
    ]
