"""Checks on every input value before execution, whichever field it reaches."""

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import StringValueNode
from strawberry.extensions import SchemaExtension

from schema.errors import ErrorCode, coded_error
from schema.extensions.limits import walk


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class RejectNulCharacters(SchemaExtension):
    """Refuse text holding NUL (U+0000): PostgreSQL cannot store or compare it, and no name,
    code or ID of the dataset contains it. Literals and variables alike, on every engine."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        literals = (
            node.value
            for node in walk(execution.graphql_document)
            if isinstance(node, StringValueNode)
        )
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
