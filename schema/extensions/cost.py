"""The per-request cost budget: every operation is costed before validation and execution
(``schema.extensions.cost_model``) and refused above ``max_cost``; every response reports its
cost in ``extensions.cost``, the same for every client, so responses stay cacheable (a
client's remaining budget travels in the ``X-RateLimit-Remaining`` header).
``{"extensions": {"cost": {"dryRun": true}}}`` asks for the cost without executing.
"""

from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    GraphQLError,
)
from strawberry.extensions import SchemaExtension

from schema.context import Context
from schema.errors import ErrorCode, coded_error
from schema.extensions.cost_model import COST_CEILING, CostModel
from schema.extensions.limits import Limits


class CostLimit(SchemaExtension):
    """Refuse operations over budget before execution; report the cost of every response."""

    def __init__(self, limits: Limits) -> None:
        self.max_cost = limits.max_cost
        self.default_page_size = limits.page.default_page_size
        self.max_page_size = limits.page.max_page_size
        self.cost: int | None = None
        self.report: dict[str, Any] | None = None

    def on_validate(self) -> Iterator[None]:
        """Cost the document before graphql-core validates it, and refuse it there if it is
        over budget: the cost walk is linear in the document, while validating a fragment
        bomb that selects fields is not (``OverlappingFieldsCanBeMergedRule``). The refusal
        stands in for validation's errors, so validation is skipped (see ``schema.build``)."""
        if self.execution_context.pre_execution_errors is not None:
            yield  # already refused by an earlier guard
            return
        cost = self.estimate()
        if cost > self.max_cost:
            self.report = {"requested": cost, "maximum": self.max_cost}
            self.execution_context.pre_execution_errors = [self.too_complex(cost)]
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        if execution.result is not None:  # already refused by an earlier guard
            yield
            return
        cost = self.cost if self.cost is not None else self.estimate()
        self.report = {"requested": cost, "maximum": self.max_cost}
        options = (execution.operation_extensions or {}).get("cost")
        dry_run = isinstance(options, dict) and options.get("dryRun") is True
        refusal = await self.refusal(cost, dry_run, execution.context)
        if refusal is not None:
            execution.result = GraphQLExecutionResult(data=None, errors=[refusal])
        elif dry_run:
            execution.result = GraphQLExecutionResult(data=None)  # skips execution
        yield

    def estimate(self) -> int:
        execution = self.execution_context
        model = CostModel(
            execution.schema._schema,
            execution.context.dataset.list_sizes,
            self.default_page_size,
            self.max_page_size,
        )
        self.cost = model.estimate(
            execution.graphql_document, execution.operation_name, execution.variables
        )
        return self.cost

    def too_complex(self, cost: int) -> GraphQLError:
        amount = f"at least {cost}" if cost >= COST_CEILING else str(cost)  # saturated
        return coded_error(
            f"the operation's cost is {amount}, above the maximum of {self.max_cost}: "
            "ask for fewer items (first/last) or fewer nested lists",
            ErrorCode.QUERY_TOO_COMPLEX,
            cost=cost,
            maximum=self.max_cost,
        )

    async def refusal(self, cost: int, dry_run: bool, context: Context) -> GraphQLError | None:
        """Why the operation must not run (over budget, or its client over its rate), if so."""
        if cost > self.max_cost:
            return self.too_complex(cost)
        if context.charge is None:
            return None
        # The service's rate limits (a port: this layer knows nothing of how they are kept).
        return await context.charge(1 if dry_run else cost)

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.report} if self.report is not None else {}
