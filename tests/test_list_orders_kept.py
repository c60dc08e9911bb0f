"""What the root lists keep per dataset version (``resolvers.list_orders``,
``resolvers.list_indexes``): each order sorted once and the filtered lists selected once per
filter and order, both within their bounds; the text filters' joined terms matching term by
term; the acronym index finding what the database standard finds. Their answers compared
with the database's: ``tests/test_list_orders.py``."""

from typing import Any

import pytest
from sqlalchemy import Engine

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
from resolvers.regional_office import OfficeFilter


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
