"""Checks on every input value before execution, whichever field it reaches."""

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from schema.errors import ErrorCode, coded_error
from schema.extensions.document_facts import facts_of


def _strings(value: Any) -> Iterator[str]:
    """Every string inside ``value`` (JSON: dicts, lists, scalars), without recursion: a
    client nesting variables 1,000 levels deep must not reach Python's recursion limit."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            yield current
        elif isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


class RejectNulCharacters(SchemaExtension):
    """Refuse text holding NUL (U+0000): PostgreSQL cannot store or compare it, and no name,
    code or ID of the dataset contains it. Literals and variables alike, on every engine."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        literals = facts_of(document).string_literals if document is not None else ()
        for text in (*literals, *_strings(execution.variables or {})):
            if "\x00" in text:
                execution.result = GraphQLExecutionResult(
                    data=None,
                    errors=[
                        coded_error(
                            "text arguments must not contain NUL (U+0000) characters",
                            ErrorCode.BAD_USER_INPUT,
                        )
                    ],
                )
                break
        yield
