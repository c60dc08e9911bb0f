"""Every walk over a document or its variables is linear and bounded (issue 9).

A chain of fragments each spreading the next twice is 2^n fields once expanded: the depth
rule and the cost walk must each visit a fragment once, the cost must still count every
spread (so the chain is refused as too costly, cheaply), and a request refusing it must not
hold up the others. Variables nested deeper than Python's recursion limit are walked too.
"""

import asyncio

import pytest
from sqlalchemy import Engine

from schema import build_schema
from schema.build import IomSchema
from schema.extensions.cost_model import COST_CEILING
from schema.extensions.limits import Limits
from tests.conftest import Execute, answer_date, make_execute

LIMITS = Limits()
OFFICE_SLUGS = [  # in force today, by slug
    "americas",
    "bangkok",
    "cairo",
    "dakar",
    "europe-central-asia",
    "nairobi",
    "pretoria",
]


def bomb(levels: int, leaf: str = "__typename") -> str:
    """The issue's document: F0 spreads F1 twice, ..., F<levels> selects ``leaf``."""
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return f"query Q {{ ...F0 }} {chain} fragment F{levels} on Query {{ {leaf} }}"


def office_bomb(levels: int) -> str:
    """The bomb whose last fragment selects the offices, each through one more fragment."""
    return (
        bomb(levels, "regionalOffices(orderBy: {field: SLUG}) { nodes { ...Office } }")
        + " fragment Office on RegionalOffice { slug }"
    )


def codes(result: object) -> list[str]:
    return [error.extensions["code"] for error in getattr(result, "errors", None) or []]


# Every spread counts 1 and __typename is free: F<levels> costs 0 and F<i> costs
# 2 * (1 + cost of F<i+1>), so F0 costs 2^(levels+1) - 2 and the operation, spreading F0
# once, 2^(levels+1) - 1.
# From 52 levels on the cost saturates at 2^53 - 1, and says so.
@pytest.mark.parametrize(
    ("levels", "cost", "stated"),
    [
        (22, 8_388_607, "8388607"),
        (40, 2_199_023_255_551, "2199023255551"),
        (100, COST_CEILING, "at least 9007199254740991"),
    ],
)
async def test_fragment_bomb_is_refused_by_its_exact_cost(
    execute: Execute, levels: int, cost: int, stated: str
) -> None:
    result = await execute(bomb(levels))
    assert result.data is None
    assert codes(result) == ["QUERY_TOO_COMPLEX"]
    assert result.errors is not None
    assert result.errors[0].extensions == {
        "code": "QUERY_TOO_COMPLEX",
        "cost": cost,
        "maximum": LIMITS.max_cost,
    }
    assert result.extensions == {
        "cost": {"requested": cost, "maximum": LIMITS.max_cost}
    }  # refused: answered for no day
    assert result.errors[0].message == (
        f"the operation's cost is {stated}, above the maximum of {LIMITS.max_cost}: ask for "
        "fewer items (first/last) or fewer nested lists"
    )


async def test_fragment_bomb_below_the_budget_runs_and_counts_every_spread(
    execute: Execute,
) -> None:
    # 2^6 - 1 spreads; the merged result is one __typename.
    result = await execute(bomb(5))
    assert result.errors is None
    assert result.data == {"__typename": "Query"}
    assert result.extensions == {
        "cost": {"requested": 63, "maximum": LIMITS.max_cost},
        **answer_date(),
    }


# The last fragment costs 1 (regionalOffices) + 11 offices * (1 + 1 for the Office spread)
# = 23: the bound is every office of the dataset, in force or not (asOf is read at execution).
# F<i> costs 2 * (1 + cost of F<i+1>), so the operation costs 25 * 2^levels - 1.
@pytest.mark.parametrize(("levels", "cost"), [(22, 104_857_599), (40, 27_487_790_694_399)])
async def test_fragment_bomb_selecting_fields_is_refused_by_its_exact_cost(
    execute: Execute, levels: int, cost: int
) -> None:
    result = await execute(office_bomb(levels))
    assert result.data is None
    assert codes(result) == ["QUERY_TOO_COMPLEX"]
    assert result.errors is not None
    assert result.errors[0].extensions["cost"] == cost
    assert result.extensions == {
        "cost": {"requested": cost, "maximum": LIMITS.max_cost}
    }  # refused: answered for no day


async def test_fragment_bomb_selecting_fields_below_the_budget_runs(execute: Execute) -> None:
    result = await execute(office_bomb(5))
    assert result.errors is None
    assert result.data == {"regionalOffices": {"nodes": [{"slug": s} for s in OFFICE_SLUGS]}}
    assert result.extensions == {
        "cost": {"requested": 25 * 2**5 - 1, "maximum": LIMITS.max_cost},
        **answer_date(),
    }


async def test_an_over_budget_document_is_refused_before_validation(execute: Execute) -> None:
    # Validating a fragment bomb that selects fields is super-linear in graphql-core
    # (OverlappingFieldsCanBeMergedRule); the linear cost refuses it first, so the unknown
    # field, which validation would report, is never looked at.
    result = await execute(bomb(22, leaf="__typename unknownField"))
    assert result.data is None
    assert codes(result) == ["QUERY_TOO_COMPLEX"]
    assert result.extensions == {
        "cost": {"requested": 8_388_607, "maximum": LIMITS.max_cost}
    }  # refused: answered for no day


def deep_chain(levels: int) -> str:
    """``levels`` fragments, each one field deeper than the last and spread twice by it:
    office -> host country -> hosted offices -> ... The depth is ``levels + 2``."""
    fragments = []
    for i in range(levels):
        on, field = (
            ("RegionalOffice", "hostCountry") if i % 2 == 0 else ("Country", "hostedOffices")
        )
        fragments.append(f"fragment D{i} on {on} {{ {field} {{ ...D{i + 1} ...D{i + 1} }} }}")
    on, leaf = ("RegionalOffice", "slug") if levels % 2 == 0 else ("Country", "alpha3")
    fragments.append(f"fragment D{levels} on {on} {{ {leaf} }}")
    return '{ regionalOffice(slug: "nairobi") { ...D0 } } ' + " ".join(fragments)


@pytest.fixture(scope="module")
def uncapped_schema() -> IomSchema:
    """A budget no cost reaches: each doubling chain would be refused as too costly first."""
    return build_schema(Limits(max_cost=COST_CEILING))


# 98 levels are 100 fields and 200 nested selection sets: graphql-core's validation refuses
# deeper nesting itself ("Validation aborted.") before any rule runs.
@pytest.mark.parametrize("levels", [14, 40, 98])
async def test_depth_through_a_deep_fragment_chain_is_exact(
    seeded_engine: Engine, uncapped_schema: IomSchema, levels: int
) -> None:
    execute = make_execute(seeded_engine, uncapped_schema)
    result = await execute(deep_chain(levels))
    assert result.data is None
    assert codes(result) == ["DEPTH_LIMIT_EXCEEDED"]
    assert result.errors is not None
    assert result.errors[0].message == (
        f"the operation is {levels + 2} fields deep, above the maximum depth of {LIMITS.max_depth}"
    )
    assert result.errors[0].extensions == {
        "code": "DEPTH_LIMIT_EXCEEDED",
        "limit": LIMITS.max_depth,
        "actual": levels + 2,
    }


async def test_fragment_cycles_are_reported_not_followed(execute: Execute) -> None:
    result = await execute(
        "{ ...A } fragment A on Query { ...B ...B } fragment B on Query { __typename ...A }"
    )
    assert result.data is None
    assert codes(result) == ["GRAPHQL_VALIDATION_FAILED"]
    assert result.errors is not None
    assert [error.message for error in result.errors] == [
        "Cannot spread fragment 'A' within itself via 'B'."
    ]


def nested(levels: int, leaf: object) -> object:
    value = leaf
    for _ in range(levels):
        value = {"inner": [value]}
    return value


@pytest.mark.parametrize(
    ("leaf", "message"),
    [
        ("a\x00b", "text arguments must not contain NUL (U+0000) characters"),
        (
            "ab",
            "Variable '$text' has invalid value: String cannot represent a non string value: "
            "{'inner': [{...}]}",
        ),
    ],
)
async def test_deeply_nested_variables_get_a_coded_error(
    execute: Execute, leaf: str, message: str
) -> None:
    result = await execute(
        "query($text: String) { institution(slug: $text) { slug } }", {"text": nested(1000, leaf)}
    )
    assert result.data is None
    assert codes(result) == ["BAD_USER_INPUT"]
    assert result.errors is not None
    assert [error.message for error in result.errors] == [message]


async def test_a_small_query_completes_while_bombs_are_refused(execute: Execute) -> None:
    # Liveness, not speed: the bombs and the probe share one event loop, as on the server.
    bombs = [asyncio.ensure_future(execute(bomb(40))) for _ in range(4)]
    probe = execute('{ country(code: "KE") { name regionalOffice { slug } } }')
    answer = await asyncio.wait_for(probe, timeout=5)
    assert answer.errors is None
    assert answer.data == {"country": {"name": "Kenya", "regionalOffice": {"slug": "nairobi"}}}
    refused = await asyncio.wait_for(asyncio.gather(*bombs), timeout=5)
    assert [codes(result) for result in refused] == [["QUERY_TOO_COMPLEX"]] * 4
