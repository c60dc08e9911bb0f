"""Validation rules that refuse abusive documents before execution, each with its own code.

Depth (the graph is cyclic: office -> country -> office ...), aliases and directives are
counted over the whole document, fragments included; introspection lists are bounded by
graphql-core's ``MaxIntrospectionDepthRule``; tokens are bounded while parsing.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension

from resolvers.pagination import PageLimits
from schema.errors import ErrorCode, coded_error
from schema.extensions.document_facts import facts_of


@dataclass(frozen=True)
class Limits:
    """What one operation may ask for; the service builds it from its settings."""

    max_depth: int = 15
    max_aliases: int = 30
    max_directives: int = 20
    max_tokens: int = 2000
    max_fields: int = 250
    # Fields merged into one response path (fragments included): validation compares each
    # pair. Not a setting: real documents repeat a field a few times (in several fragments),
    # never dozens.
    max_same_name: int = 25
    max_cost: int = 25_000
    # `_entities` representations per request: past it, one error and no per-item work.
    max_representations: int = 1000
    # Errors per response: past it, one last error says how many were left out.
    max_errors: int = 100
    page: PageLimits = field(default_factory=PageLimits)


def _nesting(selection_set: SelectionSetNode) -> tuple[int, list[tuple[str, int]]]:
    """The deepest field nesting of ``selection_set`` without entering fragment spreads, and
    each fragment it spreads with the number of fields above the spread."""
    deepest = 0
    spreads: list[tuple[str, int]] = []
    stack = [(selection_set, 0)]
    while stack:  # iterative: a document may nest selections far past the recursion limit
        current, above = stack.pop()
        for selection in current.selections:
            if isinstance(selection, FieldNode):
                deepest = max(deepest, above + 1)
                if selection.selection_set is not None:
                    stack.append((selection.selection_set, above + 1))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, above))
            elif isinstance(selection, FragmentSpreadNode):
                spreads.append((selection.name.value, above))
    return deepest, spreads


def _deepest(own: int, spreads: list[tuple[str, int]], fragment_depths: dict[str, int]) -> int:
    # A fragment not (yet) in ``fragment_depths`` is undefined or closes a cycle; validation
    # reports both, so counting it 0 only has to terminate.
    return max([own, *(above + fragment_depths.get(name, 0) for name, above in spreads)])


def fragment_depths(fragments: dict[str, FragmentDefinitionNode]) -> dict[str, int]:
    """The depth of every fragment, each computed once however often it is spread.

    Re-walking a fragment at every spread costs 2^n for a chain of fragments each spreading
    the next twice. Here each fragment is walked once and its spreads are resolved in
    post-order over the fragment graph, without recursion; a spread back into a fragment
    still being resolved (a cycle) is cut.
    """
    nestings = {name: _nesting(fragment.selection_set) for name, fragment in fragments.items()}
    depths: dict[str, int] = {}
    for start in nestings:
        if start in depths:
            continue
        path = [(start, iter(nestings[start][1]))]
        on_path = {start}
        while path:
            name, spreads = path[-1]
            for spread, _ in spreads:
                if spread in nestings and spread not in depths and spread not in on_path:
                    path.append((spread, iter(nestings[spread][1])))
                    on_path.add(spread)
                    break
            else:
                path.pop()
                on_path.discard(name)
                depths[name] = _deepest(*nestings[name], depths)
    return depths


def _depth(selection_set: SelectionSetNode, fragment_depths: dict[str, int]) -> int:
    """Deepest field nesting below ``selection_set`` (a field with no selection counts 1)."""
    return _deepest(*_nesting(selection_set), fragment_depths)


def operation_depth(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> int:
    """The depth ``MaxDepthRule`` counts for ``operation`` (``schema.execution.chunk`` sizes
    the data stack an operation needs from it)."""
    return _depth(operation.selection_set, fragment_depths(fragments))


def depth_rule(max_depth: int) -> type[ValidationRule]:
    class MaxDepthRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragment_depths = fragment_depths(
                {
                    d.name.value: d
                    for d in context.document.definitions
                    if isinstance(d, FragmentDefinitionNode)
                }
            )

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            depth = _depth(node.selection_set, self.fragment_depths)
            if depth > max_depth:
                name = node.name.value if node.name else "the operation"
                self.report_error(
                    coded_error(
                        f"{name} is {depth} fields deep, above the maximum depth of {max_depth}",
                        ErrorCode.DEPTH_LIMIT_EXCEEDED,
                        limit=max_depth,
                        actual=depth,
                    )
                )

    return MaxDepthRule


def count_rule(what: str, code: ErrorCode, maximum: int, count: Any) -> type[ValidationRule]:
    """A rule refusing documents where ``count(document)`` is above ``maximum``."""

    class CountRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            actual = count(context.document)
            if actual > maximum:
                self.report_error(
                    coded_error(
                        f"the document has {actual} {what}, above the maximum of {maximum}",
                        code,
                        limit=maximum,
                        actual=actual,
                    )
                )

    return CountRule


def _count_aliases(document: Any) -> int:
    return facts_of(document).aliases


def _count_directives(document: Any) -> int:
    return facts_of(document).directives


class FieldCountLimit(SchemaExtension):
    """Refuse documents selecting more than ``max_fields`` fields (fragments counted once),
    before graphql-core validates them: validating many fields of one name is quadratic
    (``OverlappingFieldsCanBeMergedRule``; 1,500 selections of one field took about 0.3 s on
    the event loop before graphql-core's own budget gave up), and no cost limit sees it, as
    scalar fields are free. Counting is linear."""

    def __init__(self, max_fields: int, max_same_name: int = Limits.max_same_name) -> None:
        self.max_fields, self.max_same_name = max_fields, max_same_name

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if execution.pre_execution_errors is None and document is not None:
            error = self._refusal(document)
            if error is not None:
                execution.pre_execution_errors = [error]
        yield

    def _refusal(self, document: Any) -> GraphQLError | None:
        facts = facts_of(document)
        if facts.fields > self.max_fields:
            return coded_error(
                f"the document selects {facts.fields} fields, above the maximum of "
                f"{self.max_fields}",
                ErrorCode.TOO_MANY_FIELDS,
                limit=self.max_fields,
                actual=facts.fields,
            )
        count, name = facts.same_name
        if count > self.max_same_name:
            return coded_error(
                f"the document selects `{name}` {count} times (fragments included), above "
                f"the maximum of {self.max_same_name} fields merged into one response path",
                ErrorCode.TOO_MANY_FIELDS,
                limit=self.max_same_name,
                actual=count,
                responsePath=name,
            )
        return None


def limit_extensions(limits: Limits) -> list[Any]:
    """Extension factories enforcing the document limits of ``limits``."""
    rules = [
        depth_rule(limits.max_depth),
        count_rule("aliases", ErrorCode.TOO_MANY_ALIASES, limits.max_aliases, _count_aliases),
        count_rule(
            "directives",
            ErrorCode.TOO_MANY_DIRECTIVES,
            limits.max_directives,
            _count_directives,
        ),
        MaxIntrospectionDepthRule,
    ]
    extensions: list[Any] = [
        partial(AddValidationRules, rules),
        partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
        partial(FieldCountLimit, limits.max_fields, limits.max_same_name),
    ]
    return extensions
