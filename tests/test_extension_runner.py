"""``schema.extensions.runner``: strawberry's hooks, wrapped once per list of extension
classes, run as strawberry's own runner runs them (order, plain and async hooks, results)."""

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any, cast

import pytest
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


# Every way a hook may behave, run by both runners over the same sequences of extensions.
Log = list[str]
KINDS = ("generator", "async generator", "method", "async method")
BEHAVIOURS = ("passes", "raises on entry", "raises on exit", "swallows", "replaces", "yields twice")
BEHAVIOURS_OF = {
    "generator": (*BEHAVIOURS, "never yields"),
    "async generator": (*BEHAVIOURS, "never yields"),
    "method": ("passes", "raises on entry"),
    "async method": ("passes", "raises on entry"),
}


class _Hooked(SchemaExtension):
    name = ""

    def __init__(self, log: Log) -> None:
        self.log = log

    def __repr__(self) -> str:
        return self.name


def _generator(behaviour: str, name: str) -> Any:
    def on_execute(self: _Hooked) -> Iterator[None]:
        self.log.append(f"{name} in")
        if behaviour == "raises on entry":
            raise KeyError(name)
        if behaviour == "never yields":
            return
        try:
            yield
        except Exception as error:
            self.log.append(f"{name} saw {error!r}")
            if behaviour == "replaces":
                raise LookupError(f"{name} replaced") from error
            if behaviour == "yields twice":  # contextlib: "generator didn't stop after throw()"
                yield
            elif behaviour != "swallows":
                raise
        self.log.append(f"{name} out")
        if behaviour == "raises on exit":
            raise IndexError(name)
        if behaviour == "yields twice":
            yield

    return on_execute


def _async_generator(behaviour: str, name: str) -> Any:
    inner = _generator(behaviour, name)

    async def on_execute(self: _Hooked) -> AsyncIterator[None]:
        generator = inner(self)  # the same steps, one await between each
        sent: BaseException | None = None
        while True:
            await asyncio.sleep(0)
            try:
                next(generator) if sent is None else generator.throw(sent)
            except StopIteration:
                return
            sent = None
            try:
                yield
            except Exception as error:
                sent = error

    return on_execute


def _method(behaviour: str, name: str, is_async: bool) -> Any:
    def on_execute(self: _Hooked) -> None:
        self.log.append(f"{name} called")
        if behaviour == "raises on entry":
            raise KeyError(name)

    async def on_execute_async(self: _Hooked) -> None:
        await asyncio.sleep(0)
        on_execute(self)

    return on_execute_async if is_async else on_execute


def _extension(kind: str, behaviour: str, name: str) -> type[_Hooked]:
    makers = {
        "generator": lambda: _generator(behaviour, name),
        "async generator": lambda: _async_generator(behaviour, name),
        "method": lambda: _method(behaviour, name, False),
        "async method": lambda: _method(behaviour, name, True),
    }
    members: dict[str, Any] = {"name": name, "on_execute": makers[kind]()}
    if behaviour == "passes":  # one reports results, at random kinds of get_results
        members["get_results"] = lambda self: {name: len(self.log)}
    return type(name, (_Hooked,), members)


def _described(error: BaseException | None, depth: int = 0) -> Any:
    """An exception and its chain, comparable across runs."""
    if error is None or depth > 4:
        return None
    return (
        type(error).__name__,
        str(error),
        _described(error.__cause__, depth + 1),
        _described(error.__context__, depth + 1),
        error.__suppress_context__,
    )


async def _run(
    runner_class: type[SchemaExtensionsRunner], classes: list[type[_Hooked]], fails: bool
) -> tuple[Log, Any, dict[str, Any]]:
    log: Log = []
    extensions: list[SchemaExtension] = [c(log) for c in classes]
    context = cast(ExecutionContext, SimpleNamespace(extensions_results={"own": 1}))
    runner = runner_class(context, extensions)
    outcome = None
    try:
        async with runner.executing():
            log.append("stage")
            if fails:
                raise ValueError("in the stage")
    except Exception as error:
        outcome = _described(error)
    return log, outcome, await runner.get_extensions_results(context)


VARIANTS = [(kind, behaviour) for kind in KINDS for behaviour in BEHAVIOURS_OF[kind]] + [
    ("none", "")
]


def _classes(variants: tuple[tuple[str, str], ...]) -> list[type[_Hooked]]:
    return [
        _Hooked if kind == "none" else _extension(kind, behaviour, f"e{i}")
        for i, (kind, behaviour) in enumerate(variants)
    ]


async def _compare_all(length: int) -> int:
    compared = 0
    for variants in itertools.product(VARIANTS, repeat=length):
        classes = _classes(variants)
        for fails in (False, True):
            expected = await _run(SchemaExtensionsRunner, classes, fails)
            assert await _run(LeanExtensionsRunner, classes, fails) == expected, variants
            compared += 1
    return compared


def test_every_pair_and_triple_of_hooks_runs_as_with_strawberry() -> None:
    assert asyncio.run(_compare_all(2)) == 2 * 19**2
    assert asyncio.run(_compare_all(3)) == 2 * 19**3


def test_a_few_sequences_exactly() -> None:
    gen, agen = "generator", "async generator"
    swallowing = _classes(((gen, "passes"), (agen, "swallows"), (gen, "replaces")))
    log, outcome, results = asyncio.run(_run(LeanExtensionsRunner, swallowing, True))
    assert log == [
        "e0 in", "e1 in", "e2 in", "stage",
        "e2 saw ValueError('in the stage')",  # raises LookupError from it
        "e1 saw LookupError('e2 replaced')", "e1 out",  # swallowed: e0 leaves without one
        "e0 out",
    ]  # fmt: skip
    # strawberry's stage ignores its exit stack's answer: the stage's own error still raises
    assert outcome == ("ValueError", "in the stage", None, None, False)
    assert results == {"e0": 8, "own": 1}
    on_exit = _classes(((agen, "swallows"), (gen, "raises on exit")))
    log, outcome, results = asyncio.run(_run(LeanExtensionsRunner, on_exit, False))
    assert log == ["e0 in", "e1 in", "stage", "e1 out", "e0 saw IndexError('e1')", "e0 out"]
    assert (outcome, results) == (None, {"own": 1})
    entry = _classes(((gen, "passes"), ("method", "raises on entry"), (gen, "passes")))
    log, outcome, _ = asyncio.run(_run(LeanExtensionsRunner, entry, False))
    assert log == ["e0 in", "e1 called"]  # nothing entered is left: strawberry's behaviour
    assert outcome == ("KeyError", "'e1'", None, None, False)
    idle = _classes((("none", ""), ("none", "")))
    assert asyncio.run(_run(LeanExtensionsRunner, idle, True))[0] == ["stage"]


def test_a_hook_not_callable_and_the_synchronous_path() -> None:
    odd = type("Odd", (_Hooked,), {"name": "odd", "on_execute": 5})
    for runner_class in (SchemaExtensionsRunner, LeanExtensionsRunner):
        runner = runner_class(cast(ExecutionContext, None), [odd([])])
        with pytest.raises(ValueError, match="Hook on_execute on odd must be callable"):
            runner.executing()
    for variants in itertools.product(VARIANTS, repeat=2):
        logs = []
        for runner_class in (SchemaExtensionsRunner, LeanExtensionsRunner):
            log: Log = []
            runner = runner_class(
                cast(ExecutionContext, None), [c(log) for c in _classes(variants)]
            )
            try:
                with runner.executing():
                    log.append("stage")
            except Exception as error:
                log.append(repr(error))
            logs.append(log)
        assert logs[0] == logs[1], variants
