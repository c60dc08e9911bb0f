"""strawberry's extension hooks, run without its per-request set-up.

For each of its four stages (operation, parsing, validation, execution) strawberry's runner
looks every extension's hook up on every request, inspects it, wraps it in a new
``contextlib`` context manager, and enters them all on a new ``AsyncExitStack`` (even when no
extension implements the stage). That generality (any context manager, callbacks, sync and
async stacks) was the largest cost left around a lookup's execution on the direct path. What
an extension class implements is fixed, so here it is inspected once per list of extension
classes (``_Plan``), every hook becomes a generator or an async generator then (a plain
method is wrapped as strawberry's ``from_callable`` wraps it), and a stage drives those
generators itself (``_Stage``): forward on entering, in reverse on leaving, an exception of
the stage thrown into each, as ``contextlib``'s ``contextmanager`` and ``AsyncExitStack``
do (``_leave``, ``_unwind``). A stage no extension implements enters nothing.
``tests/test_extension_runner.py`` runs both runners over the same hooks and compares.
"""

import sys
from asyncio import iscoroutinefunction  # the test strawberry's ``from_callable`` uses
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from inspect import isasyncgenfunction, isgeneratorfunction
from types import TracebackType
from typing import Any, TypeVar

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
)
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext
from strawberry.utils.await_maybe import await_maybe

# A stage's hook: the extension's position, whether its generator is asynchronous, and the
# function making the generator from the extension.
_Hook = tuple[int, bool, Callable[[SchemaExtension], Any]]
_Started = list[tuple[bool, Any]]  # the generators a stage has entered, in order
_EXIT = tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
_STAGES = ("on_operation", "on_parse", "on_validate", "on_execute")
_DONE = object()  # a generator's end, for ``next``


def _as_generator(position: int, function: Callable[[SchemaExtension], Any]) -> _Hook:
    """A hook as a function making a generator (or an async generator) of the extension."""
    if isgeneratorfunction(function):
        return position, False, function
    if isasyncgenfunction(function):
        return position, True, function
    if iscoroutinefunction(function):  # strawberry's ``from_callable``: call, then yield

        async def called_async(extension: SchemaExtension) -> AsyncIterator[None]:
            await function(extension)
            yield

        return position, True, called_async

    def called(extension: SchemaExtension) -> Iterator[None]:
        function(extension)
        yield

    return position, False, called


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a list of extension classes implements: each stage's hooks in order, the
    extensions whose hook is not callable (strawberry raises when the stage is created), and
    those reporting results (the others' are always empty)."""

    hooks: dict[str, tuple[_Hook, ...]]
    invalid: dict[str, int | None]
    results: tuple[int, ...]


_PLANS: dict[tuple[type[SchemaExtension], ...], _Plan] = {}


def _plan(classes: tuple[type[SchemaExtension], ...]) -> _Plan:
    hooks: dict[str, tuple[_Hook, ...]] = {}
    invalid: dict[str, int | None] = {}
    for name in _STAGES:
        default, invalid[name] = getattr(SchemaExtension, name), None
        found: list[_Hook] = []
        for position, extension in enumerate(classes):
            function = getattr(extension, name)  # as strawberry's ``get_hook`` finds it
            if function is default or not function:
                continue
            if not callable(function):  # no hook of the stage will run
                invalid[name], found = position, []
                break
            found.append(_as_generator(position, function))
        hooks[name] = tuple(found)
    default_results = SchemaExtension.get_results
    results = tuple(i for i, e in enumerate(classes) if e.get_results is not default_results)
    return _Plan(hooks, invalid, results)


async def _leave(generator: Any, is_async: bool, typ: Any, value: Any, tb: Any) -> bool:
    """One entered hook's exit with an exception, as ``contextmanager``'s (or
    ``asynccontextmanager``'s) ``__exit__`` leaves its generator: thrown in, it may end
    (the exception swallowed: True), raise it again (False) or raise another."""
    if value is None:
        value = typ()
    stop: type[Exception] = StopAsyncIteration if is_async else StopIteration
    try:
        if is_async:
            await generator.athrow(typ, value, tb)
        else:
            generator.throw(typ, value, tb)
    except stop as ended:
        return ended is not value
    except RuntimeError as error:
        wrapped = (StopIteration, StopAsyncIteration) if is_async else StopIteration
        if error is value or (isinstance(value, wrapped) and error.__cause__ is value):
            (error if error is value else value).__traceback__ = tb
            return False
        raise
    except BaseException as error:
        if error is not value:
            raise
        error.__traceback__ = tb
        return False
    await _not_stopped(generator, is_async, " after athrow()" if is_async else " after throw()")
    return False  # not reached: ``_not_stopped`` raises


async def _not_stopped(generator: Any, is_async: bool, after: str = "") -> None:
    try:
        raise RuntimeError(f"generator didn't stop{after}")
    finally:
        await generator.aclose() if is_async else generator.close()


def _chain(raised: BaseException, previous: BaseException | None, outer: Any) -> None:
    """``AsyncExitStack``'s context of an exception a hook raised on exit: the exception it
    was leaving with, as nested ``with`` statements would chain them."""
    while (context := raised.__context__) is not None and context is not previous:
        if context is outer:
            raised.__context__ = previous
            return
        raised = context


async def _unwind(started: _Started, typ: Any, value: Any, tb: Any) -> None:
    """The entered hooks left in reverse order, as ``AsyncExitStack.__aexit__`` leaves its
    context managers. A hook swallowing the stage's exception spares the hooks left after it,
    but the stage still raises it: strawberry's stage drops the exit stack's answer."""
    outer = sys.exc_info()[1]
    exit: _EXIT = (typ, value, tb)
    pending = False
    while started:
        is_async, generator = started.pop()
        try:
            if exit[0] is None:  # the common case: each generator runs to its end
                done = await anext(generator, _DONE) if is_async else next(generator, _DONE)
                if done is not _DONE:
                    await _not_stopped(generator, is_async)
            elif await _leave(generator, is_async, *exit):
                pending, exit = False, (None, None, None)
        except BaseException:
            raised = sys.exc_info()
            assert raised[1] is not None
            _chain(raised[1], exit[1], outer)
            pending, exit = True, raised
    if pending and exit[1] is not None:
        error, context = exit[1], exit[1].__context__
        try:
            raise error
        except BaseException:
            error.__context__ = context  # ``raise`` set it to the exception being handled
            raise


class _Stage(ExtensionContextManagerBase):
    """One stage of one request: its hooks, on the request's extension instances."""

    def __init__(self, extensions: list[SchemaExtension], hooks: tuple[_Hook, ...]) -> None:
        self._extensions = extensions
        self._hooks = hooks
        self._started: _Started = []

    async def __aenter__(self) -> None:
        if not self._hooks:
            return
        extensions, started = self._extensions, self._started
        for position, is_async, function in self._hooks:
            generator = function(extensions[position])
            if is_async:
                try:
                    await anext(generator)
                except StopAsyncIteration:
                    raise RuntimeError("generator didn't yield") from None
            else:
                try:
                    next(generator)
                except StopIteration:
                    raise RuntimeError("generator didn't yield") from None
            # A hook raising on entry leaves those entered before it suspended, as
            # strawberry's exit stack does (its ``async with`` never started).
            started.append((is_async, generator))

    async def __aexit__(self, *exit: Any) -> None:  # the stage's exception, if any
        if self._hooks:
            await _unwind(self._started, *exit)

    def __enter__(self) -> None:
        """The synchronous path (``Schema.execute_sync``, unused by the service): strawberry's."""
        if self._hooks:
            ExtensionContextManagerBase.__init__(self, self._extensions)
            super().__enter__()

    def __exit__(self, *exit: Any) -> None:
        if self._hooks:
            super().__exit__(*exit)


class _Operation(_Stage, OperationContextManager):
    pass


class _Parsing(_Stage, ParsingContextManager):
    pass


class _Validation(_Stage, ValidationContextManager):
    pass


class _Executing(_Stage, ExecutingContextManager):
    pass


_S = TypeVar("_S", bound=_Stage)
# A stage no extension implements holds nothing of its request: one serves them all.
_IDLE: dict[type[_Stage], _Stage] = {
    stage: stage([], ()) for stage in (_Operation, _Parsing, _Validation, _Executing)
}


class LeanExtensionsRunner(SchemaExtensionsRunner):
    """strawberry's runner with stages planned once per list of extension classes (the
    list a runner is built with is fixed, as strawberry's ``Schema.execute`` builds it)."""

    def __init__(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension] | None = None
    ) -> None:
        super().__init__(execution_context, extensions)
        classes = tuple(map(type, self.extensions))
        plan = _PLANS.get(classes)
        if plan is None:
            plan = _PLANS[classes] = _plan(classes)
        self._plan = plan

    def _stage(self, stage: type[_S]) -> _S:
        name = stage.HOOK_NAME
        hooks = self._plan.hooks[name]
        if hooks:
            return stage(self.extensions, hooks)
        position = self._plan.invalid[name]
        if position is not None:  # strawberry's error, when it creates the stage
            extension = self.extensions[position]
            function = getattr(type(extension), name)
            raise ValueError(f"Hook {name} on {extension} must be callable, received {function!r}")
        return _IDLE[stage]  # type: ignore[return-value]

    def operation(self) -> OperationContextManager:
        return self._stage(_Operation)

    def parsing(self) -> ParsingContextManager:
        return self._stage(_Parsing)

    def validation(self) -> ValidationContextManager:
        return self._stage(_Validation)

    def executing(self) -> ExecutingContextManager:
        return self._stage(_Executing)

    async def get_extensions_results(self, ctx: ExecutionContext) -> dict[str, Any]:
        """strawberry's, asking only the extensions that report results."""
        data: dict[str, Any] = {}
        extensions = self.extensions
        for position in self._plan.results:
            data.update(await await_maybe(extensions[position].get_results()))
        data.update(ctx.extensions_results)
        return data
