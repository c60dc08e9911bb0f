"""The root lists from the orders kept per dataset version (``resolvers.list_orders``) and
their inputs built by ``schema.filters.built_directly``: answered exactly as the database
standard answers them (``tests.test_equivalence.BothWays``) for every order field, direction
and language, with generated filters and pages, refused cursors and page sizes included, and
every connection field selected (edges and cursors too). What each version keeps (orders,
filtered lists, indexes): ``tests/test_list_orders_kept.py``."""

import base64
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, coerce_input_value
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from strawberry.types.arguments import convert_argument
from strawberry.types.base import get_object_definition

from resolvers.pagination import encode_cursor
from schema import filters
from tests.conftest import DEFAULT_SCHEMA
from tests.generated import examples
from tests.test_equivalence import BothWays
from tests.test_lists_from_memory import _ROOT_LISTS

_LANGUAGES = [(), ("fr",), ("es", "en"), ("ar",)]


@pytest.fixture(scope="module")
def both_ways(seeded_engine: Engine) -> BothWays:
    """One dataset in memory for the whole module: each order is asked for after others (in
    other directions and languages) were kept."""
    return BothWays(seeded_engine)


def _values(enum_name: str) -> list[str]:
    return sorted(DEFAULT_SCHEMA._schema.type_map[enum_name].values)  # type: ignore[union-attr]


def _query(field: str, leaves: str, arguments: str) -> str:
    return (
        f"{{ {field}({arguments}) {{ totalCount "
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } "
        f"edges {{ cursor node {{ {leaves} }} }} nodes {{ {leaves} }} }} }}"
    )


_ORDERS = [
    (field, order_field, direction, languages)
    for field, (_, order_type, _, _) in sorted(_ROOT_LISTS.items())
    for order_field in _values(order_type + "Field")
    for direction in _values("OrderDirection")
    for languages in _LANGUAGES
]


@pytest.mark.parametrize(("field", "order_field", "direction", "languages"), _ORDERS)
def test_every_order_is_the_databases(
    both_ways: BothWays, field: str, order_field: str, direction: str, languages: tuple[str, ...]
) -> None:
    leaves = _ROOT_LISTS[field][2]
    order = f"orderBy: {{ field: {order_field}, direction: {direction} }}"
    whole = both_ways.compare(_query(field, leaves, f"{order}, first: 100"), None, languages)
    assert whole["errors"] == []
    tail = both_ways.compare(_query(field, leaves, f"{order}, last: 7"), None, languages)
    assert len(tail["data"][field]["nodes"]) == 7


def _encoded(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# Cursors this API issues (some past the end) and some it never issued.
_CURSORS = st.integers(0, 300).map(encode_cursor) | st.sampled_from(
    [
        "",
        "x",
        "b2Zmc2V0",
        _encoded("offset:-1"),
        _encoded("offset:x"),
        _encoded("cursor:3"),
        "A" * 65,
    ]
)
_PAGES = st.fixed_dictionaries(
    {},
    optional={
        "first": st.integers(-1, 101),
        "last": st.integers(-1, 101),
        "after": _CURSORS,
        "before": _CURSORS,
    },
)


@st.composite
def _operations(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    field = draw(st.sampled_from(sorted(_ROOT_LISTS)))
    filter_type, order_type, leaves, criteria = _ROOT_LISTS[field]
    given = {name: draw(values) for name, values in criteria.items()}
    order = st.fixed_dictionaries(
        {"field": st.sampled_from(_values(order_type + "Field"))},
        optional={"direction": st.sampled_from(_values("OrderDirection"))},
    )
    variables: dict[str, Any] = {
        "filter": {k: v for k, v in given.items() if v is not None},
        "order": draw(st.none() | order),
        **draw(_PAGES),
    }
    arguments = (
        "filter: $filter, orderBy: $order, first: $first, last: $last, after: $after, "
        "before: $before"
    )
    query = _query(field, leaves, arguments).replace(
        "{ ",
        f"query($filter: {filter_type}, $order: {order_type}, $first: Int, $last: Int, "
        "$after: String, $before: String) { ",
        1,
    )
    return query, variables


@examples(150)
@given(operation=_operations(), languages=st.sampled_from(_LANGUAGES))
def test_pages_and_refusals_are_the_databases(
    both_ways: BothWays, operation: tuple[str, dict[str, Any]], languages: tuple[str, ...]
) -> None:
    query, variables = operation
    both_ways.compare(query, variables, languages)


def test_page_two_of_countries_by_alpha3_descending(both_ways: BothWays) -> None:
    order = "orderBy: { field: ALPHA3, direction: DESC }"
    query = _query("countries", "alpha3", f'{order}, first: 3, after: "{encode_cursor(9)}"')
    page = both_ways.compare(query)["data"]["countries"]
    assert [n["alpha3"] for n in page["nodes"]] == ["VGB", "VEN", "VCT"]
    assert [e["cursor"] for e in page["edges"]] == [encode_cursor(i) for i in (10, 11, 12)]
    assert page["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": True,
        "startCursor": encode_cursor(10),
        "endCursor": encode_cursor(12),
    }
    assert page["totalCount"] == 250


_INPUTS = [
    filters.RegionalOfficeOrder,
    filters.CountryOrder,
    filters.InstitutionOrder,
    filters.RegionalOfficeFilter,
    filters.CountryFilter,
    filters.InstitutionFilter,
]


def _strawberry_built(cls: type, value: Any) -> Any:
    """``value`` converted by strawberry itself, without the ``from_input`` hook."""
    definition = get_object_definition(cls, strict=True)
    hook, definition.from_input = definition.from_input, None
    try:
        config, registry = DEFAULT_SCHEMA.config, DEFAULT_SCHEMA.schema_converter.scalar_registry
        return convert_argument(value, cls, registry, config)
    finally:
        definition.from_input = hook


@examples(300)
@given(data=st.data())
def test_inputs_are_built_as_strawberry_builds_them(data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(_INPUTS))
    name = get_object_definition(cls, strict=True).name
    input_type = DEFAULT_SCHEMA._schema.type_map[name]
    assert isinstance(input_type, GraphQLInputObjectType)
    strategies = {**{k: v for _, _, _, c in _ROOT_LISTS.values() for k, v in c.items()}}
    strategies["field"] = st.sampled_from(_values(name + "Field")) if "Order" in name else st.none()
    strategies["direction"] = st.sampled_from(_values("OrderDirection"))
    value = data.draw(
        st.fixed_dictionaries(
            {}, optional={k: strategies[k] for k in input_type.fields if k in strategies}
        )
    )
    value = {k: v for k, v in value.items() if v is not None}
    coerced = coerce_input_value(value, input_type)
    built = convert_argument(
        coerced, cls, DEFAULT_SCHEMA.schema_converter.scalar_registry, DEFAULT_SCHEMA.config
    )
    assert type(built) is cls
    assert built == _strawberry_built(cls, coerced)
    given_lists = [id(v) for v in coerced.values() if isinstance(v, list)]
    assert not [v for v in vars(built).values() if id(v) in given_lists]  # copied, as strawberry
