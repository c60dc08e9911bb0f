"""strawberry's extension hooks without their per-request set-up.

For each of its four stages (operation, parsing, validation, execution) strawberry's runner
looks up every extension's hook on every request, inspects it and wraps it in a new context
manager class (``contextlib.contextmanager`` of a bound method), then enters an exit stack
even when no extension implements the stage. What an extension class implements is fixed:
here it is inspected and wrapped once per list of extension classes, a stage without hooks
enters nothing, and only extensions that report results are asked for them.
Hooks still run per request, on that request's extension instances, in strawberry's order.
"""

import contextlib
import inspect
from collections.abc import Callable
from functools import partial
from types import TracebackType
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext
from strawberry.utils.await_maybe import await_maybe

_Wrapped = tuple[Callable[..., Any], bool] | None
# Per stage and list of extension classes: each extension's wrapped hook, None for one that
# implements none, or _DELEGATE for a plain (non-generator) hook, wrapped by strawberry.
_STAGES: dict[tuple[str, tuple[type[SchemaExtension], ...]], list[_Wrapped | str]] = {}
_DELEGATE = "delegate"


def _wrap(hook: Any, default: Any) -> _Wrapped | str:
    if hook is None or hook is default:
        return None
    if inspect.isgeneratorfunction(hook):
        return contextlib.contextmanager(hook), False
    if inspect.isasyncgenfunction(hook):
        return contextlib.asynccontextmanager(hook), True
    return _DELEGATE


class _ClassHooks(ExtensionContextManagerBase):
    """A stage whose hooks are wrapped once per list of extension classes."""

    def __init__(self, extensions: list[SchemaExtension]) -> None:
        key = (self.HOOK_NAME, tuple(type(e) for e in extensions))
        wrapped = _STAGES.get(key)
        if wrapped is None:
            default = getattr(SchemaExtension, self.HOOK_NAME)
            wrapped = [_wrap(getattr(t, self.HOOK_NAME, None), default) for t in key[1]]
            _STAGES[key] = wrapped
        self.hooks = []
        for extension, hook in zip(extensions, wrapped, strict=True):
            if hook is None:
                continue
            if isinstance(hook, str):
                self.default_hook = getattr(SchemaExtension, self.HOOK_NAME)
                delegated = self.get_hook(extension)
                if delegated is not None:
                    self.hooks.append(delegated)
                continue
            manager, is_async = hook
            self.hooks.append(WrappedHook(extension, partial(manager, extension), is_async))

    async def __aenter__(self) -> None:
        if self.hooks:
            await super().__aenter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        if self.hooks:
            await super().__aexit__(exc_type, exc_val, exc_tb)


class _Operation(_ClassHooks, OperationContextManager):
    pass


class _Parsing(_ClassHooks, ParsingContextManager):
    pass


class _Validation(_ClassHooks, ValidationContextManager):
    pass


class _Executing(_ClassHooks, ExecutingContextManager):
    pass


class LeanExtensionsRunner(SchemaExtensionsRunner):
    """strawberry's runner with stages of class-wrapped hooks (``Schema.execute``'s path:
    the synchronous one, unused here, keeps strawberry's own)."""

    def operation(self) -> OperationContextManager:
        return _Operation(self.extensions)

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self.extensions)

    def validation(self) -> ValidationContextManager:
        return _Validation(self.extensions)

    def executing(self) -> ExecutingContextManager:
        return _Executing(self.extensions)

    async def get_extensions_results(self, ctx: ExecutionContext) -> dict[str, Any]:
        """strawberry's, asking only the extensions that report results (the others' are
        always empty)."""
        data: dict[str, Any] = {}
        for extension in self.extensions:
            if type(extension).get_results is not SchemaExtension.get_results:
                data.update(await await_maybe(extension.get_results()))
        data.update(ctx.extensions_results)
        return data
