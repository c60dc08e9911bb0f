"""How the plan completes a resolved value, as graphql-core's ``complete_value`` does when
nothing fails: one completion function per return type of a field of the document, made once
per operation. Anything graphql-core would turn into an error or a null raises
``PlanStoppedError`` with its reason (``schema.execution.outcome``)."""

from collections.abc import Callable
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
from graphql.pyutils import Path, Undefined, is_iterable

from schema.execution.chunk import FreshChunkExecutionContext
from schema.execution.internals import (
    TYPE_CAST_ATTRIBUTE,
    FieldDetailsList,
    accepted_class,
    is_type_of_ignores_info,
)
from schema.execution.leaves import RunFields, shortcut
from schema.execution.outcome import FallbackReason, PlanStoppedError
from schema.execution.reuse import PlanSite

Complete = Callable[[Any, Path | None, GraphQLResolveInfo[Any] | None], Any]
"""Completes a resolved value (with its field's path and info) to its part of the response."""


def stop(reason: FallbackReason) -> PlanStoppedError:
    return PlanStoppedError(reason)


def close(awaitable: Any) -> None:
    """Closes ``awaitable`` if it is a coroutine, so that it is not left never awaited."""
    close_ = getattr(awaitable, "close", None)
    if callable(close_):
        close_()


def discard(awaitable: Any) -> None:
    """Stops the plan at an awaitable below the root (graphql-core awaits it)."""
    close(awaitable)
    raise stop(FallbackReason.AWAITABLE)


class ObjectCompletion(FreshChunkExecutionContext):
    """The completions of objects, of concrete and abstract types; ``_subfield_runs`` (the
    planner's) executes the fields of an object. The closures reach the request running them
    through ``_site`` (``schema.execution.reuse``), never through ``self``: a plan outlives
    the request that made it."""

    _site: PlanSite

    def _subfield_runs(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> RunFields:
        raise NotImplementedError

    def _object_completion(
        self, object_type: GraphQLObjectType, details: FieldDetailsList, nullable: bool = True
    ) -> tuple[Complete, bool]:
        """Completes objects of ``object_type`` (null allowed if ``nullable``): its fields are
        planned when the first one arrives (``collect_subfields`` is graphql-core's, memoized
        per operation)."""
        run_fields: RunFields | None = None
        is_type_of = object_type.is_type_of
        # strawberry's own test, known to accept an uncast instance of the type's own class:
        # not called for those (one per object of a list; README, 4.)
        accepted = accepted_class(object_type)
        cast = TYPE_CAST_ATTRIBUTE
        is_awaitable = self.is_awaitable
        site = self._site

        def complete_object(value: Any, path: Path | None, info: Any) -> Any:
            nonlocal run_fields
            if value is None or value is Undefined:
                if nullable:
                    return None
                raise stop(FallbackReason.NULL_IN_NON_NULL)
            if isinstance(value, Exception):
                raise stop(FallbackReason.ERROR_VALUE)
            if is_type_of is not None and not (
                type(value) is accepted and cast not in value.__dict__
            ):
                try:
                    matches = is_type_of(value, info)
                except Exception as error:
                    raise stop(FallbackReason.TYPE_RESOLUTION) from error
                if matches is not True:
                    if is_awaitable(matches):
                        discard(matches)
                    if not matches:
                        raise stop(FallbackReason.TYPE_RESOLUTION)
            if run_fields is None:
                # planned by the request that first reaches it (the plan may be reused)
                run_fields = site.context._subfield_runs(object_type, details)  # type: ignore[union-attr]
            return run_fields(value, path)

        # strawberry's own ``is_type_of`` reads no info: none is built for it (README, 4.)
        return complete_object, not (is_type_of is None or is_type_of_ignores_info(is_type_of))

    def _abstract_completion(
        self, abstract_type: GraphQLAbstractType, details: FieldDetailsList
    ) -> Complete:
        """Completes values of an interface or union: each runtime type found as graphql-core
        finds and checks it, then completed as an object of that type."""
        resolve_type = abstract_type.resolve_type or self.type_resolver
        by_type: dict[GraphQLObjectType, Complete] = {}
        is_awaitable = self.is_awaitable
        site = self._site

        def complete_abstract(value: Any, path: Path | None, info: Any) -> Any:
            if value is None or value is Undefined:
                return None
            if isinstance(value, Exception):
                raise stop(FallbackReason.ERROR_VALUE)
            try:
                type_name = resolve_type(value, info, abstract_type)
                if is_awaitable(type_name):
                    discard(type_name)
                runtime_type = site.context.ensure_valid_runtime_type(  # type: ignore[union-attr]
                    type_name, abstract_type, details, info, value
                )
            except PlanStoppedError:
                raise
            except Exception as error:  # graphql-core reports these as field errors
                raise stop(FallbackReason.TYPE_RESOLUTION) from error
            complete = by_type.get(runtime_type)
            if complete is None:
                completion = site.context._object_completion  # type: ignore[union-attr]
                complete = by_type[runtime_type] = completion(runtime_type, details)[0]
            return complete(value, path, info)

        return complete_abstract


class CompletingContext(ObjectCompletion):
    """The completions of the plan, by return type."""

    def _completion(
        self, return_type: GraphQLOutputType, details: FieldDetailsList
    ) -> tuple[Complete, bool]:
        """How to complete a value of ``return_type``, and whether that needs the info."""
        if isinstance(return_type, GraphQLNonNull):
            # the non-null check made by the inner completion where it can (a call less)
            of_type = return_type.of_type
            if is_leaf_type(of_type):
                return leaf_completion(of_type, nullable=False), False
            if isinstance(of_type, GraphQLObjectType):
                return self._object_completion(of_type, details, nullable=False)
            if isinstance(of_type, GraphQLList):
                return self._list_completion(of_type.of_type, details, nullable=False)
            inner, needs_info = self._completion(return_type.of_type, details)

            def complete_non_null(value: Any, path: Path | None, info: Any) -> Any:
                completed = inner(value, path, info)
                if completed is None:
                    raise stop(FallbackReason.NULL_IN_NON_NULL)
                return completed

            return complete_non_null, needs_info
        if isinstance(return_type, GraphQLList):
            return self._list_completion(return_type.of_type, details)
        if is_leaf_type(return_type):
            return leaf_completion(return_type), False
        if isinstance(return_type, GraphQLObjectType):
            return self._object_completion(return_type, details)
        return self._abstract_completion(cast(GraphQLAbstractType, return_type), details), True

    def _list_completion(
        self, item_type: GraphQLOutputType, details: FieldDetailsList, nullable: bool = True
    ) -> tuple[Complete, bool]:
        complete_item, needs_info = self._completion(item_type, details)
        is_awaitable, is_async_iterable = self.is_awaitable, self.is_async_iterable
        item_paths = not is_leaf_type(get_nullable_type(item_type))

        def complete_list(value: Any, path: Path | None, info: Any) -> Any:
            if value is None or value is Undefined:
                if nullable:
                    return None
                raise stop(FallbackReason.NULL_IN_NON_NULL)
            if isinstance(value, Exception) or is_async_iterable(value) or not is_iterable(value):
                raise stop(FallbackReason.NOT_A_LIST)
            completed: list[Any] = []
            append = completed.append
            try:
                for index, item in enumerate(value):
                    if is_awaitable(item):
                        discard(item)
                    item_path = new_path(Path, (path, index, None)) if item_paths else None
                    append(complete_item(item, item_path, info))
            except PlanStoppedError:
                raise
            except Exception as error:  # the iterable's own (graphql-core: a field error)
                raise stop(FallbackReason.RESOLVER_ERROR) from error
            return completed

        return complete_list, needs_info


def _path_maker() -> Callable[[type[Path], tuple[Any, ...]], Path]:
    """How the plan makes a path (a list's item, a field's): graphql-core's ``Path`` is a
    named tuple, whose generated ``__new__`` calls ``tuple.__new__``; calling that directly
    makes the same path in one call instead of two (0.15 us instead of 0.37, for every object
    of a list). Any other ``Path`` is called as it is."""
    if issubclass(Path, tuple) and getattr(Path, "_fields", None) == ("prev", "key", "typename"):
        return tuple.__new__
    return lambda cls, values: cls(*values)


new_path = _path_maker()


def leaf_completion(leaf_type: GraphQLLeafType, nullable: bool = True) -> Complete:
    """Completes values of ``leaf_type`` (non-null unless ``nullable``): by the type's
    ``Shortcut`` where the value's class takes it (``schema.execution.leaves``), else as
    graphql-core's ``complete_leaf_value`` (and its non-null check)."""
    general = _general_leaf(leaf_type, nullable)
    cut = shortcut(leaf_type, nullable)
    if cut is None:
        return general
    accepted, convert = cut.accepted, cut.convert
    if convert is None:

        def complete_kept(value: Any, path: Path | None, info: Any) -> Any:
            if value.__class__ in accepted:
                return value
            return general(value, path, info)

        return complete_kept

    def complete_converted(value: Any, path: Path | None, info: Any) -> Any:
        if value.__class__ in accepted:
            return convert(value)
        return general(value, path, info)

    return complete_converted


def _general_leaf(leaf_type: GraphQLLeafType, nullable: bool) -> Complete:
    coerce = leaf_type.coerce_output_value

    def complete_leaf(value: Any, _path: Path | None, _info: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            raise stop(FallbackReason.ERROR_VALUE)
        try:
            coerced = coerce(value)
        except Exception as error:  # graphql-core: "Expected a value of type ..."
            raise stop(FallbackReason.NOT_COERCED) from error
        if coerced is None or coerced is Undefined:
            raise stop(FallbackReason.NOT_COERCED)
        return coerced

    if nullable:
        return complete_leaf

    def complete_non_null_leaf(value: Any, path: Path | None, info: Any) -> Any:
        completed = complete_leaf(value, path, info)
        if completed is None:
            raise stop(FallbackReason.NULL_IN_NON_NULL)
        return completed

    return complete_non_null_leaf
