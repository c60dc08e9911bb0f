"""Plans kept per document: a repeated document runs the plan made for it before.

A plan (``schema.execution.fields``) depends on the schema, the operation's document, and the
values of the variables its ``@skip``/``@include`` read (they decide which fields are
collected); nothing else of a request, except two things each request brings: the
arguments coerced from its variables, and the execution context its closures call
(``build_resolve_info``, ``collect_subfields``, ``ensure_valid_runtime_type``). A plan's
closures read both through its ``PlanSite``, which each request using the plan points at
itself (``PlanSite.context``) and fills with its own arguments.

The document's identity is the parser cache's (strawberry's ``ParserCache`` gives the same
``DocumentNode`` for the same query text); without it, each request parses anew, and its
plan is never found again (the cache is bounded, least recently used out first).
"""

from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import (
    DirectiveNode,
    GraphQLIncludeDirective,
    GraphQLSchema,
    GraphQLSkipDirective,
    Node,
    OperationDefinitionNode,
    VariableNode,
)

if TYPE_CHECKING:
    from schema.execution.fields import FieldPlanning
    from schema.execution.leaves import RunField

Bound = Callable[[Any, Any], Any]
_DIRECTIVES = frozenset({GraphQLSkipDirective.name, GraphQLIncludeDirective.name})


@dataclass(eq=False, slots=True)
class PerRequestArguments:
    """A field whose arguments read variables: coerced (``coerce``) and bound (``bind``) by
    every request that runs the plan."""

    coerce: Callable[["FieldPlanning"], dict[str, Any]]
    bind: Callable[[dict[str, Any]], Bound]


@dataclass(eq=False, slots=True)
class PlanSite:
    """What a plan's closures read of the request running them."""

    context: "FieldPlanning | None" = None
    arguments: dict[PerRequestArguments, Bound] = field(default_factory=dict)
    per_request: list[PerRequestArguments] = field(default_factory=list)
    root_runs: "list[tuple[str, RunField]] | None" = None
    fields_planned: int = 0
    busy: bool = False  # a request is running the plan (one at a time)
    # False when a field depends on the request in a way the key does not capture
    # (graphql-core's experimental fragment arguments).
    reusable: bool = True

    def bind_arguments(self, context: "FieldPlanning") -> None:
        """Coerces and binds, for ``context``'s request, every argument read from variables."""
        self.arguments = {item: item.bind(item.coerce(context)) for item in self.per_request}


def _nodes(node: Any) -> Iterator[Node]:
    """Every AST node in ``node`` (a node, or a list of them), ``node`` included."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, list | tuple):
            stack.extend(current)
        elif isinstance(current, Node):
            yield current
            stack.extend(getattr(current, key, None) for key in current.keys)


def uses_variables(node: Any) -> bool:
    """Whether a value node (or a list of them) reads a variable anywhere inside."""
    return any(isinstance(found, VariableNode) for found in _nodes(node))


def directive_variables(node: Any) -> set[str]:
    """The variables read by the ``@skip``/``@include`` directives in ``node``."""
    return {
        variable.name.value
        for directive in _nodes(node)
        if isinstance(directive, DirectiveNode) and directive.name.value in _DIRECTIVES
        for variable in _nodes(directive.arguments)
        if isinstance(variable, VariableNode)
    }


@dataclass(eq=False, slots=True)
class _Operation:
    schema: GraphQLSchema
    operation: OperationDefinitionNode
    resolvers: tuple[Any, ...]
    variables: tuple[str, ...]  # those ``@skip``/``@include`` read
    sites: dict[tuple[Any, ...], PlanSite] = field(default_factory=dict)


class DocumentPlans:
    """The plans of the last ``size`` operations, per values of their directives' variables
    (at most ``per_operation`` of those)."""

    def __init__(self, size: int = 256, per_operation: int = 16) -> None:
        self.size, self.per_operation = size, per_operation
        self._operations: OrderedDict[tuple[int, int], _Operation] = OrderedDict()
        self.reused = 0  # requests that ran a plan made before

    def clear(self) -> None:
        self._operations.clear()

    def fields_planned(self) -> int:
        """The plans of fields the kept plans hold (each made once)."""
        return sum(
            site.fields_planned
            for operation in self._operations.values()
            for site in operation.sites.values()
        )

    def site_for(self, context: "FieldPlanning") -> PlanSite:
        """The plan site for ``context``'s operation, taken (``busy``) and pointed at it: one
        made before if there is one free, else a new one (kept unless the key is in use)."""
        site = self._site_for(context)
        site.busy, site.context = True, context
        return site

    def _site_for(self, context: "FieldPlanning") -> PlanSite:
        resolvers = (
            context.field_resolver,
            context.type_resolver,
            context.is_awaitable,
            context.is_async_iterable,
        )
        middleware = context.middleware_manager
        if middleware is not None and middleware.middlewares:
            # strawberry builds a manager per request, of the request's extension instances
            # (a tracing extension's ``resolve``): the resolvers it wraps are the request's own.
            return PlanSite()
        operation = context.operation
        key = (id(context.schema), id(operation))
        entry = self._operations.get(key)
        if (
            entry is None
            or entry.schema is not context.schema
            or entry.operation is not operation
            or entry.resolvers != resolvers
        ):
            document = [operation.selection_set, *context.fragments.values()]
            names = tuple(sorted(directive_variables(document)))
            entry = _Operation(context.schema, operation, resolvers, names)
            self._operations[key] = entry
            if len(self._operations) > self.size:
                self._operations.popitem(last=False)
        else:
            self._operations.move_to_end(key)
        coerced = context.variable_values.coerced
        values = tuple(coerced.get(name) for name in entry.variables)
        site = entry.sites.get(values)
        if site is not None and site.reusable and not site.busy:
            self.reused += 1
            return site
        fresh = PlanSite()
        if site is None or not site.reusable:
            entry.sites[values] = fresh
            if len(entry.sites) > self.per_operation:
                del entry.sites[next(iter(entry.sites))]
        return fresh

    @staticmethod
    def release(site: PlanSite) -> None:
        """The request is done with the plan (its context and arguments are let go)."""
        site.busy, site.context, site.arguments = False, None, {}


PLANS = DocumentPlans()
"""The plans of this process."""
