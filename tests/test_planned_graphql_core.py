"""graphql-core's own execution tests, rewritten against the planned execution context.

graphql-core's ``tests/execution/test_customize.py`` runs its executor with a custom
execution context class (``execute(..., executor_class=...)``); these tests do the same with
``PlannedExecutionContext`` on plain graphql-core schemas, on cases modelled on graphql-core's
``test_executor.py``, ``test_lists.py``, ``test_nonnull.py``, ``test_abstract.py``,
``test_middleware.py`` and ``test_mutations.py`` (nothing vendored). Each runs both ways, by
graphql-core's ``Executor`` and by the plan, and requires equal results (data, errors, and the
order of the keys), and that the plan answered, or stopped for the stated reason.
"""

import asyncio
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from graphql import (
    ExecutionResult,
    Executor,
    GraphQLSchema,
    build_schema,
    execute,
    parse,
)

from schema.execution import FallbackReason, PlannedExecutionContext, PlanRecord

SDL = """
interface Pet { name: String }
type Dog implements Pet { name: String barks: Boolean }
type Cat implements Pet { name: String meows: Boolean }
union Animal = Dog | Cat
type Deep { a: String b: String c: [String] deeper: [Deep] }
type Query {
  a: String
  b: String
  c: String
  d: String
  e: String
  f: String
  pic(size: Int = 50): String
  deep: Deep
  greeting(name: String!, times: Int = 1): String
  count: Int
  list: [Int]
  nonNullItems: [Int!]
  nonNull: String!
  nonNullNested: Deep
  nonNullDeep: Deep!
  nonNullList: [Int]!
  pets: [Pet]
  animals: [Animal]
  later: String
  deepLater: Deep
  fails: String
}
type Mutation { set(value: Int!): Int }
"""


@dataclass
class Dog:
    name: str
    barks: bool


@dataclass
class Cat:
    name: str
    meows: bool


def _deep() -> dict[str, Any]:
    return {
        "a": "Already Been Done",
        "b": "Boring",
        "c": ["Contrived", None, "Confusing"],
        "deeper": [{"a": "Apple", "b": "Banana"}, None, {"a": "Apple", "b": "Banana"}],
    }


async def _later(_info: Any) -> str:
    return "awaited"


async def _deep_later(_info: Any) -> dict[str, Any]:
    return _deep()


def _fails(_info: Any) -> str:
    raise ValueError("the resolver failed")


ROOT: dict[str, Any] = {
    "a": lambda _info: "Apple",
    "b": lambda _info: "Banana",
    "c": lambda _info: "Cookie",
    "d": lambda _info: "Donut",
    "e": lambda _info: "Egg",
    "f": "Fish",
    "pic": lambda _info, size: f"Pic of size: {size}",
    "deep": lambda _info: _deep(),
    "greeting": lambda _info, name, times: " ".join([f"Hello, {name}!"] * times),
    "count": 3,
    "list": [1, None, 2],
    "nonNullItems": [1, None, 2],
    "nonNull": None,
    "nonNullNested": {"a": "x"},
    "nonNullDeep": {"a": "x"},
    "nonNullList": [1, None],
    "pets": [Dog("Odie", True), Cat("Garfield", False)],
    "animals": [Dog("Odie", True), Cat("Garfield", False)],
    "later": _later,
    "deepLater": _deep_later,
    "fails": _fails,
}


def _schema() -> GraphQLSchema:
    schema = build_schema(SDL)
    for name, cls in (("Dog", Dog), ("Cat", Cat)):
        schema.type_map[name].is_type_of = lambda value, _info, cls=cls: isinstance(value, cls)  # type: ignore[attr-defined]
    return schema


SCHEMA = _schema()


def _run(context_class: type[Executor], document: str, **kwargs: Any) -> tuple[Any, PlanRecord]:
    plan = PlanRecord()
    result = execute(
        SCHEMA,
        parse(document),
        kwargs.pop("root_value", ROOT),
        SimpleNamespace(plan=plan),
        executor_class=context_class,
        **kwargs,
    )
    if not isinstance(result, ExecutionResult):
        result = asyncio.run(result)  # type: ignore[arg-type]
    return result, plan


def both_ways(document: str, **kwargs: Any) -> tuple[ExecutionResult, PlanRecord]:
    """graphql-core's result and the plan's, required equal; the plan's record."""
    standard, untouched = _run(Executor, document, **dict(kwargs))
    planned, plan = _run(PlannedExecutionContext, document, **kwargs)
    assert untouched == PlanRecord()
    assert planned == standard
    assert list((planned.data or {}).keys()) == list((standard.data or {}).keys())
    return planned, plan


ANSWERED = PlanRecord(answered=1)


def stopped(reason: FallbackReason) -> PlanRecord:
    return PlanRecord(answered=0, fallback=reason)


CASES = {
    # test_executor.py: "executes arbitrary code", "merges parallel fragments".
    "arbitrary code": (
        "query Example($size: Int) { a b x: c ...c f ...on Query { d e } pic(size: $size)"
        " deep { a b c deeper { a b } } } fragment c on Query { a c }",
        {"variable_values": {"size": 100}},
        ANSWERED,
    ),
    "parallel fragments": (
        "{ a, ...FragOne, ...FragTwo } fragment FragOne on Query { b deep { b, deeper: deeper"
        " { b } } } fragment FragTwo on Query { c deep { c, deeper: deeper { c } } }",
        {},
        ANSWERED,
    ),
    # "correctly threads arguments" (defaults applied), "uses the only operation".
    "arguments": (
        '{ greeting(name: "Nairobi", times: 2) other: greeting(name: "Dakar") }',
        {},
        ANSWERED,
    ),
    "correct field ordering despite execution order": ("{ e d c b a }", {}, ANSWERED),
    "uses a custom field resolver": (
        "{ a b }",
        {"root_value": {}, "field_resolver": lambda _source, info: info.field_name.upper()},
        ANSWERED,
    ),
    "typename only": ("{ __typename deep { __typename a } }", {}, ANSWERED),
    # test_lists.py: nulls in nullable items, then in non-null items.
    "list with nulls": ("{ list }", {}, ANSWERED),
    "null in a list of non-null items": (
        "{ nonNullItems }",
        {},
        stopped(FallbackReason.NULL_IN_NON_NULL),
    ),
    "not a list": ("{ list }", {"root_value": {"list": 7}}, stopped(FallbackReason.NOT_A_LIST)),
    # test_nonnull.py: "nulls a returned object that contains a non-null field".
    "null in a non-null field": ("{ a nonNull }", {}, stopped(FallbackReason.NULL_IN_NON_NULL)),
    "non-null object and list": ("{ nonNullDeep { a } nonNullList }", {}, ANSWERED),
    "null in a non-null object field": (
        "{ a nonNullDeep { a } }",
        {"root_value": {**ROOT, "nonNullDeep": None}},
        stopped(FallbackReason.NULL_IN_NON_NULL),
    ),
    "null in a non-null list field": (
        "{ a nonNullList }",
        {"root_value": {**ROOT, "nonNullList": None}},
        stopped(FallbackReason.NULL_IN_NON_NULL),
    ),
    # test_executor.py: "nulls out error subtrees".
    "a resolver raises": ("{ a fails b }", {}, stopped(FallbackReason.RESOLVER_ERROR)),
    "an error as a value": (
        "{ a b }",
        {"root_value": {"a": "Apple", "b": ValueError("returned, not raised")}},
        stopped(FallbackReason.ERROR_VALUE),
    ),
    "a value that does not coerce": (
        "{ count }",
        {"root_value": {"count": "three"}},
        stopped(FallbackReason.NOT_COERCED),
    ),
    # test_abstract.py: "is_type_of used to resolve runtime type for interface / union".
    "interface and union by is_type_of": (
        "{ pets { __typename name ... on Dog { barks } ... on Cat { meows } }"
        " animals { ... on Dog { name barks } ... on Cat { name meows } } }",
        {},
        ANSWERED,
    ),
    "no runtime type": (
        "{ pets { name } }",
        {"root_value": {"pets": ["not a pet"]}},
        stopped(FallbackReason.TYPE_RESOLUTION),
    ),
    # test_executor.py (async): root fields awaited together; below the root, graphql-core.
    "awaitable root field": ("{ a later }", {}, ANSWERED),
    "awaitable below the root": (
        "{ deep { a } deepLater { a deeper { b } } }",
        {"root_value": {**ROOT, "deep": {"a": _later}}},
        stopped(FallbackReason.AWAITABLE),
    ),
    "introspection": (
        "{ __schema { queryType { name } } }",
        {},
        stopped(FallbackReason.INTROSPECTION),
    ),
    # test_mutations.py: "evaluates mutations serially".
    "mutation": (
        "mutation { first: set(value: 1) second: set(value: 2) }",
        {"root_value": {"set": lambda _info, value: value}},
        stopped(FallbackReason.MUTATION),
    ),
    # test_middleware.py: "single function middleware".
    "middleware": (
        "{ a b deep { a } }",
        {"middleware": [lambda next_, *args, **kwargs: _reversed(next_(*args, **kwargs))]},
        ANSWERED,
    ),
}


def _reversed(value: Any) -> Any:
    return value[::-1] if isinstance(value, str) else value


@pytest.mark.parametrize(("document", "kwargs", "record"), CASES.values(), ids=list(CASES))
def test_graphql_core_execution_cases(
    document: str, kwargs: dict[str, Any], record: PlanRecord
) -> None:
    _result, plan = both_ways(document, **kwargs)
    assert plan == record


def test_the_plan_answers_what_graphql_core_answers() -> None:
    result, _ = both_ways('{ a deep { c deeper { a } } greeting(name: "Bangkok") }')
    assert result.data == {
        "a": "Apple",
        "deep": {
            "c": ["Contrived", None, "Confusing"],
            "deeper": [{"a": "Apple"}, None, {"a": "Apple"}],
        },
        "greeting": "Hello, Bangkok!",
    }
    assert result.errors is None


def test_without_fall_back_the_plan_raises_its_reason() -> None:
    class PlanOnly(PlannedExecutionContext):
        fall_back = False

    from schema.execution import PlanStoppedError

    with pytest.raises(PlanStoppedError) as stopped_error:
        _run(PlanOnly, "{ nonNull }")
    assert stopped_error.value.reason is FallbackReason.NULL_IN_NON_NULL
