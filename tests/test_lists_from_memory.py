"""The root lists (filtered, ordered, paginated; ``institution`` by acronym;
``dataQualityNotes``) answered from the dataset in memory (``resolvers.lists``) exactly as the
database answered them, statement by statement (``tests.test_equivalence.DatabaseLists``), on
generated filters, orders, pages and languages, on SQLite and PostgreSQL; and without a
statement."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from resolvers.database import count_statements
from resolvers.pagination import encode_cursor
from tests.conftest import DEFAULT_SCHEMA, Execute
from tests.dataset_facts import NINE, SEVEN, curated
from tests.generated import examples
from tests.test_equivalence import BothWays

INSTITUTIONS = sorted(i["slug"] for i in curated()["institutions"])


@pytest.fixture
def both_ways(seeded_engine: Engine) -> BothWays:
    return BothWays(seeded_engine)


# Filters, orders and pages of the root lists, from values of the dataset (slugs, codes,
# words of names) and a few that match nothing or are refused (unknown slugs).
_OFFICE_SLUGS = st.sampled_from([*NINE, *SEVEN, "brussels-liaison", "nairobbi", "geneva"])
_CODES = st.sampled_from(["KE", "ken", "GB", "uk", "FR", "EGY", "XK", "za", "QQ", "BR"])
_TEXTS = st.sampled_from(["", "nai", "afri", "union", "oim", "Égypte", "cedeao", "u", "zz", "SA"])
_ACRONYMS = st.sampled_from(["IGAD", "igad", "CESAO", "ECOWAS", "OACPS", "UN", "au", "%", "x"])


def _enum(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(DEFAULT_SCHEMA._schema.type_map[name].values))


def _some(values: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any] | None]:
    return st.none() | st.lists(values, max_size=3)


def _order(field_enum: str) -> st.SearchStrategy[dict[str, str] | None]:
    return st.none() | st.fixed_dictionaries(
        {"field": _enum(field_enum), "direction": _enum("OrderDirection")}
    )


_PAGE = st.fixed_dictionaries(
    {},
    optional={
        "first": st.integers(0, 12),
        "last": st.integers(0, 12),
        "after": st.integers(0, 30).map(encode_cursor),
        "before": st.integers(0, 30).map(encode_cursor),
    },
)
_ROOT_LISTS = {
    "regionalOffices": (
        "RegionalOfficeFilter",
        "RegionalOfficeOrder",
        "slug rank name",
        {
            "slugs": _some(_OFFICE_SLUGS),
            "confidence": _some(_enum("Confidence")),
            "hostCountryCodes": _some(_CODES),
            "text": st.none() | _TEXTS,
        },
    ),
    "countries": (
        "CountryFilter",
        "CountryOrder",
        "alpha3 name",
        {
            "codes": _some(_CODES),
            "offices": _some(_OFFICE_SLUGS),
            "supported": st.none() | st.booleans(),
            "text": st.none() | _TEXTS,
        },
    ),
    "institutions": (
        "InstitutionFilter",
        "InstitutionOrder",
        "slug acronym name",
        {
            "slugs": _some(st.sampled_from([*INSTITUTIONS[:12], "au-commission", "igadd"])),
            "kinds": _some(_enum("InstitutionKind")),
            "offices": _some(_OFFICE_SLUGS),
            "relationships": _some(_enum("RelationshipKind")),
            "text": st.none() | _TEXTS,
        },
    ),
}


@st.composite
def root_list_operations(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A root list with a generated filter, order and page, and its variables."""
    field = draw(st.sampled_from(sorted(_ROOT_LISTS)))
    filter_type, order_type, leaves, criteria = _ROOT_LISTS[field]
    given = {name: draw(values) for name, values in criteria.items()}
    variables: dict[str, Any] = {
        "filter": {k: v for k, v in given.items() if v is not None},
        "order": draw(_order(order_type + "Field")),
        **draw(_PAGE),
    }
    query = (
        f"query($filter: {filter_type}, $order: {order_type}, $first: Int, $last: Int, "
        f"$after: String, $before: String) {{ {field}(filter: $filter, orderBy: $order, "
        "first: $first, last: $last, after: $after, before: $before) { totalCount "
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } "
        f"nodes {{ {leaves} }} }} }}"
    )
    return query, variables


@examples(150)
@given(operation=root_list_operations(), languages=st.sampled_from([(), ("fr",), ("es", "en")]))
def test_root_lists_from_memory_are_answered_as_the_database_did(
    both_ways: BothWays, operation: tuple[str, dict[str, Any]], languages: tuple[str, ...]
) -> None:
    query, variables = operation
    both_ways.compare(query, variables, languages)


@pytest.mark.parametrize("acronym", ["IGAD", "igad", "CESAO", "OACPS", "OFID", "UN", "%", "nope"])
def test_institutions_by_acronym_from_memory_are_the_databases(
    both_ways: BothWays, acronym: str
) -> None:
    query = "query($a: String) { institution(acronym: $a) { slug } }"
    both_ways.compare(query, {"a": acronym})


@pytest.mark.parametrize("severities", [None, [], ["HIGH"], ["LOW", "MEDIUM"]])
def test_data_quality_notes_from_memory_are_the_databases(
    both_ways: BothWays, severities: list[str] | None
) -> None:
    query = "query($s: [Severity!]) { dataQualityNotes(severity: $s) { slug severity } }"
    result = both_ways.compare(query, {"s": severities})
    assert len(result["data"]["dataQualityNotes"]) > 0 or severities == []


@pytest.mark.parametrize(
    "query",
    [
        '{ regionalOffices(filter: {text: "nai"}, orderBy: {field: NAME, direction: DESC}) '
        "{ totalCount nodes { slug } } }",
        '{ countries(filter: {offices: ["nairobi"]}, first: 3, after: "b2Zmc2V0OjI=") '
        "{ nodes { alpha3 } } }",
        "{ institutions(filter: {kinds: [UN_ENTITY]}, orderBy: {field: ACRONYM, direction: ASC}) "
        "{ totalCount } }",
        '{ institution(acronym: "IGAD") { slug } dataQualityNotes { slug } }',
    ],
)
async def test_root_lists_run_no_statement(execute: Execute, query: str) -> None:
    with count_statements() as counter:
        result = await execute(query)
    assert result.errors is None
    assert counter.count == 0
