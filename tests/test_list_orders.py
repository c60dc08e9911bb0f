"""The root lists from the orders kept per dataset version (``resolvers.list_orders``) and
their inputs built by ``schema.filters.built_directly``: answered exactly as the database
standard answers them (``tests.test_equivalence.BothWays``) for every order field, direction
and language, with generated filters and pages, refused cursors and page sizes included, and
every connection field selected (edges and cursors too); the orders stay bounded."""

import base64
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, coerce_input_value
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from strawberry.types.arguments import convert_argument
from strawberry.types.base import get_object_definition

from db.text import fold
from db.vocabulary import OfficeKind
from resolvers import institution as institution_queries
from resolvers.country import CountryFilter
from resolvers.database import Database, read_transaction
from resolvers.errors import UserInputError
from resolvers.in_memory import read_in_memory
from resolvers.institution import ACRONYM_FIELDS
from resolvers.list_indexes import TERM_SEPARATOR
from resolvers.list_orders import MAX_FILTERED, MAX_ORDERS, Ordered, Orders
from resolvers.pagination import encode_cursor
from resolvers.regional_office import OfficeFilter
from schema import filters
from tests.conftest import DEFAULT_SCHEMA
from tests.generated import GENERATED
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


@settings(GENERATED, max_examples=150)
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


def test_orders_are_sorted_once_and_kept_within_the_bound(seeded_engine: Engine) -> None:
    lists = read_in_memory_lists(seeded_engine)
    assert len(lists.orders) == 0
    first = lists.offices(OfficeFilter(), "name", False, ("fr",))
    assert len(lists.orders) == 1
    assert lists.offices(OfficeFilter(), "name", False, ("fr",)) is first  # the kept tuple
    assert lists.offices(OfficeFilter(), "rank", False, ("fr",)) is not first
    assert lists.offices(OfficeFilter(), "rank", False, ("es",)) is not first
    assert len(lists.orders) == 2  # languages do not matter to the rank
    for index in range(3 * MAX_ORDERS):
        lists.offices(OfficeFilter(), "name", bool(index % 2), (f"x{index}",))
    assert len(lists.orders) == MAX_ORDERS
    regional = [o for o in lists.all_offices if o.kind == OfficeKind.REGIONAL_OFFICE.value]
    assert len(first) == len(regional) == 11


def read_in_memory_lists(engine: Engine) -> Any:
    return read_in_memory(Database(engine)).lists


class _Row:
    def __init__(self, id: int) -> None:
        self.id = id


def test_restricted_keeps_the_order_and_ignores_other_ids() -> None:
    rows = [_Row(i) for i in (5, 3, 9, 1)]
    ordered = Ordered.of(rows)
    assert ordered.restricted(None) == tuple(rows)
    assert [r.id for r in ordered.restricted({1, 5, 7})] == [5, 1]
    assert ordered.restricted(set()) == []
    orders = Orders(limit=2)
    assert orders.get("a", lambda: rows) is orders.get("a", lambda: [])
    orders.get("b", lambda: rows)
    orders.get("c", lambda: rows)
    assert len(orders) == 2
    assert orders.get("a", lambda: rows[:1]).records == (rows[0],)  # dropped, sorted anew


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


@settings(GENERATED, max_examples=300)
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


@pytest.mark.parametrize("subject_type", ["country", "institution", "office"])
def test_text_filters_match_term_by_term(seeded_engine: Engine, subject_type: str) -> None:
    """Each subject's terms are joined into one text: a text matches the joined text where it
    matches one of the terms, never across two (folded, no text holds the separator)."""
    lists = read_in_memory_lists(seeded_engine)
    needles = [
        "afri",
        "a",
        "nai",
        "u",
        "zz",
        "",
        "e o",
        "union a",
        "ken\x1fkenia",
        "ken|kenia",
        "\x1f",
    ]
    for needle in needles:
        folded = fold(needle)
        assert TERM_SEPARATOR not in folded
        by_term = {i for t, i, term in lists.terms if t == subject_type and folded in term}
        assert lists._matching(subject_type, needle) == by_term
    assert lists._matching("country", "kenya") == set(lists.countries_by_code["KEN"]) == {118}
    assert lists._matching("country", "ken\x1fkenia") == set()  # two of Kenya's terms


def test_every_acronym_finds_what_the_database_finds(seeded_engine: Engine) -> None:
    """Each acronym of the dataset (current, former, any language), in its case, lower and
    upper case, with spaces and wildcards around: the index finds the institutions the
    database standard finds, in the same order."""
    database = Database(seeded_engine)
    lists = read_in_memory(database).lists
    acronyms = {
        text
        for institution in lists.all_institutions
        for field in ACRONYM_FIELDS
        for text in institution.texts.get(field, {}).values()
    }
    asked = {form for a in acronyms for form in (a, a.lower(), a.upper(), f" {a}% ", f"_{a}")}
    asked |= {"", "%", "nope", "ÉCOWAS"}
    found = 0
    with read_transaction(database) as db:
        for acronym in sorted(asked):
            expected = institution_queries.institutions_by_acronym(db, acronym)
            assert lists.institutions_by_acronym(acronym) == expected, acronym
            found += bool(expected)
    assert len(acronyms) > 60
    assert found >= 4 * len(acronyms)


NAIROBI_COUNTRIES = ["BDI", "DJI", "ERI", "ETH", "KEN", "RWA", "SOM", "SSD", "TZA", "UGA"]


def test_filtered_lists_are_selected_once_per_filter_and_order(seeded_engine: Engine) -> None:
    """``Orders.filtered``: the same filter and order give the kept tuple, equal to the records
    selected afresh; another order, filter or code spelling is selected on its own; a refused
    filter keeps nothing; an unfiltered list is the order itself, never a kept copy."""
    lists = read_in_memory_lists(seeded_engine)
    nairobi = CountryFilter(office_slugs=["nairobi"])
    first = lists.countries(nairobi, "alpha3", False, ())
    assert [c.alpha3 for c in first] == NAIROBI_COUNTRIES
    assert first == tuple(lists._countries(nairobi, "alpha3", False, ()))
    assert lists.countries(CountryFilter(office_slugs=["nairobi"]), "alpha3", False, ()) is first
    descending = lists.countries(nairobi, "alpha3", True, ())
    assert [c.alpha3 for c in descending] == NAIROBI_COUNTRIES[::-1]
    codes = CountryFilter(codes=["KE", "tz", "EGY"], office_slugs=["nairobi"])
    assert [c.alpha3 for c in lists.countries(codes, "alpha3", True, ())] == ["TZA", "KEN"]
    assert len(lists.orders._filtered) == 3
    for _ in range(2):
        with pytest.raises(UserInputError):
            lists.countries(CountryFilter(office_slugs=["nowhere"]), "alpha3", False, ())
    assert len(lists.orders._filtered) == 3
    everything = lists.countries(CountryFilter(), "alpha3", False, ())
    assert everything is lists.orders.get(("countries", "alpha3", False, ()), list).records
    assert len(everything) == 250
    assert len(lists.orders._filtered) == 3


def test_filtered_lists_stay_within_their_bound() -> None:
    orders = Orders()
    rows = [_Row(i) for i in range(3)]
    for index in range(MAX_FILTERED + 5):
        assert orders.filtered(("rows", index), lambda: rows[:2]) == tuple(rows[:2])
    assert len(orders._filtered) == MAX_FILTERED
    assert ("rows", 0) not in orders._filtered  # the oldest went first
    assert ("rows", MAX_FILTERED + 4) in orders._filtered
