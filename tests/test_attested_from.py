"""No answer more certain than its sources: an office whose start no page dates is UNCERTAIN
before the earliest date a page supports it (``attestedFrom``)."""

from tests.conftest import Execute

OFFICES = """
query Offices($day: Date!) {
  regionalOffices(asOf: $day, first: 20) { nodes { slug inForce } }
}
"""
MEXICO = """
query Mexico($day: Date!) {
  country(code: "MX") { regionalOffice(asOf: $day) { slug inForce } }
}
"""
BELGIUM = """
query Belgium($day: Date!) {
  country(code: "BE") { hostedOffices(asOf: $day) { slug inForce } }
}
"""
ATTESTED = """
{ regionalOffices(asOf: "2020-01-01", first: 20) { nodes { slug validFrom { value } attestedFrom {
    value precision sourceUrl quote confidence } } } }
"""
SIX = ["bangkok", "cairo", "dakar", "nairobi", "pretoria", "san-jose"]
VIENNA_PAGE = "http://www.iomvienna.at/en/"


async def _offices(execute: Execute, day: str) -> dict[str, str]:
    result = await execute(OFFICES, {"day": day})
    assert result.errors is None
    return {o["slug"]: o["inForce"] for o in result.data["regionalOffices"]["nodes"]}  # type: ignore[index]


async def test_the_six_undated_offices_are_uncertain_before_2011(execute: Execute) -> None:
    assert await _offices(execute, "1990-01-01") == dict.fromkeys(SIX, "UNCERTAIN")
    # Vienna's start is known to the year only: every day of 2011 is uncertain for it too.
    june = await _offices(execute, "2011-06-30")
    assert june == dict.fromkeys(SIX, "UNCERTAIN") | {"vienna": "UNCERTAIN"}
    # From the day the 2011 structure is dated, as before (Vienna, Buenos Aires start later).
    july = await _offices(execute, "2011-07-01")
    assert {slug: july[slug] for slug in SIX} == dict.fromkeys(SIX, "CERTAIN")


async def test_mexico_in_1960_is_san_jose_uncertain(execute: Execute) -> None:
    result = await execute(MEXICO, {"day": "1960-01-01"})
    assert result.errors is None
    office = result.data["country"]["regionalOffice"]  # type: ignore[index]
    assert office == {"slug": "san-jose", "inForce": "UNCERTAIN"}
    result = await execute(MEXICO, {"day": "2015-01-01"})
    assert result.data["country"]["regionalOffice"] == {"slug": "san-jose", "inForce": "CERTAIN"}  # type: ignore[index]


async def test_the_global_office_is_not_certain_before_2024(execute: Execute) -> None:
    for day, brussels in (("2000-01-01", None), ("2020-01-01", "CERTAIN")):
        result = await execute(BELGIUM, {"day": day})
        assert result.errors is None
        hosted = {o["slug"]: o["inForce"] for o in result.data["country"]["hostedOffices"]}  # type: ignore[index]
        expected = {"global-office-brussels": "UNCERTAIN"}
        if brussels:
            expected["brussels"] = brussels
        assert hosted == expected
    result = await execute(BELGIUM, {"day": "2025-01-01"})
    assert result.data["country"]["hostedOffices"] == [  # type: ignore[index]
        {"slug": "global-office-brussels", "inForce": "CERTAIN"}
    ]


async def test_attested_from_is_served_with_its_source(execute: Execute) -> None:
    result = await execute(ATTESTED)
    assert result.errors is None
    nodes = result.data["regionalOffices"]["nodes"]  # type: ignore[index]
    attested = {o["slug"]: o["attestedFrom"] for o in nodes if o["attestedFrom"]}
    assert sorted(attested) == SIX
    assert attested["nairobi"] == {
        "value": "2011-07-01",
        "precision": "DAY",
        "sourceUrl": VIENNA_PAGE,
        "quote": "As of 1 July 2011, IOM's organizational structure is composed of eight "
        "Regional Offices",
        "confidence": "LOW",
    }
    # Only an unknown start has one.
    assert all(o["validFrom"] is None for o in nodes if o["attestedFrom"])
