"""Every name of graphql-core and strawberry that ``schema.execution`` uses beyond their
public APIs, in one place, and the check made once at start that they are all still there.

graphql-core documents its executor's methods as ``:meta private:`` ("not part of the public
API") and strawberry its converter's underscored helpers; a release may rename or drop any of
them. Each is looked up here by name (``_find``), never imported where it is used, so that a
missing one cannot stop the service from importing: ``missing()`` lists what is absent, and
``schema.execution.plan_state`` then turns the plan off (one ERROR log line, the gauge
``iom_graph_planned_execution{state="off_missing_internals"}``) and the service executes as
strawberry does out of the box. Failing the start instead was rejected: the plan only makes
answers faster, never different, so a release that breaks it must not take the API down.

Attributes set by ``Executor.__init__`` and the methods the plan overrides or calls are
checked by name and, for the overridden ones, by parameter names (``_METHODS``).

The direct path (``schema.execution.direct``) calls and overrides private methods of
strawberry's ``Schema`` (``_SCHEMA_METHODS``); ``missing_for_direct()`` checks them apart,
and a missing one turns only the direct path off (``schema.build.direct_path``).
"""

import importlib
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from graphql import Executor

__all__ = [
    "DEFAULT_ALLOWED_OPERATION_TYPES",
    "DEFINITION_BACKREF",
    "TYPE_CAST_ATTRIBUTE",
    "FieldDetailsList",
    "GraphQLCoreConverter",
    "GroupedFieldSet",
    "PreExecutionError",
    "StrawberryContext",
    "StrawberryEnumDefinition",
    "StrawberryField",
    "StrawberryMaybe",
    "StrawberryOptional",
    "accepted_class",
    "field_exception_handlers",
    "has_enum_definition",
    "is_default_resolver",
    "is_scalar",
    "is_type_of_ignores_info",
    "missing",
    "missing_for_direct",
    "strawberry_info",
    "to_nodes",
]

_MISSING: list[str] = []
_MISSING_DIRECT: list[str] = []


def _find(path: str, missing: list[str] = _MISSING) -> Any:
    """The object at ``module.name``, or None (recorded in ``missing``)."""
    module, _, name = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        missing.append(path)
        return None


if TYPE_CHECKING:
    from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
    from graphql.execution.executor import to_nodes
    from strawberry.scalars import is_scalar
    from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext as StrawberryContext
    from strawberry.schema.schema_converter import GraphQLCoreConverter
    from strawberry.types.base import StrawberryMaybe, StrawberryOptional
    from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
    from strawberry.types.field import StrawberryField
else:
    FieldDetailsList = _find("graphql.execution.collect_fields.FieldDetailsList") or list
    GroupedFieldSet = _find("graphql.execution.collect_fields.GroupedFieldSet") or dict
    to_nodes = _find("graphql.execution.executor.to_nodes")
    StrawberryContext = (
        _find("strawberry.schema.schema.StrawberryGraphQLCoreExecutionContext") or Executor
    )
    GraphQLCoreConverter = _find("strawberry.schema.schema_converter.GraphQLCoreConverter")
    is_scalar = _find("strawberry.scalars.is_scalar")
    StrawberryMaybe = _find("strawberry.types.base.StrawberryMaybe")
    StrawberryOptional = _find("strawberry.types.base.StrawberryOptional")
    StrawberryEnumDefinition = _find("strawberry.types.enum.StrawberryEnumDefinition")
    has_enum_definition = _find("strawberry.types.enum.has_enum_definition")
    StrawberryField = _find("strawberry.types.field.StrawberryField")

# The direct path's (``missing_for_direct``).
DEFAULT_ALLOWED_OPERATION_TYPES: Any = _find(
    "strawberry.schema.schema.DEFAULT_ALLOWED_OPERATION_TYPES", _MISSING_DIRECT
)
PreExecutionError: Any = _find("strawberry.types.execution.PreExecutionError", _MISSING_DIRECT)
_StrawberrySchema = _find("strawberry.schema.schema.Schema", _MISSING_DIRECT)
# strawberry's ``Schema`` methods the direct path calls or overrides, with their parameters.
_SCHEMA_METHODS: dict[str, tuple[str, ...]] = {
    "_execute_operation": (
        "self",
        "execution_context",
        "extensions_runner",
        "middleware_manager",
        "execute_function",
        "custom_context_kwargs",
    ),
    "_handle_execution_result": (
        "self",
        "context",
        "result",
        "extensions_runner",
        "skip_process_errors",
    ),
    "_get_execute_function": ("self",),
    "_get_custom_context_kwargs": ("self", "operation_extensions", "sync"),
    "_create_execution_context": (
        "self",
        "query",
        "allowed_operation_types",
        "variable_values",
        "context_value",
        "root_value",
        "operation_name",
        "operation_extensions",
    ),
}

_FieldDetails = _find("graphql.execution.collect_fields.FieldDetails")
_StrawberryInfo = _find("strawberry.types.Info")
_CollectedFields = _find("graphql.execution.collect_fields.CollectedFields")
_VariableValues = _find("graphql.execution.values.VariableValues")

DEFINITION_BACKREF: str = getattr(GraphQLCoreConverter, "DEFINITION_BACKREF", "")
"""The key of a graphql-core field's ``extensions`` holding its ``StrawberryField``."""

# graphql-core's executor methods the plan overrides (with their parameters) or calls.
_METHODS: dict[str, tuple[str, ...] | None] = {
    "execute_operation": ("self", "serially"),
    "execute_root_grouped_field_set": (
        "self",
        "root_type",
        "root_value",
        "grouped_field_set",
        "serially",
        "position_context",
    ),
    "collect_subfields": None,
    "ensure_valid_runtime_type": None,
    "build_resolve_info": None,
}
# Attributes graphql-core's executor sets in ``__init__`` that the plan reads.
_ATTRIBUTES = (
    "schema",
    "operation",  # the key of a kept plan (``schema.execution.reuse``), with
    "fragments",  # the ``@skip``/``@include`` variables of its fragments
    "variable_values",
    "field_resolver",
    "type_resolver",
    "middleware_manager",
    "hide_suggestions",
    "abort_signal",
    "is_awaitable",
    "is_async_iterable",
)


# strawberry's own ``is_type_of`` (made by its converter for a type with interfaces): it
# reads the object alone, its info parameter is ``_info`` and unused. Known by where it is
# defined; a release that moves or renames it gets an info built, as any other.
_STRAWBERRY_IS_TYPE_OF = (
    "strawberry.schema.schema_converter",
    "GraphQLCoreConverter.from_object.<locals>._get_is_type_of.<locals>.is_type_of",
)


def is_type_of_ignores_info(is_type_of: Any) -> bool:
    """Whether ``is_type_of`` is strawberry's own, which never reads its info."""
    code = getattr(is_type_of, "__code__", None)
    return (
        getattr(is_type_of, "__module__", None),
        getattr(code, "co_qualname", None),
    ) == _STRAWBERRY_IS_TYPE_OF


# The attribute ``strawberry.cast`` sets on an object. Missing, ``accepted_class`` finds
# nothing (no fast check), which changes no answer: it does not turn the plan off.
TYPE_CAST_ATTRIBUTE: str | None = _find("strawberry.types.cast.TYPE_CAST_ATTRIBUTE", [])


def accepted_class(object_type: Any) -> type | None:
    """The class whose every instance strawberry's own ``is_type_of`` of ``object_type``
    accepts unless ``strawberry.cast`` marked it (the attribute ``TYPE_CAST_ATTRIBUTE`` in
    its ``__dict__``): the type's own class, looked up plainly (no ``__getattr__``, no
    ``__getattribute__`` of its own, nor that attribute on the class). Such an instance is
    not cast, passes the ``isinstance`` that ends strawberry's test, and so is its type's.
    None where anything else holds."""
    is_type_of = getattr(object_type, "is_type_of", None)
    if TYPE_CAST_ATTRIBUTE is None or not is_type_of_ignores_info(is_type_of):
        return None
    definition = (getattr(object_type, "extensions", None) or {}).get(DEFINITION_BACKREF)
    origin = getattr(definition, "origin", None)
    if not (isinstance(origin, type) and origin.__dictoffset__):
        return None
    if hasattr(origin, "__getattr__") or hasattr(origin, TYPE_CAST_ATTRIBUTE):
        return None
    plain = getattr(origin, "__getattribute__", None) is object.__getattribute__
    return origin if plain else None


def is_default_resolver(resolve: Any) -> bool:
    """Whether strawberry marked ``resolve`` as its default resolver (``_is_default``)."""
    return bool(getattr(resolve, "_is_default", False))


def field_exception_handlers(converter: Any, field: Any) -> Any:
    """The exception handlers strawberry would apply to ``field`` (its converter's own)."""
    return converter._get_field_exception_handlers(field)


def strawberry_info(info_class: type[Any], raw: Any, field: Any) -> Any:
    """strawberry's ``Info`` for a field, built as its resolver wrapper builds it."""
    return info_class(_raw_info=raw, _field=field)


def _parameters(function: Callable[..., Any]) -> tuple[str, ...]:
    return tuple(inspect.signature(function).parameters)


def missing() -> list[str]:
    """The names this module found missing or changed; empty when the plan can run."""
    found = list(_MISSING)
    for name, parameters in _METHODS.items():
        method = getattr(StrawberryContext, name, None)
        if not callable(method) or (parameters and _parameters(method) != parameters):
            found.append(f"Executor.{name}{parameters or ''}")
    init = _parameters(Executor.__init__)  # strawberry's passes on *args, **kwargs
    found += [f"Executor.{a}" for a in _ATTRIBUTES if a not in init]
    if _FieldDetails is not None and not {"node", "fragment_variable_values"} <= set(
        _FieldDetails._fields
    ):
        found.append("FieldDetails(node, fragment_variable_values)")
    if _VariableValues is not None and "coerced" not in _VariableValues._fields:
        found.append("VariableValues.coerced")
    if _CollectedFields is not None and len(_CollectedFields._fields) != 3:
        found.append("CollectedFields(grouped_field_set, new_defer_usages, forbidden)")
    info_parameters = _parameters(getattr(_StrawberryInfo, "__init__", lambda: None))
    if _StrawberryInfo is not None and not {"_raw_info", "_field"} <= set(info_parameters):
        found.append("strawberry.types.Info(_raw_info, _field)")
    if GraphQLCoreConverter is not None and not callable(
        getattr(GraphQLCoreConverter, "_get_field_exception_handlers", None)
    ):
        found.append("GraphQLCoreConverter._get_field_exception_handlers")
    return found


def missing_for_direct() -> list[str]:
    """The names the direct path uses found missing or changed; empty when it can run."""
    found = list(_MISSING_DIRECT)
    for name, parameters in _SCHEMA_METHODS.items():
        method = getattr(_StrawberrySchema, name, None)
        if not callable(method) or _parameters(method) != parameters:
            found.append(f"Schema.{name}{parameters}")
    return found
