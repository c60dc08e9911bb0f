"""The static cost of a document, computed before execution (``CostModel.estimate``).

The cost of an operation is the largest number of objects it can return: every field of an
object type counts once per item of the lists above it. A connection multiplies what is below
its ``edges``/``nodes`` by ``first``/``last`` (else the default page size), capped by the
longest such list in the loaded dataset; plain lists multiply by their longest length
(`nodes(ids:)` and `_entities(representations:)`: their argument's). Each list and
connection field declares what bounds it (``bounded``: the edge it walks, ``resolvers.edges``,
or a bound of its own, ``resolvers.bounds``); ``tests/test_cost_model.py`` checks every one
does.
GitHub's node limit follows the same idea. Introspection counts one per field.
A named fragment's spread counts like a field, once per item of the lists above it, and its
body counts at every spread: a chain of fragments each spreading the next twice is charged
2^n, computed in time linear in the document (``_Walk``). Costs saturate at ``COST_CEILING``.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

from resolvers.bounds import Bound, ListSizes
from schema.extensions.field_bounds import ArgumentLength, FieldBound, bound_of, is_list_field

CONNECTION_ITEMS = frozenset({"edges", "nodes"})

T = TypeVar("T")
Reading = Callable[[Any], Any]
Reads = tuple[tuple[str, Reading], ...]


@dataclass(frozen=True)
class CostModel:
    schema: GraphQLSchema
    sizes: ListSizes
    default_page_size: int
    max_page_size: int

    def estimate(
        self, document: Any, operation_name: str | None, variables: Mapping[str, Any] | None
    ) -> int:
        return self.costing(document, operation_name, variables)[0]

    def costing(
        self, document: Any, operation_name: str | None, variables: Mapping[str, Any] | None
    ) -> tuple[int, Reads]:
        """The cost, and what the walk read of ``variables``: each variable once, with the
        reading it was read by (``as_int``, ``as_length``), in the order first read. The cost
        depends on the variables only through these readings (``schema.extensions.cost``
        memoises on them)."""
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
            return 0, ()
        root = self.schema.get_root_type(chosen[0].operation)
        sizes = _FieldSizes(self, variables or {})
        cost = _Walk(self, fragments, sizes).selection_set(chosen[0].selection_set, root, None)
        return cost, tuple(sizes.reads)


def as_int(value: Any) -> int | None:
    """A ``first``/``last`` argument as the model reads it: an integer, else none."""
    if isinstance(value, IntValueNode):
        return int(value.value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_length(value: Any) -> int:
    """A list argument (``nodes(ids:)``) as the model reads it: its length, else 1."""
    if isinstance(value, ListValueNode):
        return len(value.values)
    return len(value) if isinstance(value, list) else 1


# Costs saturate here, the largest integer a JSON client reads exactly: a chain of fragments
# each spreading the next twice costs 2^n, and no such number needs to be built.
COST_CEILING = 2**53 - 1


def _add(a: int, b: int) -> int:
    return min(a + b, COST_CEILING)


def _times(a: int, b: int) -> int:
    return min(a * b, COST_CEILING)  # both at most the ceiling: the product stays small


@dataclass
class _Frame:
    """A selection set being costed at multiplier 1, and how its total enters its parent's:
    ``scale * (own + total)``. A fragment's frame has a ``memo_key`` (its name and pending
    connection size), under which its total is remembered when it is finished."""

    selections: Iterator[SelectionNode]
    parent: Any
    pending: int | None
    scale: int = 1
    own: int = 0
    memo_key: tuple[str, int | None] | None = None
    total: int = 0


@dataclass
class _Walk:
    """The cost of selection sets, without recursion and with each fragment costed once.

    Every cost is linear in the multiplier the lists above it make (a field adds the
    multiplier, its children count at the multiplier times its list size), so a selection
    set is costed at multiplier 1 and scaled. A fragment's cost at multiplier 1 depends only
    on the fragment and on a pending connection size (its body is costed on its own type
    condition), so it is remembered under that pair: a chain of fragments each spreading the
    next twice is walked once per fragment, not 2^n times. Each spread still counts, like a
    field, once per item of the lists above it: that chain is charged what re-walking it
    would cost, and refused when that is over budget.
    """

    model: CostModel
    fragments: dict[str, FragmentDefinitionNode]
    sizes: "_FieldSizes"
    memo: dict[tuple[str, int | None], int] = field(default_factory=dict)

    def selection_set(
        self, selection_set: SelectionSetNode | None, parent: Any, pending: int | None
    ) -> int:
        """Cost below ``parent`` at multiplier 1; ``pending`` is a connection's size, applied
        at its edges/nodes."""
        if selection_set is None or parent is None:
            return 0
        stack = [_Frame(iter(selection_set.selections), parent, pending)]
        visiting: set[str] = set()  # fragments on the stack: a cycle is cut, not followed
        while True:
            frame = stack[-1]
            selection = next(frame.selections, None)
            if selection is None:
                stack.pop()
                if frame.memo_key is not None:
                    visiting.discard(frame.memo_key[0])
                    self.memo[frame.memo_key] = frame.total
                cost = _times(frame.scale, _add(frame.own, frame.total))
                if not stack:
                    return cost
                stack[-1].total = _add(stack[-1].total, cost)
            elif isinstance(selection, FieldNode):
                child = self.sizes.field_cost(selection, frame.parent, frame.pending)
                if isinstance(child, _Frame):
                    stack.append(child)
                else:
                    frame.total = _add(frame.total, child)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = (
                    self.model.schema.get_type(condition.name.value) if condition else frame.parent
                )
                if target is not None:
                    stack.append(
                        _Frame(iter(selection.selection_set.selections), target, frame.pending)
                    )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visiting:
                    continue
                key = (name, frame.pending)
                if key in self.memo:
                    frame.total = _add(frame.total, _add(1, self.memo[key]))
                    continue
                target = self.model.schema.get_type(fragment.type_condition.name.value)
                if target is None:
                    frame.total = _add(frame.total, 1)
                    continue
                visiting.add(name)
                stack.append(
                    _Frame(
                        iter(fragment.selection_set.selections),
                        target,
                        frame.pending,
                        own=1,
                        memo_key=key,
                    )
                )


@dataclass
class _FieldSizes:
    """What one field counts at multiplier 1: its list size (a connection's page, a plain
    list's longest length in the dataset, ``nodes(ids:)``'s length), read from its arguments
    and the operation's variables."""

    model: CostModel
    variables: Mapping[str, Any]
    # Each variable read, with its reading (a dict as an ordered set): ``CostModel.costing``.
    reads: dict[tuple[str, Reading], None] = field(default_factory=dict)

    def field_cost(self, node: FieldNode, parent: Any, pending: int | None) -> int | _Frame:
        """A field's cost at multiplier 1, or the frame costing its selection."""
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
        bound, is_list = bound_of(definition), is_list_field(definition)
        if pending is not None and name in CONNECTION_ITEMS:
            size = pending  # a connection's edges/nodes: its page, not a plain list
        else:
            size = self.list_size(bound, node) if is_list else 1
        size = min(size, COST_CEILING)
        if node.selection_set is None:
            return size
        connection_size = None if is_list else self.connection_size(bound, node)
        return _Frame(
            iter(node.selection_set.selections), return_type, connection_size, scale=size, own=1
        )

    def connection_size(self, bound: FieldBound | None, node: FieldNode) -> int | None:
        """A connection's page size, capped by its bound; None for any other object."""
        if not isinstance(bound, Bound):
            return None
        requested = [
            v
            for v in (self.int_argument(node, "first"), self.int_argument(node, "last"))
            if v is not None
        ]
        page = min(requested) if requested else self.model.default_page_size
        page = max(0, min(page, self.model.max_page_size))
        return min(page, self.model.sizes.get(bound, page))

    def list_size(self, bound: FieldBound | None, node: FieldNode) -> int:
        if isinstance(bound, ArgumentLength):
            return self.list_argument_length(node, bound.argument)
        fallback = self.model.max_page_size
        return self.model.sizes.get(bound, fallback) if bound is not None else fallback

    def argument(self, node: FieldNode, name: str, reading: Callable[[Any], T]) -> T:
        """The argument ``name`` of ``node`` (a literal or a variable's value), as ``reading``
        reads it: the only way the model reads the variables."""
        for argument in node.arguments or ():
            if argument.name.value == name:
                value = argument.value
                if isinstance(value, VariableNode):
                    self.reads[value.name.value, reading] = None
                    return reading(self.variables.get(value.name.value))
                return reading(value)
        return reading(None)

    def int_argument(self, node: FieldNode, name: str) -> int | None:
        return self.argument(node, name, as_int)

    def list_argument_length(self, node: FieldNode, name: str) -> int:
        return self.argument(node, name, as_length)
