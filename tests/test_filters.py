"""Root lists: filters, ordering and lookups by natural key."""

from tests.conftest import Execute

OFFICES = """
query Offices(
  $filter: RegionalOfficeFilter, $orderBy: RegionalOfficeOrder, $asOf: Date = "2020-01-01"
) {
  regionalOffices(asOf: $asOf, filter: $filter, orderBy: $orderBy) { totalCount nodes { slug } }
}
"""
COUNTRIES = """
query Countries($filter: CountryFilter, $orderBy: CountryOrder) {
  countries(filter: $filter, orderBy: $orderBy, first: 100) { totalCount nodes { alpha3 } }
}
"""
INSTITUTIONS = """
query Institutions($filter: InstitutionFilter, $orderBy: InstitutionOrder) {
  institutions(filter: $filter, orderBy: $orderBy, first: 100) { totalCount nodes { slug } }
}
"""


async def _slugs(
    execute: Execute, query: str, field: str, key: str, **variables: object
) -> list[str]:
    result = await execute(query, dict(variables))
    assert result.errors is None, result.errors
    return [n[key] for n in result.data[field]["nodes"]]  # type: ignore[index]


async def test_offices_by_confidence_and_name(execute: Execute) -> None:
    assert await _slugs(
        execute, OFFICES, "regionalOffices", "slug", filter={"confidence": ["HIGH"]}
    ) == ["vienna", "nairobi", "pretoria", "buenos-aires"]
    assert await _slugs(
        execute, OFFICES, "regionalOffices", "slug", orderBy={"field": "SLUG", "direction": "DESC"}
    ) == [
        "vienna",
        "san-jose",
        "pretoria",
        "nairobi",
        "dakar",
        "cairo",
        "buenos-aires",
        "brussels",
        "bangkok",
    ]
    assert await _slugs(
        execute, OFFICES, "regionalOffices", "slug", filter={"hostCountryCodes": ["ke", "EGY"]}
    ) == ["cairo", "nairobi"]
    assert await _slugs(execute, OFFICES, "regionalOffices", "slug", filter={"text": "caire"}) == [
        "cairo"
    ]


async def test_office_filters_apply_to_the_offices_in_force_that_day(execute: Execute) -> None:
    today = {"asOf": None}  # null: no asOf, today
    assert await _slugs(
        execute, OFFICES, "regionalOffices", "slug", filter={"confidence": ["HIGH"]}, **today
    ) == ["nairobi", "pretoria"]
    assert await _slugs(
        execute, OFFICES, "regionalOffices", "slug", filter={"confidence": ["LOW"]}, **today
    ) == ["bangkok", "europe-central-asia", "americas"]
    assert await _slugs(
        execute, OFFICES, "regionalOffices", "slug", filter={"hostCountryCodes": ["AT"]}, **today
    ) == ["europe-central-asia"]


async def test_countries_by_office_and_support(execute: Execute) -> None:
    assert await _slugs(
        execute,
        COUNTRIES,
        "countries",
        "alpha3",
        filter={"offices": ["nairobi"]},
        orderBy={"field": "ALPHA3"},
    ) == ["BDI", "DJI", "ERI", "ETH", "KEN", "RWA", "SOM", "SSD", "TZA", "UGA"]
    unsupported = await execute(COUNTRIES, {"filter": {"supported": False}})
    assert unsupported.data["countries"]["totalCount"] == 60  # type: ignore[index]
    assert await _slugs(
        execute,
        COUNTRIES,
        "countries",
        "alpha3",
        filter={"codes": ["ke", "FRA", "xk"]},
        orderBy={"field": "ALPHA3"},
    ) == ["FRA", "KEN", "XKX"]


async def test_institutions_by_kind_office_and_relationship(execute: Execute) -> None:
    assert await _slugs(
        execute,
        INSTITUTIONS,
        "institutions",
        "slug",
        filter={"kinds": ["DEVELOPMENT_BANK"]},
        orderBy={"field": "SLUG"},
    ) == ["adb", "idb", "opec-fund"]
    assert await _slugs(
        execute,
        INSTITUTIONS,
        "institutions",
        "slug",
        filter={"offices": ["cairo"], "relationships": ["CO_CHAIRS", "HOSTS"]},
        orderBy={"field": "SLUG"},
    ) == ["mhub", "wg-intl-migration-arab-region"]
    by_acronym = await _slugs(
        execute,
        INSTITUTIONS,
        "institutions",
        "slug",
        filter={"offices": ["nairobi"]},
        orderBy={"field": "ACRONYM"},
    )
    assert by_acronym == [
        "eac",
        "rcps-east-africa",
        "un-habitat",
        "unep",
        "unon",
        "un-regional-migration-group-eha",
    ]


async def test_institution_by_acronym_in_any_language(execute: Execute) -> None:
    result = await execute(
        '{ a: institution(acronym: "cesao") { slug } b: institution(acronym: "ESCWA") { slug } }'
    )
    assert result.errors is None
    assert result.data == {"a": {"slug": "escwa"}, "b": {"slug": "escwa"}}
    shared = await execute('{ institution(acronym: "CEI") { slug } }')
    assert shared.errors is not None
    assert shared.errors[0].message == (
        "acronym 'CEI' is shared by 2 institutions (cei, cis): ask by `slug`"
    )
    neither = await execute("{ institution { slug } }")
    assert neither.errors is not None
    assert neither.errors[0].message == "give exactly one of `slug` and `acronym`"


async def test_unknown_keys_are_null_and_bad_codes_are_refused(execute: Execute) -> None:
    result = await execute(
        '{ regionalOffice(slug: "panama") { slug } country(code: "QQ") { alpha3 } }'
    )
    assert result.errors is None
    assert result.data == {"regionalOffice": None, "country": None}
    bad = await execute('{ country(code: "K3N") { alpha3 } }')
    assert bad.errors is not None
    assert bad.errors[0].extensions == {
        "code": "BAD_USER_INPUT",
        "argument": "code",
        "search": "search(text:)",  # issue 23: where to look a country up by name
    }
