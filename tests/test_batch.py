"""Batch lookups in input order: one item per key, null plus an error at that item's path for
a key that names nothing (NOT_FOUND) or is malformed (BAD_USER_INPUT), the others intact."""

from tests.conftest import Execute

COUNTRIES = """
query Countries($codes: [String!]!) {
  countriesByCode(codes: $codes) { alpha3 name }
  organisation { slug }
}
"""
OFFICES = """
query Offices($slugs: [String!]!) {
  regionalOfficesBySlug(slugs: $slugs, asOf: "2020-01-01") { slug inForce }
}
"""
INSTITUTIONS = """
query Institutions($acronyms: [String!]!) {
  institutionsByAcronym(acronyms: $acronyms) { slug }
}
"""


def _errors(result: object) -> list[tuple[list[object], str | None, str]]:
    return [
        (e.path, (e.extensions or {}).get("code"), e.message)
        for e in result.errors or []  # type: ignore[attr-defined]
    ]


async def test_countries_by_code_keeps_order_and_errors_at_items(execute: Execute) -> None:
    result = await execute(COUNTRIES, {"codes": ["KE", "XX", "egy", "Kenya"]})
    assert result.data == {
        "countriesByCode": [
            {"alpha3": "KEN", "name": "Kenya"},
            None,
            {"alpha3": "EGY", "name": "Egypt"},
            None,
        ],
        "organisation": {"slug": "iom"},
    }
    errors = _errors(result)
    assert [(path, code) for path, code, _ in errors] == [
        (["countriesByCode", 1], "NOT_FOUND"),
        (["countriesByCode", 3], "BAD_USER_INPUT"),
    ]
    assert errors[0][2] == "`codes`: no country with code 'XX'"
    assert errors[1][2].startswith("`codes`: 'Kenya' is not an ISO 3166-1 alpha-2 or alpha-3 code")
    assert "did you mean KE?" in errors[1][2]
    assert result.errors[1].extensions["didYouMean"] == "KE"  # type: ignore[index]


async def test_offices_by_slug_keep_order(execute: Execute) -> None:
    result = await execute(OFFICES, {"slugs": ["san-jose", "nowhere", "x" * 70, "nairobi"]})
    assert result.data == {
        "regionalOfficesBySlug": [
            {"slug": "san-jose", "inForce": "CERTAIN"},
            None,
            None,
            {"slug": "nairobi", "inForce": "CERTAIN"},
        ]
    }
    assert [(path, code) for path, code, _ in _errors(result)] == [
        (["regionalOfficesBySlug", 1], "NOT_FOUND"),
        (["regionalOfficesBySlug", 2], "BAD_USER_INPUT"),
    ]


async def test_institutions_by_acronym_keep_order(execute: Execute) -> None:
    result = await execute(INSTITUTIONS, {"acronyms": ["cesao", "NOPE", "OACPS", "x" * 40]})
    assert result.data == {
        "institutionsByAcronym": [{"slug": "escwa"}, None, {"slug": "acp-secretariat"}, None]
    }
    assert [(path, code) for path, code, _ in _errors(result)] == [
        (["institutionsByAcronym", 1], "NOT_FOUND"),
        (["institutionsByAcronym", 3], "BAD_USER_INPUT"),
    ]


PARTIAL = """
query Partial($codes: [String!], $ids: [ID!]!) {
  countries(filter: {codes: $codes}) { totalCount }
  nodes(ids: $ids) { id ... on Country { alpha3 } }
  organisation { slug }
}
"""


async def test_one_bad_value_does_not_null_the_response(execute: Execute) -> None:
    first = await execute('{ country(code: "KE") { id } }')
    kenya = first.data["country"]["id"]  # type: ignore[index]
    result = await execute(PARTIAL, {"codes": ["KE", "Kenya"], "ids": [kenya, "bad"]})
    assert result.data == {
        "countries": None,
        "nodes": [{"id": kenya, "alpha3": "KEN"}, None],
        "organisation": {"slug": "iom"},
    }
    errors = sorted(_errors(result), key=str)
    assert [(path, code) for path, code, _ in errors] == [
        (["countries"], "BAD_USER_INPUT"),
        (["nodes", 1], "BAD_USER_INPUT"),
    ]
    assert errors[1][2] == "'bad' is not an ID this API issued"


async def test_a_country_name_as_code_points_to_search_and_its_code(execute: Execute) -> None:
    result = await execute('{ country(code: "Peru") { alpha3 } organisation { slug } }')
    assert result.data == {"country": None, "organisation": {"slug": "iom"}}
    [error] = result.errors or []
    assert error.message == (
        "`code`: 'Peru' is not an ISO 3166-1 alpha-2 or alpha-3 code (two or three letters, "
        "e.g. KE or KEN); did you mean PE? To find a country by its name, use `search(text:)`."
    )
    assert error.extensions == {
        "code": "BAD_USER_INPUT",
        "argument": "code",
        "search": "search(text:)",
        "didYouMean": "PE",
    }
    # A name no country bears exactly: the way to search, no guess.
    result = await execute('{ country(code: "Atlantis") { alpha3 } }')
    assert "didYouMean" not in (result.errors or [])[0].extensions  # type: ignore[operator]
