"""The plan of each field of the document: its definition, its arguments coerced once, its
resolver bound to them (``schema.execution.reads``), its completion
(``schema.execution.completion``), and one closure per field (``_runner``) that resolves and
completes it on each object that reaches it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLField, GraphQLObjectType, get_nullable_type, is_leaf_type
from graphql.pyutils import Path

from schema.execution.binding import direct_read
from schema.execution.completion import Complete, discard, new_path, stop
from schema.execution.info import DeferredInfo
from schema.execution.internals import (
    FieldDetailsList,
    GroupedFieldSet,
    to_nodes,
)
from schema.execution.leaves import (
    Entry,
    RunField,
    RunFields,
    Shortcut,
    object_fields,
    shortcut,
)
from schema.execution.outcome import FallbackReason
from schema.execution.reads import FieldReads
from schema.execution.resolution import Bound


class FieldPlanning(FieldReads):
    """The plans of the fields of the document, made when an object first reaches them (how
    each field's value is read: ``FieldReads``)."""

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
        entries: list[tuple[str, Entry]] = []
        for name, field_details in grouped_field_set.items():
            entry: Entry | None = self._plain_leaf(object_type, field_details)
            if entry is None:
                entry = self._run_field(object_type, name, field_details, at_root=False)
            if entry is not None:
                entries.append((name, entry))
        return object_fields(entries)

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
        site = self._site
        site.fields_planned += 1
        field_nodes = to_nodes(details)

        def build_info(execution: Any, path: Path) -> Any:
            return execution.build_resolve_info(field_def, field_nodes, parent_type, path)

        if completion_needs_info:  # its checks (``is_type_of``) read the info: built at once

            def info_at(path: Path) -> Any:
                return build_info(site.context, path)

        else:  # only the resolver reads it, most often only ``info.context``

            def info_at(path: Path) -> Any:
                return DeferredInfo(site.context, build_info, path)

        with_info = needs_info or completion_needs_info
        return _runner(
            call,
            None
            if with_info or field_def.args or details[0].node.arguments
            else direct_read(field_def, self.field_resolver, self.middleware_manager),
            complete,
            info_at if with_info else None,
            _Key(response_name, parent_type.name),
            at_root=at_root,
            leaf=_leaf_shortcut(field_def),
            is_awaitable=self.is_awaitable,
        )


_NO_SHORTCUT = Shortcut(frozenset(), None)


def _leaf_shortcut(field_def: GraphQLField) -> Shortcut | None:
    """None for a field that is not a leaf; else its ``Shortcut`` (or one taking nothing)."""
    nullable_type = get_nullable_type(field_def.type)
    if not is_leaf_type(nullable_type):
        return None
    return shortcut(nullable_type, nullable_type is field_def.type) or _NO_SHORTCUT


@dataclass(frozen=True, slots=True)
class _Key:
    """A field's response name and the name of the type it is selected on (its path's)."""

    response_name: str
    type_name: str


def _runner(
    call: Bound,
    direct: Callable[[Any], Any] | None,
    complete: Complete,
    info_at: Callable[[Path], Any] | None,
    key: _Key,
    *,
    at_root: bool,
    leaf: Shortcut | None,
    is_awaitable: Callable[[Any], bool],
) -> RunField:
    """One field's run, specialised (a closure per case, not a test per call: these run once
    per field of every object a response holds) for a root field, a field whose resolver or
    completion reads the info, a leaf (no path), and any other field."""
    response_name, type_name = key.response_name, key.type_name
    # a field without info: its resolver called with the object alone where it takes no more
    read = direct if direct is not None else (lambda source: call(source, None))

    def resolve(source: Any, info: Any) -> Any:
        try:
            return call(source, info)
        except Exception as error:  # graphql-core: a field error, a partial result
            raise stop(FallbackReason.RESOLVER_ERROR) from error

    if at_root:

        def run_root(source: Any, parent_path: Path | None) -> Any:
            path = new_path(Path, (parent_path, response_name, type_name))
            info = info_at(path) if info_at is not None else None
            value = resolve(source, info)
            if is_awaitable(value):
                return Awaited(value, lambda value: complete(value, path, info))
            return complete(value, path, info)

        return run_root
    if info_at is not None:

        def run_with_info(source: Any, parent_path: Path | None) -> Any:
            path = new_path(Path, (parent_path, response_name, type_name))
            info = info_at(path)
            try:
                value = call(source, info)
            except Exception as error:
                raise stop(FallbackReason.RESOLVER_ERROR) from error
            if is_awaitable(value):
                discard(value)
            return complete(value, path, info)

        return run_with_info
    if leaf is not None:
        accepted, convert = leaf.accepted, leaf.convert

        def run_leaf(source: Any, _parent_path: Path | None) -> Any:
            try:
                value = read(source)
            except Exception as error:
                raise stop(FallbackReason.RESOLVER_ERROR) from error
            if value.__class__ in accepted:  # the leaf's ``Shortcut``
                return value if convert is None else convert(value)
            if is_awaitable(value):
                discard(value)
            return complete(value, None, None)

        return run_leaf

    def run(source: Any, parent_path: Path | None) -> Any:
        try:
            value = read(source)
        except Exception as error:
            raise stop(FallbackReason.RESOLVER_ERROR) from error
        if is_awaitable(value):
            discard(value)
        return complete(value, new_path(Path, (parent_path, response_name, type_name)), None)

    return run


@dataclass(frozen=True, slots=True)
class Awaited:
    """A root field's awaitable, and how to complete the value it gives."""

    awaitable: Any
    complete: Callable[[Any], Any]
