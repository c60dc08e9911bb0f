"""The per-request cost budget: every operation is costed before validation and execution
(``schema.extensions.cost_model``) and refused above ``max_cost``; every response reports its
cost in ``extensions.cost``, the same for every client, so responses stay cacheable (a
client's remaining budget travels in the ``X-RateLimit-Remaining`` header).
``{"extensions": {"cost": {"dryRun": true}}}`` asks for the cost without executing. A repeated
operation's cost is found in ``COSTS`` (``CostMemo``), not walked again.
"""

import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension

from resolvers.bounds import ListSizes
from schema.context import Context
from schema.errors import ErrorCode, coded_error
from schema.extensions.cost_model import COST_CEILING, CostModel, Reads
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
        model = (
            execution.schema._schema,
            execution.context.dataset.list_sizes,
            self.default_page_size,
            self.max_page_size,
        )
        document, name = execution.graphql_document, execution.operation_name
        self.cost = COSTS.cost(model, document, name, execution.variables or {})
        execution.context.cost_estimate = self.cost  # for the execution (``Context``)
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


ModelInputs = tuple[GraphQLSchema, ListSizes, int, int]
"""A ``CostModel``'s fields: the schema, the dataset version's list sizes, the page limits."""


class CostMemo:
    """The costs of the last ``size`` operations costed, so that a repeated document costs a
    lookup (1 µs) instead of a walk (9 µs for a lookup, 44 µs for the nested query of
    ``benchmark.peer_queries``; 7-8 % of a lookup's server CPU in issue 26's profile).

    A cost is a pure function of the document, the operation's name, the model (the schema,
    the dataset version's ``ListSizes``, the page limits) and what the walk reads of the
    variables (``CostModel.costing``: the readings of ``first``/``last`` and of list
    arguments' lengths), so the key is all of these. The document is keyed by identity
    (strawberry's ``ParserCache`` hands the same object to every request of the same query;
    its own ``__hash__`` walks the tree) and held weakly, checked on every hit, so a freed
    document's id answers nothing; the schema and the ``ListSizes`` are held by the entry,
    so their ids are theirs while it lives and one dataset version's cost never answers for
    another's. The readings an operation's walk makes are remembered per document: a request
    is looked up by its values under them, and the entry it finds was walked with the same
    readings of the same values, so it read the variables the same way, step by step.

    512 entries: an entry can only be found while its document is in the parser cache (128
    documents), and a document is rarely asked with more than a few operation names, page
    sizes or dataset versions at once; each entry is a few hundred bytes. One event loop runs
    every estimate, so no lock."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._reads: OrderedDict[tuple[int, str | None], tuple[weakref.ref[Any], Reads]]
        self._reads = OrderedDict()
        self._costs: OrderedDict[tuple[Any, ...], tuple[weakref.ref[Any], ModelInputs, int]]
        self._costs = OrderedDict()
        self.walks = 0  # costs computed by walking the document (the others were found)

    def __len__(self) -> int:
        return len(self._costs)

    def cost(
        self,
        model: ModelInputs,
        document: Any,
        operation_name: str | None,
        variables: Mapping[str, Any],
    ) -> int:
        """The cost of the operation by the model of ``model``'s inputs, found or walked (the
        model is built only to walk)."""
        operation = (id(document), operation_name)
        found = self._reads.get(operation)
        if found is not None and found[0]() is document:
            key = self._key(model, operation, found[1], variables)
            entry = self._costs.get(key)
            if entry is not None and entry[0]() is document:
                self._costs.move_to_end(key)
                self._reads.move_to_end(operation)
                return entry[2]
        cost, reads = CostModel(*model).costing(document, operation_name, variables)
        self.walks += 1
        ref = weakref.ref(document)
        self._keep(self._reads, operation, (ref, reads))
        self._keep(self._costs, self._key(model, operation, reads, variables), (ref, model, cost))
        return cost

    @staticmethod
    def _key(
        model: ModelInputs,
        operation: tuple[int, str | None],
        reads: Reads,
        variables: Mapping[str, Any],
    ) -> tuple[Any, ...]:
        readings = tuple(reading(variables.get(name)) for name, reading in reads)
        schema, sizes, default_page_size, max_page_size = model
        return (
            *operation,
            id(schema),
            id(sizes),
            default_page_size,
            max_page_size,
            reads,
            readings,
        )

    def _keep(self, entries: "OrderedDict[Any, Any]", key: Any, value: Any) -> None:
        entries[key] = value
        entries.move_to_end(key)
        if len(entries) > self.size:
            entries.popitem(last=False)


COSTS = CostMemo()
"""Every schema's costs (the schema is in the key)."""
