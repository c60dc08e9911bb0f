"""The planned execution context: graphql-core's execution, through a plan of the operation
made once per request (``schema/execution/README.md`` says what it does differently)."""

from asyncio import gather
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import Any

from graphql import GraphQLField, GraphQLObjectType, get_nullable_type, is_leaf_type
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path

from schema.execution.completion import (
    Complete,
    CompletingContext,
    RunFields,
    close,
    discard,
    stop,
)
from schema.execution.internals import (
    DEFINITION_BACKREF,
    FieldDetailsList,
    GroupedFieldSet,
    StrawberryField,
    to_nodes,
)
from schema.execution.outcome import FallbackReason, PlanRecord, PlanStoppedError
from schema.execution.resolution import Bound, LeanResolver

RunField = Callable[[Any, Path | None], Any]
"""Resolves and completes one field on a source object (with the object's path)."""


class PlannedExecutionContext(CompletingContext):
    """graphql-core's execution, through a plan of the operation made once per request.

    graphql-core executes every field of every object by the same general steps: it finds the
    field's definition, builds its ``GraphQLResolveInfo`` and its ``Path``, coerces its
    arguments, calls the resolver, checks for an awaitable, and walks the return type's
    wrappers to complete the value. Here those steps are taken once per field of the
    document, when an object first reaches it: the plan holds the definition, the arguments
    coerced by graphql-core's own ``get_argument_values``, the resolver bound to them, and one
    completion per return type (``schema.execution.completion``). An info is built only where
    something reads it (a resolver taking ``info``, ``is_type_of``, ``resolve_type``).

    The plan answers only what completes plainly. Anything else stops it with a
    ``FallbackReason`` and graphql-core executes the whole operation again, unchanged: it
    alone produces errors and partial results. The resolvers only read, so running one twice
    changes nothing. Any other exception is a fault of the plan and is not hidden.
    """

    # graphql-core answers the operation when the plan stops (tests turn this off to see the
    # plan's own failure).
    fall_back = True

    def execute_root_grouped_field_set(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: GroupedFieldSet,
        serially: bool,
        position_context: Any,
    ) -> Any:
        def standard() -> Any:
            return super(PlannedExecutionContext, self).execute_root_grouped_field_set(
                root_type, root_value, grouped_field_set, serially, position_context
            )

        data: dict[str, Any] = {}
        try:
            self._check_plannable(serially, position_context)
            for name, run in self._field_runs(root_type, grouped_field_set, at_root=True):
                data[name] = run(root_value, None)
        except PlanStoppedError as stopped:
            for value in data.values():
                if isinstance(value, _Awaited):
                    close(value.awaitable)
            return self._fall_back(stopped, standard)
        waiting = {name: v for name, v in data.items() if isinstance(v, _Awaited)}
        if not waiting:
            self.plan_answered()
            return data
        return self._settle_root_fields(data, waiting, standard)

    def _fall_back(self, stopped: PlanStoppedError, standard: Callable[[], Any]) -> Any:
        if not self.fall_back:
            raise stopped
        self.plan_stopped(stopped.reason)
        return standard()

    async def _settle_root_fields(
        self, data: dict[str, Any], waiting: dict[str, "_Awaited"], standard: Callable[[], Any]
    ) -> Any:
        """Awaits the root fields that awaited the database, together as graphql-core does,
        then completes them by the plan; graphql-core answers again if any of it stops."""
        values = await gather(*(w.awaitable for w in waiting.values()), return_exceptions=True)
        try:
            for (name, field), value in zip(waiting.items(), values, strict=True):
                if isinstance(value, BaseException):
                    raise stop(FallbackReason.RESOLVER_ERROR) from value
                data[name] = field.complete(value)
        except PlanStoppedError as stopped:
            answer = self._fall_back(stopped, standard)
            return await answer if self.is_awaitable(answer) else answer
        self.plan_answered()
        return data

    def _plan_record(self) -> PlanRecord | None:
        record = getattr(self.context_value, "plan", None)
        return record if isinstance(record, PlanRecord) else None

    def plan_answered(self) -> None:
        """The plan answered the operation (counted on the context's ``PlanRecord``)."""
        if (record := self._plan_record()) is not None:
            record.answered += 1

    def plan_stopped(self, reason: FallbackReason) -> None:
        """The plan stopped for ``reason``; graphql-core answers."""
        if (record := self._plan_record()) is not None:
            record.fallback = reason

    def _check_plannable(self, serially: bool, position_context: Any) -> None:
        schema = self.schema
        if serially:
            raise stop(FallbackReason.MUTATION)
        if self.abort_signal is not None:
            raise stop(FallbackReason.ABORT_SIGNAL)
        if position_context is not None or any(
            schema.get_directive(name) is not None for name in ("defer", "stream")
        ):
            raise stop(FallbackReason.INCREMENTAL)

    def _field_runs(
        self, object_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet, at_root: bool
    ) -> list[tuple[str, RunField]]:
        return [
            (name, run)
            for name, details in grouped_field_set.items()
            if (run := self._run_field(object_type, name, details, at_root)) is not None
        ]

    def _subfield_runs(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> RunFields:
        try:
            grouped_field_set, new_defer_usages, _forbidden = self.collect_subfields(
                object_type, details
            )
        except Exception as error:  # graphql-core: a field error (fragment arguments)
            raise stop(FallbackReason.ARGUMENTS) from error
        if new_defer_usages:
            raise stop(FallbackReason.INCREMENTAL)
        runs = self._field_runs(object_type, grouped_field_set, at_root=False)

        def run_fields(source: Any, path: Path | None) -> dict[str, Any]:
            return {name: run(source, path) for name, run in runs}

        return run_fields

    def _bound_call(self, field_def: GraphQLField, details: FieldDetailsList) -> tuple[Bound, bool]:
        """The field's resolver with its arguments bound, and whether it takes the info."""
        first = details[0]
        node = first.node
        try:
            arguments = (
                get_argument_values(
                    field_def,
                    node,
                    self.variable_values,
                    first.fragment_variable_values,
                    self.hide_suggestions,
                )
                if field_def.args or node.arguments
                else {}
            )
        except Exception as error:  # graphql-core: a field error
            raise stop(FallbackReason.ARGUMENTS) from error
        resolve = field_def.resolve or self.field_resolver
        if self.middleware_manager:  # as graphql-core wraps it (unchanged without middleware)
            resolve = self.middleware_manager.get_field_resolver(resolve)
        definition = (field_def.extensions or {}).get(DEFINITION_BACKREF)
        if (
            getattr(resolve, "_is_default", False)
            and isinstance(definition, StrawberryField)
            and definition.base_resolver is None
            and definition.default_resolver is getattr
        ):
            # strawberry's default resolver: ``getattr(source, python_name)``, info unused.
            read = attrgetter(definition.python_name)
            return (lambda source, _info: read(source)), False
        if isinstance(resolve, LeanResolver):
            return resolve.bind(arguments), resolve.takes_info
        return partial(_call_resolver, resolve, arguments), True

    def _run_field(
        self,
        parent_type: GraphQLObjectType,
        response_name: str,
        details: FieldDetailsList,
        at_root: bool,
    ) -> RunField | None:
        """The plan of one field of the document on objects of ``parent_type``; None for a
        field graphql-core leaves out of the response (no such field). A root field may
        await (the root lists' statements): it then gives an ``_Awaited``."""
        field_name = details[0].node.name.value
        if field_name == "__typename":
            type_name = parent_type.name
            return lambda _source, _path: type_name
        if field_name.startswith("__"):
            raise stop(FallbackReason.INTROSPECTION)  # graphql-core's own resolvers
        field_def = self.schema.get_field(parent_type, field_name)
        if field_def is None:
            return None
        complete, completion_needs_info = self._completion(field_def.type, details)
        call, needs_info = self._bound_call(field_def, details)
        build_info = self.build_resolve_info
        field_nodes = to_nodes(details)

        def info_at(path: Path) -> Any:
            return build_info(field_def, field_nodes, parent_type, path)

        return _runner(
            call,
            complete,
            info_at if needs_info or completion_needs_info else None,
            _Key(response_name, parent_type.name),
            at_root=at_root,
            leaf=is_leaf_type(get_nullable_type(field_def.type)),
            is_awaitable=self.is_awaitable,
        )


@dataclass(frozen=True, slots=True)
class _Key:
    """A field's response name and the name of the type it is selected on (its path's)."""

    response_name: str
    type_name: str


def _runner(
    call: Bound,
    complete: Complete,
    info_at: Callable[[Path], Any] | None,
    key: _Key,
    *,
    at_root: bool,
    leaf: bool,
    is_awaitable: Callable[[Any], bool],
) -> RunField:
    """One field's run, specialised (a closure per case, not a test per call: these run once
    per field of every object a response holds) for a root field, a field whose resolver or
    completion reads the info, a leaf (no path), and any other field."""
    response_name, type_name = key.response_name, key.type_name

    def resolve(source: Any, info: Any) -> Any:
        try:
            return call(source, info)
        except Exception as error:  # graphql-core: a field error, a partial result
            raise stop(FallbackReason.RESOLVER_ERROR) from error

    if at_root:

        def run_root(source: Any, parent_path: Path | None) -> Any:
            path = Path(parent_path, response_name, type_name)
            info = info_at(path) if info_at is not None else None
            value = resolve(source, info)
            if is_awaitable(value):
                return _Awaited(value, lambda value: complete(value, path, info))
            return complete(value, path, info)

        return run_root
    if info_at is not None:

        def run_with_info(source: Any, parent_path: Path | None) -> Any:
            path = Path(parent_path, response_name, type_name)
            info = info_at(path)
            try:
                value = call(source, info)
            except Exception as error:
                raise stop(FallbackReason.RESOLVER_ERROR) from error
            if is_awaitable(value):
                discard(value)
            return complete(value, path, info)

        return run_with_info
    if leaf:

        def run_leaf(source: Any, _parent_path: Path | None) -> Any:
            try:
                value = call(source, None)
            except Exception as error:
                raise stop(FallbackReason.RESOLVER_ERROR) from error
            if is_awaitable(value):
                discard(value)
            return complete(value, None, None)

        return run_leaf

    def run(source: Any, parent_path: Path | None) -> Any:
        try:
            value = call(source, None)
        except Exception as error:
            raise stop(FallbackReason.RESOLVER_ERROR) from error
        if is_awaitable(value):
            discard(value)
        return complete(value, Path(parent_path, response_name, type_name), None)

    return run


@dataclass(frozen=True, slots=True)
class _Awaited:
    """A root field's awaitable, and how to complete the value it gives."""

    awaitable: Any
    complete: Callable[[Any], Any]


def _call_resolver(
    resolve: Callable[..., Any], arguments: dict[str, Any], source: Any, info: Any
) -> Any:
    return resolve(source, info, **arguments)
