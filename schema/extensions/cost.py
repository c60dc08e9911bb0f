"""Static query cost, computed before execution, and the per-request budget it is held to.

The cost of an operation is the largest number of objects it can return: every field of an
object type counts once per item of the lists above it. A connection multiplies what is below
its ``edges``/``nodes`` by ``first``/``last`` (else the default page size), capped by the
longest such list in the loaded dataset (``resolvers.bounds``); plain lists multiply by their
longest length. GitHub's node limit follows the same idea. Introspection counts one per field.

Every response reports ``extensions.cost``: the same for every client, so responses stay
cacheable (a client's remaining budget travels in the ``X-RateLimit-Remaining`` header).
``{"extensions": {"cost": {"dryRun": true}}}`` asks for the cost without executing.
"""

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

from resolvers.bounds import ListSizes
from schema.context import Context
from schema.errors import ErrorCode, coded_error
from schema.extensions.limits import Limits

# (parent type, field) -> name of the list size that bounds it (resolvers.bounds).
CONNECTIONS = {
    ("Query", "regionalOffices"): "offices",
    ("Query", "countries"): "countries",
    ("Query", "institutions"): "institutions",
    ("Query", "search"): "search_subjects",
    ("Organisation", "regionalOffices"): "offices_per_organisation",
    ("RegionalOffice", "countries"): "countries_per_office",
    ("RegionalOffice", "institutions"): "links_per_office",
    ("Institution", "regionalOffices"): "links_per_institution",
}
LISTS = {
    ("Organisation", "leadership"): "units_per_organisation",
    ("LeadershipPosition", "directReports"): "reports_per_unit",
    ("Institution", "children"): "children_per_institution",
    ("Country", "hostedOffices"): "offices_per_host",
    ("Query", "dataQualityNotes"): "notes",
    ("DataQualityNote", "concerns"): "subjects_per_note",
}
LISTS_OF_ANY_TYPE = {"sources": "sources_per_subject", "dataQualityNotes": "notes_per_subject"}
CONNECTION_ITEMS = frozenset({"edges", "nodes"})


@dataclass(frozen=True)
class CostModel:
    schema: GraphQLSchema
    sizes: ListSizes
    default_page_size: int
    max_page_size: int

    def estimate(
        self, document: Any, operation_name: str | None, variables: Mapping[str, Any] | None
    ) -> int:
        fragments: dict[str, FragmentDefinitionNode] = {}
        operations: list[OperationDefinitionNode] = []
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
            elif isinstance(definition, OperationDefinitionNode):
                operations.append(definition)
        chosen = [
            o
            for o in operations
            if operation_name is None or (o.name is not None and o.name.value == operation_name)
        ]
        if not chosen:
            return 0
        root = self.schema.get_root_type(chosen[0].operation)
        walk = _Walk(self, fragments, variables or {})
        return walk.selection_set(chosen[0].selection_set, root, 1, None, frozenset())


@dataclass
class _Walk:
    model: CostModel
    fragments: dict[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]

    def selection_set(
        self,
        selection_set: SelectionSetNode | None,
        parent: Any,
        multiplier: int,
        pending: int | None,
        visiting: frozenset[str],
    ) -> int:
        """Cost below ``parent``; ``pending`` is a connection's size, applied at edges/nodes."""
        if selection_set is None or parent is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, multiplier, pending, visiting)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.model.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(
                    selection.selection_set, target, multiplier, pending, visiting
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in visiting:
                    target = self.model.schema.get_type(fragment.type_condition.name.value)
                    total += self.selection_set(
                        fragment.selection_set, target, multiplier, pending, visiting | {name}
                    )
        return total

    def field(
        self,
        node: FieldNode,
        parent: Any,
        multiplier: int,
        pending: int | None,
        visiting: frozenset[str],
    ) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 1 if name != "__typename" else 0
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        return_type = get_named_type(definition.type)
        if not isinstance(return_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            return 0  # scalars and enums are free
        if pending is not None and name in CONNECTION_ITEMS:
            multiplier *= pending  # a connection's edges/nodes: its page, not a plain list
        else:
            multiplier *= self.list_size(parent.name, name, node, definition.type)
        connection_size = self.connection_size(parent.name, name, node)
        return multiplier + self.selection_set(
            node.selection_set, return_type, multiplier, connection_size, visiting
        )

    def connection_size(self, parent: str, name: str, node: FieldNode) -> int | None:
        size_name = CONNECTIONS.get((parent, name))
        if size_name is None:
            return None
        requested = [
            v
            for v in (self.int_argument(node, "first"), self.int_argument(node, "last"))
            if v is not None
        ]
        page = min(requested) if requested else self.model.default_page_size
        page = max(0, min(page, self.model.max_page_size))
        return min(page, self.model.sizes.get(size_name, page))

    def list_size(self, parent: str, name: str, node: FieldNode, field_type: Any) -> int:
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        if not isinstance(field_type, GraphQLList):
            return 1
        if (parent, name) == ("Query", "nodes"):
            return self.list_argument_length(node, "ids")
        size_name = LISTS.get((parent, name)) or LISTS_OF_ANY_TYPE.get(name)
        fallback = self.model.max_page_size
        return self.model.sizes.get(size_name, fallback) if size_name else fallback

    def argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                value = argument.value
                if isinstance(value, VariableNode):
                    return self.variables.get(value.name.value)
                return value
        return None

    def int_argument(self, node: FieldNode, name: str) -> int | None:
        value = self.argument(node, name)
        if isinstance(value, IntValueNode):
            return int(value.value)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def list_argument_length(self, node: FieldNode, name: str) -> int:
        value = self.argument(node, name)
        if isinstance(value, ListValueNode):
            return len(value.values)
        return len(value) if isinstance(value, list) else 1


class CostLimit(SchemaExtension):
    """Refuse operations over budget before execution; report the cost of every response."""

    def __init__(self, limits: Limits) -> None:
        self.max_cost = limits.max_cost
        self.default_page_size = limits.page.default_page_size
        self.max_page_size = limits.page.max_page_size
        self.report: dict[str, Any] | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        if execution.result is not None:  # already refused by an earlier guard
            yield
            return
        context = execution.context
        model = CostModel(
            execution.schema._schema,
            context.list_sizes,
            self.default_page_size,
            self.max_page_size,
        )
        cost = model.estimate(
            execution.graphql_document, execution.operation_name, execution.variables
        )
        self.report = {"requested": cost, "maximum": self.max_cost}
        options = (execution.operation_extensions or {}).get("cost")
        dry_run = isinstance(options, dict) and options.get("dryRun") is True
        refusal = await self.refusal(cost, dry_run, context)
        if refusal is not None:
            execution.result = GraphQLExecutionResult(data=None, errors=[refusal])
        elif dry_run:
            execution.result = GraphQLExecutionResult(data=None)  # skips execution
        yield

    async def refusal(self, cost: int, dry_run: bool, context: Context) -> GraphQLError | None:
        """Why the operation must not run (over budget, or its client over its rate), if so."""
        if cost > self.max_cost:
            return coded_error(
                f"the operation's cost is {cost}, above the maximum of {self.max_cost}: "
                "ask for fewer items (first/last) or fewer nested lists",
                ErrorCode.QUERY_TOO_COMPLEX,
                cost=cost,
                maximum=self.max_cost,
            )
        if context.charge is None:
            return None
        # The service's rate limits (a port: this layer knows nothing of how they are kept).
        return await context.charge(1 if dry_run else cost)

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.report} if self.report is not None else {}
