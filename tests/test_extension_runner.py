"""``schema.extensions.runner``: strawberry's hooks, wrapped once per list of extension
classes, run as strawberry's own runner runs them (order, plain and async hooks, results)."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

from schema.extensions.runner import LeanExtensionsRunner


@strawberry.type
class _Query:
    hello: str = "world"


class _Traced(SchemaExtension):
    def __init__(self, log: list[str]) -> None:
        self.log = log

    def on_operation(self) -> Iterator[None]:
        self.log.append("operation in")
        yield
        self.log.append("operation out")

    def on_parse(self) -> None:  # a plain hook: strawberry's wrapping
        self.log.append("parse")

    async def on_execute(self) -> AsyncIterator[None]:
        self.log.append("execute in")
        yield
        self.log.append("execute out")

    def get_results(self) -> dict[str, Any]:
        return {"log": len(self.log)}


class _Silent(SchemaExtension):
    pass


def _log_of(runner_class: type[SchemaExtensionsRunner]) -> tuple[list[str], dict[str, Any]]:
    log: list[str] = []

    class Schema(strawberry.Schema):
        def create_extensions_runner(
            self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
        ) -> SchemaExtensionsRunner:
            return runner_class(execution_context, extensions)

    schema = Schema(_Query, extensions=[_Silent, lambda: _Traced(log), _Silent])
    result = asyncio.run(schema.execute("{ hello }", root_value=_Query()))
    assert result.data == {"hello": "world"}
    return log, result.extensions or {}


def test_hooks_run_as_strawberry_runs_them() -> None:
    for _ in range(2):  # the second time from the wrapped hooks kept
        assert _log_of(LeanExtensionsRunner) == _log_of(SchemaExtensionsRunner)
    assert _log_of(LeanExtensionsRunner) == (
        ["operation in", "parse", "execute in", "execute out", "operation out"],
        {"log": 5},
    )
