"""Leaf values whose completion is known from their class, and the leaves of an object read
all at once.

graphql-core completes every leaf by the same steps (null check, error check, the type's
``coerce_output_value``), and the plan by a closure per field (resolver, awaitable check,
completion). For the built-in scalars the answer follows from the value's exact class:
``serialize_string`` and ``serialize_id`` return a ``str`` unchanged, ``serialize_boolean`` a
``bool``, ``serialize_int`` an ``int`` within 32 bits; an enum's members are finite, so the
name its type gives each member is asked of the type itself (``coerce_output_value``) once,
when the plan is made. ``Shortcut`` says which classes take such a short way; every other
value (a subclass, an out-of-range ``int``, an awaitable, an exception, ``Undefined``) goes
the general way, so the answers and the fall-backs are graphql-core's.

``object_fields`` runs the fields of an object: the leaves read by strawberry's default
resolver (an attribute read, no arguments) are read at once (``operator.attrgetter``) and, when
every value's class takes the short way (decided once per tuple of classes), put in the
response without a call per field; the others run as planned. Resolvers here only read, so
reading the leaves before the other fields changes nothing (README, 2.).
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from operator import attrgetter
from typing import Any

from graphql import GraphQLEnumType, GraphQLLeafType
from graphql.pyutils import Path, Undefined
from graphql.type.scalars import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    serialize_boolean,
    serialize_id,
    serialize_int,
    serialize_string,
)

from schema.execution.outcome import FallbackReason, PlanStoppedError

RunField = Callable[[Any, Path | None], Any]
"""Resolves and completes one field on a source object (with the object's path)."""
RunFields = Callable[[Any, Path | None], dict[str, Any]]
"""Executes the fields of the document selected on an object (with the object's path)."""

_UNCHANGED: dict[Any, type] = {serialize_string: str, serialize_id: str, serialize_boolean: bool}
_KINDS_KEPT = 64  # tuples of classes remembered per object type of the document


@dataclass(frozen=True, slots=True)
class Shortcut:
    """The classes whose values complete without the general steps, and how (``convert``,
    applied to such a value; None: the value itself)."""

    accepted: frozenset[type]
    convert: Callable[[Any], Any] | None


def _in_int_range(value: Any) -> Any:
    if value is None or GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT:
        return value
    raise PlanStoppedError(FallbackReason.NOT_COERCED)  # serialize_int raises


def shortcut(leaf_type: GraphQLLeafType, nullable: bool) -> Shortcut | None:
    """The short way for values of ``leaf_type`` (null allowed if ``nullable``), if any."""
    coerce = leaf_type.coerce_output_value
    none: frozenset[type] = frozenset({type(None)}) if nullable else frozenset()
    kept = _UNCHANGED.get(coerce)
    if kept is not None:
        return Shortcut(none | {kept}, None)
    if coerce is serialize_int:
        return Shortcut(none | {int}, _in_int_range)
    wrapped = getattr(leaf_type, "wrapped_cls", None)  # strawberry's enum types
    if not (isinstance(leaf_type, GraphQLEnumType) and isinstance(wrapped, type)):
        return None
    if not issubclass(wrapped, Enum):
        return None
    names: dict[int, Any] = {}
    for member in wrapped.__members__.values():
        try:
            name = coerce(member)
        except Exception:  # no short way: graphql-core reports it
            return None
        if name is None or name is Undefined:
            return None
        names[id(member)] = name  # members live as long as their class

    def convert(value: Any) -> Any:
        return None if value is None else names[id(value)]

    return Shortcut(none | {wrapped}, convert)


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """A leaf read by strawberry's default resolver (``python_name``, no arguments), its
    ``Shortcut``, and how to complete a value read that does not take it (``finish``)."""

    python_name: str
    cut: Shortcut
    finish: Callable[[Any], Any]


Entry = RunField | PlainLeaf | str
"""How one response name of an object is answered: run, read at once, or a constant
(``__typename``)."""


def object_fields(entries: list[tuple[str, Entry]]) -> RunFields:
    """Runs the fields of the document on an object, in the document's order."""
    plain = [(name, e) for name, e in entries if isinstance(e, PlainLeaf)]
    others = [(name, e) for name, e in entries if not isinstance(e, (PlainLeaf, str))]
    template = {name: (e if isinstance(e, str) else None) for name, e in entries}
    if not plain:

        def run_fields(source: Any, path: Path | None) -> dict[str, Any]:
            result = template.copy()
            for name, run in others:
                result[name] = run(source, path)
            return result

        return run_fields
    names = tuple(name for name, _ in plain)
    read_all = attrgetter(*(leaf.python_name for _, leaf in plain))
    single = len(plain) == 1
    accepted = [leaf.cut.accepted for _, leaf in plain]
    converts = [(name, leaf.cut.convert) for name, leaf in plain if leaf.cut.convert is not None]
    finishes = [leaf.finish for _, leaf in plain]
    only_plain = not others and len(template) == len(plain)
    decided: dict[tuple[type, ...], bool] = {}

    def run_plain(source: Any, path: Path | None) -> dict[str, Any]:
        try:
            values = read_all(source)
        except Exception as error:  # graphql-core: a field error
            raise PlanStoppedError(FallbackReason.RESOLVER_ERROR) from error
        if single:
            values = (values,)
        kinds = tuple(map(type, values))
        fits = decided.get(kinds)
        if fits is None:
            fits = all(kind in classes for kind, classes in zip(kinds, accepted, strict=True))
            if len(decided) < _KINDS_KEPT:
                decided[kinds] = fits
        if fits:
            if only_plain and not converts:
                return dict(zip(names, values, strict=True))
            result = template.copy()
            result.update(zip(names, values, strict=True))
            for name, convert in converts:
                result[name] = convert(result[name])
        else:
            result = template.copy()
            for name, finish, value in zip(names, finishes, values, strict=True):
                result[name] = finish(value)
        for name, run in others:
            result[name] = run(source, path)
        return result

    return run_plain
