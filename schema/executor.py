"""graphql-core's executor, started at the beginning of a fresh CPython data-stack chunk.

CPython (3.11 to 3.13, measured here) keeps the frames of Python calls in 16 KiB chunks of a
per-thread stack. A call that does not fit in the current chunk maps a new one (``mmap``), and
returning from it unmaps it at once. When the boundary between two chunks falls just below a
function called thousands of times in a row, every one of those calls maps and unmaps a chunk:
about 8 µs instead of 30 ns (``benchmark/README.md``, "Data-stack chunks"). Where the boundary
falls depends only on how deep the stack is when execution starts, so the same query was twice
as slow under uvicorn as in a test: profiled, 20 % of the server's CPU on a nested query was
``mmap``/``munmap`` under the resolvers of its countries.

No library controls this, so execution starts from a frame built to fill most of a chunk
(``_FILLER_SLOTS`` locals): it never fits in a chunk already in use, so it takes a new one,
and the first frame of execution, which cannot fit beside it, starts the next chunk. Execution
then always has a whole chunk before its first boundary, at the same depth of the operation,
whatever the server's own stack. The result is graphql-core's, unchanged: only where its
frames are stored differs.
"""

from asyncio import gather
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import Any, cast

from graphql import (
    GraphQLAbstractType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    get_nullable_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import to_nodes
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined, is_iterable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from schema.resolution import Bound, LeanResolver

# 1 900 locals: 15.2 KiB of a 16 KiB chunk (8-byte slots), so that what remains of that chunk
# holds no frame of the executor.
_FILLER_SLOTS = 1_900


def _filler() -> Callable[..., Any]:
    """``call(function, *args)``: ``function(*args)`` called from a frame of ``_FILLER_SLOTS``
    local variables (never assigned: their slots only take the space)."""
    unused = ", ".join(f"_{i}" for i in range(_FILLER_SLOTS))
    source = (
        "def call(function, *args):\n"
        "    if function is None:\n"
        f"        del {unused}\n"
        "    return function(*args)\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, __name__, "exec"), namespace)
    call: Callable[..., Any] = namespace["call"]
    assert call.__code__.co_nlocals >= _FILLER_SLOTS
    return call


call_on_fresh_chunk = _filler()


class FreshChunkExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, executing the operation on a fresh data-stack chunk."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        return call_on_fresh_chunk(super().execute_operation, serially)


class _PlanStoppedError(Exception):
    """The plan does not cover this operation, or a field of it did not complete plainly."""


Complete = Callable[[Any, Path | None, GraphQLResolveInfo[Any] | None], Any]
"""Completes a resolved value (with its field's path and info) to its part of the response."""
RunField = Callable[[Any, Path | None], Any]
"""Resolves and completes one field on a source object (with the object's path)."""


class PlannedExecutionContext(FreshChunkExecutionContext):
    """graphql-core's execution, through a plan of the operation made once per request.

    graphql-core executes every field of every object by the same general steps: it finds the
    field's definition, builds its ``GraphQLResolveInfo`` and its ``Path``, coerces its
    arguments from the document, calls the resolver, checks for an awaitable, and walks the
    return type's wrappers to complete the value. Profiled on the nested query of the
    PostGraphile comparison (1,660 fields), those steps were most of execution; the same
    steps give the same answers for each of the 300 objects of one type a list reaches.

    Here they are taken once per field of the document, when an object first reaches it: the
    plan holds the definition, the arguments coerced by graphql-core's own
    ``get_argument_values``, the resolver bound to them, and one completion function per
    return type. An object's field then costs its resolver and its completion. A field is
    given an info (``build_resolve_info``, strawberry's, with its exact path) only where
    something reads it: a resolver taking ``info``, an ``is_type_of``, a ``resolve_type``;
    an attribute read (strawberry's default resolver) and a lean resolver taking no ``info``
    get none.

    The plan answers only what completes plainly: values, nulls where allowed, objects of
    concrete and abstract types, lists, and root fields awaiting the database (the root
    lists' statements), awaited together as graphql-core awaits them. Anything else (an
    error, a null in a non-null field, an awaitable below the root, a value that does not
    coerce, an introspection field other than ``__typename``, ``@defer``, a mutation) stops
    it, and graphql-core executes the whole operation again, unchanged: it alone produces
    errors and partial results. The resolvers only read (the dataset in memory, or the
    database's snapshot of the same version), so running one twice changes nothing. No
    library compiles graphql-core operations this way (graphql-core's executor is one general
    code path by design); ``tests/test_equivalence.py`` compares every example and generated
    queries with strawberry's standard execution.
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

        if serially or position_context is not None or not self._plannable():
            return standard()
        data: dict[str, Any] = {}
        try:
            for name, run in self._field_runs(root_type, grouped_field_set, at_root=True):
                data[name] = run(root_value, None)
        except Exception:
            for value in data.values():
                if isinstance(value, _Awaited):
                    _close(value.awaitable)
            if not self.fall_back:
                raise
            return standard()
        waiting = {name: v for name, v in data.items() if isinstance(v, _Awaited)}
        if not waiting:
            return data
        return self._settle_root_fields(data, waiting, standard)

    async def _settle_root_fields(
        self, data: dict[str, Any], waiting: dict[str, "_Awaited"], standard: Callable[[], Any]
    ) -> Any:
        """Awaits the root fields that awaited the database, together as graphql-core does,
        then completes them by the plan; graphql-core answers again if any of it fails."""
        values = await gather(*(w.awaitable for w in waiting.values()), return_exceptions=True)
        try:
            for (name, field), value in zip(waiting.items(), values, strict=True):
                if isinstance(value, BaseException):
                    raise value
                data[name] = field.complete(value)
            return data
        except Exception:
            if not self.fall_back:
                raise
        answer = standard()
        return await answer if self.is_awaitable(answer) else answer

    def _plannable(self) -> bool:
        schema = self.schema
        return (
            self.abort_signal is None
            and schema.get_directive("defer") is None
            and schema.get_directive("stream") is None
        )

    def _field_runs(
        self,
        object_type: GraphQLObjectType,
        grouped_field_set: GroupedFieldSet,
        at_root: bool = False,
    ) -> list[tuple[str, RunField]]:
        return [
            (name, run)
            for name, details in grouped_field_set.items()
            if (run := self._run_field(object_type, name, details, at_root)) is not None
        ]

    def _run_fields(
        self, object_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> Callable[[Any, Path | None], dict[str, Any]]:
        """Executes ``grouped_field_set`` on a source object of ``object_type``."""
        runs = self._field_runs(object_type, grouped_field_set)

        def run_fields(source: Any, path: Path | None) -> dict[str, Any]:
            return {name: run(source, path) for name, run in runs}

        return run_fields

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
        first = details[0]
        node = first.node
        field_name = node.name.value
        if field_name == "__typename":
            type_name = parent_type.name
            return lambda _source, _path: type_name
        if field_name.startswith("__"):
            raise _PlanStoppedError(field_name)  # introspection: graphql-core's own resolvers
        field_def = self.schema.get_field(parent_type, field_name)
        if field_def is None:
            return None
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
        complete, completion_needs_info = self._completion(field_def.type, details)
        resolve = field_def.resolve or self.field_resolver
        if self.middleware_manager:  # as graphql-core wraps it (unchanged without middleware)
            resolve = self.middleware_manager.get_field_resolver(resolve)
        definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        is_awaitable = self.is_awaitable
        call: Bound
        if (
            getattr(resolve, "_is_default", False)
            and isinstance(definition, StrawberryField)
            and definition.base_resolver is None
            and definition.default_resolver is getattr
        ):
            # strawberry's default resolver: ``getattr(source, python_name)``, info unused.
            read = attrgetter(definition.python_name)
            needs_info = False
            call = lambda source, _info: read(source)  # noqa: E731
        elif isinstance(resolve, LeanResolver):
            needs_info = resolve.takes_info
            call = resolve.bind(arguments)
        else:
            needs_info = True
            call = partial(_call_resolver, resolve, arguments)
        needs_info = needs_info or completion_needs_info
        type_name = parent_type.name
        build_info = self.build_resolve_info
        field_nodes = to_nodes(details)
        leaf = is_leaf_type(get_nullable_type(field_def.type))

        if at_root:

            def run_root(source: Any, parent_path: Path | None) -> Any:
                path = Path(parent_path, response_name, type_name)
                info = build_info(field_def, field_nodes, parent_type, path) if needs_info else None
                value = call(source, info)
                if is_awaitable(value):
                    return _Awaited(value, lambda value: complete(value, path, info))
                return complete(value, path, info)

            return run_root
        if needs_info:

            def run_with_info(source: Any, parent_path: Path | None) -> Any:
                path = Path(parent_path, response_name, type_name)
                info = build_info(field_def, field_nodes, parent_type, path)
                value = call(source, info)
                if is_awaitable(value):
                    _discard(value)
                return complete(value, path, info)

            return run_with_info
        if leaf:

            def run_leaf(source: Any, _parent_path: Path | None) -> Any:
                value = call(source, None)
                if is_awaitable(value):
                    _discard(value)
                return complete(value, None, None)

            return run_leaf

        def run(source: Any, parent_path: Path | None) -> Any:
            value = call(source, None)
            if is_awaitable(value):
                _discard(value)
            return complete(value, Path(parent_path, response_name, type_name), None)

        return run

    def _completion(
        self, return_type: GraphQLOutputType, details: FieldDetailsList
    ) -> tuple[Complete, bool]:
        """How to complete a value of ``return_type``, as graphql-core's ``complete_value``
        does when nothing fails, and whether that needs the field's info."""
        if isinstance(return_type, GraphQLNonNull):
            inner, needs_info = self._completion(return_type.of_type, details)

            def complete_non_null(value: Any, path: Path | None, info: Any) -> Any:
                completed = inner(value, path, info)
                if completed is None:
                    raise _PlanStoppedError("null in a non-null field")
                return completed

            return complete_non_null, needs_info
        if isinstance(return_type, GraphQLList):
            return self._list_completion(return_type.of_type, details)
        if is_leaf_type(return_type):
            return _leaf_completion(return_type), False
        if isinstance(return_type, GraphQLObjectType):
            return self._object_completion(return_type, details)
        return self._abstract_completion(cast(GraphQLAbstractType, return_type), details), True

    def _list_completion(
        self, item_type: GraphQLOutputType, details: FieldDetailsList
    ) -> tuple[Complete, bool]:
        complete_item, needs_info = self._completion(item_type, details)
        is_awaitable, is_async_iterable = self.is_awaitable, self.is_async_iterable
        item_paths = not is_leaf_type(get_nullable_type(item_type))

        def complete_list(value: Any, path: Path | None, info: Any) -> Any:
            if value is None or value is Undefined:
                return None
            if isinstance(value, Exception) or is_async_iterable(value) or not is_iterable(value):
                raise _PlanStoppedError("not a list")
            completed: list[Any] = []
            append = completed.append
            for index, item in enumerate(value):
                if is_awaitable(item):
                    _discard(item)
                append(complete_item(item, Path(path, index, None) if item_paths else None, info))
            return completed

        return complete_list, needs_info

    def _object_completion(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> tuple[Complete, bool]:
        """Completes objects of ``object_type``: its fields are planned when the first one
        arrives (``collect_subfields`` is graphql-core's, memoized per operation)."""
        run_fields: Callable[[Any, Path | None], dict[str, Any]] | None = None
        is_type_of = object_type.is_type_of
        is_awaitable = self.is_awaitable

        def complete_object(value: Any, path: Path | None, info: Any) -> Any:
            nonlocal run_fields
            if value is None or value is Undefined:
                return None
            if isinstance(value, Exception):
                raise _PlanStoppedError("an error as a value")
            if is_type_of is not None:
                matches = is_type_of(value, info)
                if is_awaitable(matches):
                    _discard(matches)
                if not matches:
                    raise _PlanStoppedError("not of its type")
            if run_fields is None:
                run_fields = self._subfield_runs(object_type, details)
            return run_fields(value, path)

        return complete_object, is_type_of is not None

    def _subfield_runs(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> Callable[[Any, Path | None], dict[str, Any]]:
        grouped_field_set, new_defer_usages, _forbidden = self.collect_subfields(
            object_type, details
        )
        if new_defer_usages:
            raise _PlanStoppedError("@defer")
        return self._run_fields(object_type, grouped_field_set)

    def _abstract_completion(
        self, abstract_type: GraphQLAbstractType, details: FieldDetailsList
    ) -> Complete:
        """Completes values of an interface or union: each runtime type found as graphql-core
        finds and checks it, then completed as an object of that type."""
        resolve_type = abstract_type.resolve_type or self.type_resolver
        by_type: dict[GraphQLObjectType, Complete] = {}
        is_awaitable = self.is_awaitable

        def complete_abstract(value: Any, path: Path | None, info: Any) -> Any:
            if value is None or value is Undefined:
                return None
            if isinstance(value, Exception):
                raise _PlanStoppedError("an error as a value")
            type_name = resolve_type(value, info, abstract_type)
            if is_awaitable(type_name):
                _discard(type_name)
            runtime_type = self.ensure_valid_runtime_type(
                type_name, abstract_type, details, info, value
            )
            complete = by_type.get(runtime_type)
            if complete is None:
                complete = by_type[runtime_type] = self._object_completion(runtime_type, details)[0]
            return complete(value, path, info)

        return complete_abstract


@dataclass(frozen=True, slots=True)
class _Awaited:
    """A root field's awaitable, and how to complete the value it gives."""

    awaitable: Any
    complete: Callable[[Any], Any]


def _leaf_completion(leaf_type: GraphQLLeafType) -> Complete:
    coerce = leaf_type.coerce_output_value

    def complete_leaf(value: Any, _path: Path | None, _info: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            raise _PlanStoppedError("an error as a value")
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _PlanStoppedError("not coerced")
        return coerced

    return complete_leaf


def _call_resolver(
    resolve: Callable[..., Any], arguments: dict[str, Any], source: Any, info: Any
) -> Any:
    return resolve(source, info, **arguments)


def _close(awaitable: Any) -> None:
    """Closes ``awaitable`` if it is a coroutine, so that it is not left never awaited."""
    close = getattr(awaitable, "close", None)
    if callable(close):
        close()


def _discard(awaitable: Any) -> None:
    """Stops the plan at an awaitable below the root (graphql-core awaits it)."""
    _close(awaitable)
    raise _PlanStoppedError("awaitable")
