"""The root lists' lean resolvers (``schema.execution.resolution``): their filter and order
arguments, input objects built by their ``from_input`` hook (``schema.filters.built_directly``),
are converted by the lean resolver itself, and the answers, errors included, are strawberry's
standard execution's (``tests.test_equivalence.BothWays``): literals, variables, null, omitted
and refused values, each asked twice (the second time by the direct path, on the kept plan)."""

import asyncio
from typing import Any

import pytest
import strawberry.schema.schema_converter as strawberry_converter
from sqlalchemy import Engine

from resolvers.pagination import encode_cursor
from schema.execution.resolution import LeanResolver
from tests.conftest import DEFAULT_SCHEMA
from tests.test_equivalence import BothWays

NODES = "nodes { alpha2 alpha3 numeric isIso } pageInfo { endCursor hasNextPage }"
PAGE_TWO = (
    "{ countries(orderBy: { field: ALPHA3, direction: DESC }, first: 10, "
    f'after: "{encode_cursor(9)}") {{ {NODES} }} }}'
)
NAIROBI = (
    'query OfficeCountries { countries(filter: { offices: ["nairobi"] }, '
    "orderBy: { field: ALPHA3 }, first: 100) { totalCount nodes { alpha3 name } } }"
)
BY_VARIABLES = (
    "query Countries($f: CountryFilter, $o: CountryOrder, $first: Int) { "
    f"countries(filter: $f, orderBy: $o, first: $first) {{ totalCount {NODES} }} }}"
)
INNER_VARIABLES = (
    "query Countries($codes: [String!], $direction: OrderDirection!) { "
    "countries(filter: { codes: $codes, supported: true }, "
    f"orderBy: {{ field: ALPHA2, direction: $direction }}) {{ totalCount {NODES} }} }}"
)
REQUIRED = (
    "query Countries($f: CountryFilter!) { "
    f"countries(filter: $f, first: 5) {{ totalCount {NODES} }} }}"
)
INSTITUTIONS = (
    "query Institutions($f: InstitutionFilter, $o: InstitutionOrder) { "
    "institutions(filter: $f, orderBy: $o, first: 7) { totalCount nodes { slug acronym } } }"
)
OFFICES = (
    "query Offices($f: RegionalOfficeFilter, $o: RegionalOfficeOrder) { "
    "regionalOffices(filter: $f, orderBy: $o) { totalCount nodes { slug name } } }"
)

_CASES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("page two", PAGE_TWO, None),
    ("nairobi", NAIROBI, None),
    ("literal nulls", "{ countries(filter: null, orderBy: null, first: 3) { totalCount } }", None),
    ("omitted", "{ countries(first: 3) { totalCount nodes { alpha3 } } }", None),
    ("variables", BY_VARIABLES, {"f": {"codes": ["ke", "EGY"]}, "o": {"field": "ALPHA2"}}),
    ("null variables", BY_VARIABLES, {"f": None, "o": None, "first": 2}),
    ("omitted variables", BY_VARIABLES, {"first": 4}),
    ("one code for a list", BY_VARIABLES, {"f": {"codes": "sn", "text": "sen"}}),
    ("inner variables", INNER_VARIABLES, {"codes": ["KE", "TZ", "FR"], "direction": "DESC"}),
    ("inner null", INNER_VARIABLES, {"codes": None, "direction": "ASC"}),
    ("institutions", INSTITUTIONS, {"f": {"text": "nations"}, "o": {"field": "ACRONYM"}}),
    ("institutions desc", INSTITUTIONS, {"o": {"field": "SLUG", "direction": "DESC"}}),
    ("offices", OFFICES, {"f": {"hostCountryCodes": ["KEN", "za"]}, "o": {"field": "NAME"}}),
    ("offices by slug", OFFICES, {"f": {"slugs": ["Nairobi", "dakar"], "confidence": None}}),
    # refused: by the resolver (its BAD_USER_INPUT), by variable coercion, by validation
    ("bad code", BY_VARIABLES, {"f": {"codes": ["KENYA"]}}),
    ("unknown office", BY_VARIABLES, {"f": {"offices": ["nairob"]}}),
    ("too many codes", BY_VARIABLES, {"f": {"codes": ["KE"] * 301}}),
    ("bad enum variable", BY_VARIABLES, {"o": {"field": "NOPE"}}),
    ("unknown input field", BY_VARIABLES, {"f": {"country": "KE"}}),
    ("required null", REQUIRED, {"f": None}),
    ("bad enum literal", "{ countries(orderBy: { field: NOPE }) { totalCount } }", None),
    ("bad cursor", BY_VARIABLES.replace("$first: Int", "$first: Int = -1"), {"o": None}),
]


@pytest.fixture(scope="module")
def both_ways(seeded_engine: Engine) -> BothWays:
    return BothWays(seeded_engine)


@pytest.mark.parametrize(
    ("query", "variables"), [c[1:] for c in _CASES], ids=[c[0] for c in _CASES]
)
def test_list_arguments_are_answered_as_strawberry_answers(
    both_ways: BothWays, query: str, variables: dict[str, Any] | None
) -> None:
    first = both_ways.compare(query, variables)
    assert both_ways.compare(query, variables) == first  # the direct path, the plan kept


def test_page_two_and_the_nairobi_filter_answer_the_dataset(both_ways: BothWays) -> None:
    page = both_ways.compare(PAGE_TWO)["data"]["countries"]
    assert [n["alpha3"] for n in page["nodes"]] == [
        *("VGB", "VEN", "VCT", "VAT", "UZB", "USA", "URY", "UMI", "UKR", "UGA")
    ]
    assert page["pageInfo"] == {"endCursor": encode_cursor(19), "hasNextPage": True}
    nairobi = both_ways.compare(NAIROBI)["data"]["countries"]
    assert nairobi["totalCount"] == 10
    alpha3 = [n["alpha3"] for n in nairobi["nodes"]]
    assert alpha3 == ["BDI", "DJI", "ERI", "ETH", "KEN", "RWA", "SOM", "SSD", "TZA", "UGA"]


def test_a_refused_filter_is_the_resolvers_error(both_ways: BothWays) -> None:
    result = both_ways.compare(BY_VARIABLES, {"f": {"codes": ["KENYA"]}})
    assert result["data"] == {"countries": None}
    assert [e["extensions"]["code"] for e in result["errors"]] == ["BAD_USER_INPUT"]


def test_list_fields_with_input_arguments_are_lean(
    both_ways: BothWays, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each root list's resolver is lean and builds its inputs itself: with strawberry's
    argument conversion broken, the lists still answer."""
    fields = DEFAULT_SCHEMA._schema.query_type.fields  # type: ignore[union-attr]
    for name in ("regionalOffices", "countries", "institutions"):
        resolve = fields[name].resolve
        assert isinstance(resolve, LeanResolver), name
        assert [i.graphql_name for i in resolve.inputs] == ["filter", "orderBy"], name
        assert resolve.takes_info
    expected = both_ways.compare(BY_VARIABLES, {"f": {"codes": ["KE"]}, "o": None})

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("strawberry's convert_arguments called")

    monkeypatch.setattr(strawberry_converter, "convert_arguments", broken)
    for _ in range(2):  # strawberry's path (the document is new to it), then the direct path
        query = BY_VARIABLES.replace("Countries", "LeanCountries")
        variables = {"f": {"codes": ["KE"]}, "o": None}
        result = asyncio.run(both_ways._run(query, variables, DEFAULT_SCHEMA))
        assert result == expected
