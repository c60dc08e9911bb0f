"""The direct path: a document already parsed, validated and let through the per-document
guards runs without strawberry's per-request wrapper around those steps.

strawberry's ``Schema.execute`` does the same work for every request: it builds every
extension (eight here) and a ``MiddlewareManager``, enters the operation, parsing and
validation stages of every extension's hooks, looks the document up in the parser and
validation caches, and works out the operation's type, before graphql-core executes. Profiled
in process on a lookup, that wrapper was about two fifths of ``execute``'s CPU. For a document
it has already let through, most of it gives the same answer every time: the extensions
``per_document`` (the parser and validation caches, the document limits) depend on the
document's text alone, and the operation's type on the text and the ``operationName``.

So the first request of a document takes strawberry's path, which ``admit``s it (``IomSchema``
does, when strawberry reaches execution); a later request of the same text and
``operationName`` runs here: only the extensions ``per_request`` (the NUL check, the cost
limit and its charge, the answer date) are built, their ``on_validate`` and ``on_execute``
hooks run as strawberry runs them, and strawberry's own ``_execute_operation`` and
``_handle_execution_result`` execute and finish the result. What differs from strawberry's
path is only what is not done again; the equivalence test (``tests/test_direct_path.py``)
compares answers and errors with strawberry's path.

Anything unusual takes strawberry's path: a document not admitted (or evicted), an operation
type the request does not allow, a ``root_value``.
"""

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode
from graphql.execution.middleware import MiddlewareManager
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from schema.execution import internals
from schema.execution.internals import DEFAULT_ALLOWED_OPERATION_TYPES, PreExecutionError
from schema.extensions.runner import LeanExtensionsRunner

Factory = Callable[[], SchemaExtension]

# The hooks strawberry's path runs that each kind of extension may implement: a per-document
# extension's work must end before execution (its hooks run once, on admission); a per-request
# one's must start after parsing (the direct path enters no operation or parsing stage).
_DOCUMENT_HOOKS = frozenset({"on_operation", "on_parse", "on_validate"})
_REQUEST_HOOKS = frozenset({"on_validate", "on_execute", "get_results"})
_ALL_HOOKS = ("on_operation", "on_parse", "on_validate", "on_execute", "get_results", "resolve")


@dataclass(frozen=True, slots=True)
class Admitted:
    """A document strawberry's path let through, and its operation's type."""

    document: DocumentNode
    operation_type: OperationType


def _implemented(extension: type[SchemaExtension]) -> set[str]:
    return {h for h in _ALL_HOOKS if getattr(extension, h) is not getattr(SchemaExtension, h)}


def unfit(per_document: Sequence[Factory], per_request: Sequence[Factory]) -> list[str]:
    """Why these extensions cannot take the direct path (empty when they can): a hook outside
    its kind's stages, or a strawberry name the path uses missing."""
    reasons = list(internals.missing_for_direct())
    for factories, allowed in ((per_document, _DOCUMENT_HOOKS), (per_request, _REQUEST_HOOKS)):
        for factory in factories:
            extension = type(factory())
            if extra := _implemented(extension) - allowed:
                reasons.append(f"{extension.__name__}.{'/'.join(sorted(extra))}")
    return reasons


class DirectPath:
    """The documents of the last ``size`` (text, ``operationName``) pairs strawberry's path let
    through, and the direct execution of a request repeating one."""

    def __init__(self, per_request: Sequence[Factory], size: int = 256) -> None:
        self.per_request = tuple(per_request)
        self.size = size
        self._admitted: OrderedDict[tuple[str, str | None], Admitted] = OrderedDict()
        self.runs = 0  # requests executed here (the test that it runs reads it)
        # graphql-core's manager wraps nothing when no extension implements ``resolve`` (the
        # per-request ones do not: ``unfit``), so one serves every request.
        self._middleware = MiddlewareManager()

    def clear(self) -> None:
        self._admitted.clear()

    def admit(self, execution_context: ExecutionContext, operation_name: str | None) -> None:
        """Keeps the document strawberry's path is about to execute (parsed, validated, of an
        allowed operation type, every guard passed) for requests of its text and
        ``operation_name`` (the request's own, not the one strawberry infers)."""
        query, document = execution_context.query, execution_context.graphql_document
        if query is None or document is None:
            return
        key = (query, operation_name)
        if key not in self._admitted:
            self._admitted[key] = Admitted(document, execution_context.operation_type)
            if len(self._admitted) > self.size:
                self._admitted.popitem(last=False)

    async def execute(
        self,
        schema: "DirectExecution",
        query: str | None,
        variable_values: dict[str, Any] | None,
        context_value: Any,
        operation_name: str | None,
        allowed_operation_types: Iterable[OperationType],
        operation_extensions: dict[str, Any] | None,
    ) -> ExecutionResult | None:
        """The result of a request repeating an admitted document, or None for strawberry's
        path to answer (nothing of the request has run then)."""
        admitted = self._admitted.get((query, operation_name)) if query else None
        if admitted is None or admitted.operation_type not in allowed_operation_types:
            return None
        self.runs += 1
        context = schema._create_execution_context(
            query, allowed_operation_types, variable_values, context_value, None,
            operation_name, operation_extensions,
        )  # fmt: skip
        context.graphql_document = admitted.document
        extensions = [factory() for factory in self.per_request]
        for extension in extensions:
            extension.execution_context = context
        runner = LeanExtensionsRunner(execution_context=context, extensions=extensions)
        return await self._run(schema, context, runner, operation_extensions)

    async def _run(
        self,
        schema: "DirectExecution",
        context: ExecutionContext,
        runner: LeanExtensionsRunner,
        operation_extensions: dict[str, Any] | None,
    ) -> ExecutionResult:
        """strawberry's ``execute`` from its validation stage on, for a document it has
        validated (so graphql-core's validation is not run again: only the per-request hooks)."""
        try:
            async with runner.validation():
                pass
            if context.pre_execution_errors:
                refused = PreExecutionError(data=None, errors=context.pre_execution_errors)
                return await schema._handle_execution_result(context, refused, runner)
            result = await schema._execute_operation(
                context,
                runner,
                self._middleware,
                schema._get_execute_function(),
                schema._get_custom_context_kwargs(operation_extensions),
            )
        except (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError):
            raise
        except Exception as exc:  # as strawberry's path answers
            error = (
                exc if isinstance(exc, GraphQLError) else GraphQLError(str(exc), original_error=exc)
            )
            failed = PreExecutionError(data=None, errors=[error])
            return await schema._handle_execution_result(context, failed, runner)
        return await schema._handle_execution_result(
            context, result, runner, skip_process_errors=True
        )


@dataclass
class NamedOperationContext(ExecutionContext):
    """Strawberry runs a document's first operation when the request names none; the GraphQL
    spec requires an error when the document holds several. Failing to find the operation's
    type here makes strawberry raise ``CannotGetOperationTypeError``, before validation."""

    requested_name: str | None = None  # the request's ``operationName``

    @property
    def operation_type(self) -> OperationType:
        document = self.graphql_document
        if document is not None and self.requested_name is None:
            definitions = document.definitions
            if sum(isinstance(d, OperationDefinitionNode) for d in definitions) > 1:
                raise RuntimeError("several operations and no operation name")
        return super().operation_type


class DirectExecution(strawberry.federation.Schema):
    """strawberry's federation schema, executing a request by ``direct`` when it can, and
    keeping the operation's name the request gave (``NamedOperationContext``)."""

    direct: DirectPath | None = None

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        allowed = (
            DEFAULT_ALLOWED_OPERATION_TYPES
            if allowed_operation_types is None
            else allowed_operation_types
        )
        result = None
        if self.direct is not None and root_value is None:
            result = await self.direct.execute(
                self, query, variable_values, context_value, operation_name, allowed,
                operation_extensions,
            )  # fmt: skip
        if result is None:
            result = await super().execute(
                query, variable_values, context_value, root_value, operation_name, allowed,
                operation_extensions,
            )  # fmt: skip
        return result

    async def _execute_operation(
        self, execution_context: ExecutionContext, *args: Any, **kwargs: Any
    ) -> Any:
        """strawberry's (private: ``internals.missing_for_direct`` checks it), which it reaches
        for a document parsed, validated and of an allowed type: the direct path keeps that
        document for the next requests repeating it."""
        if self.direct is not None and isinstance(execution_context, NamedOperationContext):
            self.direct.admit(execution_context, execution_context.requested_name)
        return await super()._execute_operation(execution_context, *args, **kwargs)

    def _create_execution_context(
        self,
        query: str | None,
        allowed_operation_types: Iterable[OperationType],
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionContext:
        return NamedOperationContext(
            query=query,
            schema=self,
            allowed_operations=allowed_operation_types,
            context=context_value,
            root_value=root_value,
            variables=variable_values,
            provided_operation_name=operation_name,
            operation_extensions=operation_extensions,
            requested_name=operation_name,
        )
