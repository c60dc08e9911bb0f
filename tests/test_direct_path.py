"""The direct path (``schema.execution.direct``) answers exactly as strawberry's path does.

Each request runs on a schema with the direct path (twice: the first request of a document
takes strawberry's path and admits it, the second runs directly) and on the same schema
without it; answers, errors (coded) and extensions must be equal, and so must what is raised
(the service turns it into an HTTP error).
"""

from dataclasses import dataclass, field
from typing import Any

import pytest
from graphql import GraphQLError
from sqlalchemy import Engine
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers.database import Database
from schema import build_schema
from schema.build import IomSchema
from schema.context import Context
from schema.errors import ErrorCode, coded_error
from schema.extensions.cost_model import CostModel
from schema.extensions.limits import Limits
from service.dataset import CurrentDataset
from tests.conftest import _version_uncounted

LIMITS = Limits(max_cost=100)
DIRECT = build_schema(LIMITS)
STRAWBERRY = build_schema(LIMITS)
STRAWBERRY.direct = None
QUERY = {OperationType.QUERY}
POST = {OperationType.QUERY, OperationType.MUTATION}

OFFICE = '{ regionalOffice(slug: "nairobi") { slug rank kind seedHeading } }'
COUNTRY = 'query { country(code: "KE") { alpha2 alpha3 numeric isIso } }'
BY_CODE = "query ByCode($code: String!) { country(code: $code) { alpha3 } }"
NESTED = (
    "query Nested($n: Int, $m: Int) { regionalOffices(first: $n) "
    "{ nodes { slug countries(first: $m) { nodes { alpha3 } } } } }"
)
ORDER = "orderBy: { field: ALPHA3, direction: DESC }"
ESTIMATE = CostModel.estimate
TWO = "query A { organisation { slug } } query B { __typename }"


@dataclass
class Charges:
    """A client's rate: refuses past ``allowed`` charges, and records each one."""

    allowed: int = 1_000_000
    made: list[int] = field(default_factory=list)

    async def __call__(self, cost: int) -> GraphQLError | None:
        self.made.append(cost)
        if len(self.made) > self.allowed:
            return coded_error("rate limit exceeded", ErrorCode.RATE_LIMITED)
        return None


@dataclass
class Runner:
    engine: Engine

    def __post_init__(self) -> None:
        self.db = Database(self.engine)
        self.datasets = CurrentDataset(self.db, lambda: _version_uncounted(self.engine))
        self.datasets.read_now()

    async def run(
        self, schema: IomSchema, query: str, charges: Charges | None = None, **kwargs: Any
    ) -> Any:
        """The result as data, or what was raised."""
        context = Context(
            db=self.db,
            dataset=await self.datasets.for_request(),
            request_id="test",
            charge=charges,
        )
        kwargs.setdefault("allowed_operation_types", QUERY)
        try:
            result = await schema.execute(query, context_value=context, **kwargs)
        except (CannotGetOperationTypeError, InvalidOperationTypeError) as error:
            return type(error).__name__, getattr(error, "operation_type", None)
        return (*as_data(result), context.plan.answered, context.plan.fallback)

    async def both(self, query: str, **kwargs: Any) -> tuple[Any, bool]:
        """The answer (the same on both paths, twice on the direct one), and whether the
        direct path answered the second time."""
        standard = await self.run(STRAWBERRY, query, **kwargs)
        first = await self.run(DIRECT, query, **kwargs)
        runs = DIRECT.direct.runs if DIRECT.direct else 0
        second = await self.run(DIRECT, query, **kwargs)
        direct = DIRECT.direct is not None and DIRECT.direct.runs == runs + 1
        assert first == standard
        assert second == standard
        return standard, direct


def as_data(result: ExecutionResult) -> tuple[Any, ...]:
    errors = [e.formatted for e in result.errors] if result.errors else None
    return result.data, errors, result.extensions


@pytest.fixture
def runner(seeded_engine: Engine) -> Runner:
    assert DIRECT.direct is not None
    DIRECT.direct.clear()
    return Runner(seeded_engine)


def codes(answer: Any) -> list[str]:
    return [e["extensions"]["code"] for e in answer[1]]


async def test_lookups_and_a_list_run_directly_and_answer_the_same(runner: Runner) -> None:
    office, direct = await runner.both(OFFICE)
    assert direct
    assert office[0]["regionalOffice"]["slug"] == "nairobi"
    assert office[2]["cost"] == {"requested": 1, "maximum": 100}
    country, direct = await runner.both(COUNTRY)
    assert direct
    assert country[0] == {
        "country": {"alpha2": "KE", "alpha3": "KEN", "numeric": "404", "isIso": True}
    }
    first, _ = await runner.both(
        f"{{ countries({ORDER}, first: 10) {{ pageInfo {{ endCursor }} }} }}"
    )
    cursor = first[0]["countries"]["pageInfo"]["endCursor"]
    page, direct = await runner.both(
        f'{{ countries({ORDER}, first: 10, after: "{cursor}") {{ nodes {{ alpha3 }} }} }}'
    )
    assert direct
    assert len(page[0]["countries"]["nodes"]) == 10
    assert page[3:] == (1, None)  # the plan answered, on both paths


async def test_variables_are_each_requests_own(runner: Runner) -> None:
    kenya, direct = await runner.both(BY_CODE, variable_values={"code": "KE"})
    assert direct
    uganda, direct = await runner.both(BY_CODE, variable_values={"code": "UG"})
    assert direct
    assert (kenya[0], uganda[0]) == ({"country": {"alpha3": "KEN"}}, {"country": {"alpha3": "UGA"}})
    wrong, direct = await runner.both(BY_CODE, variable_values={"code": 5})
    assert direct
    assert wrong[0] is None
    assert len(wrong[1]) == 1
    missing, _ = await runner.both(BY_CODE, variable_values={})
    assert missing[0] is None
    assert len(missing[1]) == 1


async def test_a_bad_argument_is_the_same_error(runner: Runner) -> None:
    answer, direct = await runner.both("{ countries(first: -1) { nodes { alpha3 } } }")
    assert direct
    assert answer[0] == {"countries": None}
    assert codes(answer) == ["BAD_USER_INPUT"]


async def test_the_cost_limit_reads_each_requests_variables(runner: Runner) -> None:
    small, direct = await runner.both(NESTED, variable_values={"n": 2, "m": 2})
    assert direct
    assert small[1] is None
    assert small[2]["cost"] == {"requested": 1 + 2 + 2 + 2 * 2, "maximum": 100}
    large, direct = await runner.both(NESTED, variable_values={"n": 100, "m": 100})
    assert direct
    assert large[0] is None
    assert codes(large) == ["QUERY_TOO_COMPLEX"]
    assert large[2] == {"cost": {"requested": 1 + 11 + 11 + 11 * 51, "maximum": 100}}


async def test_a_dry_run_and_a_refused_charge(runner: Runner) -> None:
    dry, direct = await runner.both(OFFICE, operation_extensions={"cost": {"dryRun": True}})
    assert direct
    assert dry[:3] == (None, None, {"cost": {"requested": 1, "maximum": 100}})
    standard, direct_charges = Charges(allowed=0), Charges(allowed=0)
    refused = await runner.run(STRAWBERRY, OFFICE, charges=standard)
    await runner.run(DIRECT, OFFICE, charges=Charges())
    assert await runner.run(DIRECT, OFFICE, charges=direct_charges) == refused
    assert codes(refused) == ["RATE_LIMITED"]
    assert standard.made == direct_charges.made == [1]  # charged once, on either path


async def test_nul_characters_in_literals_and_variables(runner: Runner) -> None:
    literal, direct = await runner.both('{ country(code: "K\\u0000") { alpha3 } }')
    assert direct
    assert literal[0] is None
    assert codes(literal) == ["BAD_USER_INPUT"]
    variable, direct = await runner.both(BY_CODE, variable_values={"code": "K\x00"})
    assert direct
    assert codes(variable) == ["BAD_USER_INPUT"]


async def test_refused_documents_take_strawberrys_path(runner: Runner) -> None:
    deep = "{ organisation { " + "regionalOffices { nodes { " * 8 + "slug" + " } }" * 8 + " } }"
    answer, direct = await runner.both(deep)
    assert not direct
    assert "DEPTH_LIMIT_EXCEEDED" in codes(answer)
    answer, direct = await runner.both("{ nothing }")
    assert not direct
    assert codes(answer) == ["GRAPHQL_VALIDATION_FAILED"]
    answer, direct = await runner.both("{ country(code: ")
    assert not direct
    assert codes(answer) == ["GRAPHQL_PARSE_FAILED"]


async def test_operation_types_and_names(runner: Runner) -> None:
    refused, direct = await runner.both("mutation { __typename }")
    assert refused == ("InvalidOperationTypeError", OperationType.MUTATION)
    refused, direct = await runner.both("subscription { datasetChanged { version } }")
    assert refused[0] == "InvalidOperationTypeError"
    assert not direct
    # Admitted as a query over POST, refused over GET (no mutations) and still a query.
    _admitted, direct = await runner.both(OFFICE, allowed_operation_types=POST)
    assert direct
    refused = ("InvalidOperationTypeError", OperationType.QUERY)
    assert await runner.run(DIRECT, OFFICE, allowed_operation_types=set()) == refused
    several, direct = await runner.both(TWO)
    assert several[0] == "CannotGetOperationTypeError"
    assert not direct
    named, direct = await runner.both(TWO, operation_name="B")
    assert direct
    assert named[0] == {"__typename": "Query"}
    other, direct = await runner.both(TWO, operation_name="A")
    assert direct
    assert other[0] == {"organisation": {"slug": "iom"}}
    unknown, direct = await runner.both(TWO, operation_name="C")
    assert unknown[0] == "CannotGetOperationTypeError"
    assert not direct


def test_the_direct_path_is_on_and_its_extensions_fit() -> None:
    from schema.execution import internals

    assert internals.missing_for_direct() == []
    assert DIRECT.direct is not None
    assert build_schema(standard_execution=True).direct is None


def test_an_extension_with_work_the_direct_path_skips_does_not_fit() -> None:
    from strawberry.extensions import SchemaExtension

    from schema.execution.direct import unfit

    class Tracing(SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            return _next(root, info, *args, **kwargs)

    class Late(SchemaExtension):
        def on_execute(self) -> Any:
            yield

    assert unfit([Late], [Tracing]) == ["Late.on_execute", "Tracing.resolve"]
    assert unfit([], [Late]) == []
