"""Validation rules that refuse abusive documents before execution, each with its own code.

Depth (the graph is cyclic: office -> country -> office ...), aliases and directives are
counted over the whole document, fragments included; introspection lists are bounded by
graphql-core's ``MaxIntrospectionDepthRule``; tokens are bounded while parsing.
"""

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter

from resolvers.pagination import PageLimits
from schema.errors import ErrorCode, coded_error


@dataclass(frozen=True)
class Limits:
    """What one operation may ask for; the service builds it from its settings."""

    max_depth: int = 15
    max_aliases: int = 30
    max_directives: int = 20
    max_tokens: int = 2000
    max_cost: int = 25_000
    page: PageLimits = field(default_factory=PageLimits)


def _depth(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    visiting: frozenset[str] = frozenset(),
) -> int:
    """Deepest field nesting below ``selection_set`` (a field with no selection counts 1)."""
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            deepest = max(deepest, 1 + _depth(selection.selection_set, fragments, visiting))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, fragments, visiting))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in visiting:
                deepest = max(deepest, _depth(fragment.selection_set, fragments, visiting | {name}))
    return deepest


def depth_rule(max_depth: int) -> type[ValidationRule]:
    class MaxDepthRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            fragments = {
                d.name.value: d
                for d in self.context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            depth = _depth(node.selection_set, fragments)
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
    return sum(1 for node in walk(document) if isinstance(node, FieldNode) and node.alias)


def _count_directives(document: Any) -> int:
    return sum(1 for node in walk(document) if isinstance(node, DirectiveNode))


def walk(node: Any) -> Any:
    """Every AST node below ``node`` (iterative, so deep documents cannot overflow)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for key in current.keys:
            value = getattr(current, key, None)
            if isinstance(value, tuple | list):
                stack.extend(v for v in value if hasattr(v, "keys"))
            elif hasattr(value, "keys") and not isinstance(value, str):
                stack.append(value)


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
    ]
    return extensions
