"""Resolver calls without strawberry's generic per-call work, where that work does nothing.

strawberry calls every field resolver through one generic wrapper: it converts each argument
by walking its type (``convert_argument``, with an import on every call), looks up which of
``self``, ``info``, ``root`` and ``parent`` the resolver takes, builds the chain of field
extensions (none here), then calls the resolver. Profiled on the nested query of the
PostGraphile comparison, that wrapper was 40 % of execution: 190 calls of
``Country.coverageInferred`` and 43 of ``Institution.confidence``, each converting an
``asOf`` or ``lang`` argument it was not even given (graphql-core passes defaults).

For a field whose every argument is a scalar or an enum (optional or not, not a ``GlobalID``),
that conversion returns the value graphql-core coerced, unchanged: the only work left is
renaming the arguments and building the ``Info``. An argument of an input type that builds
its own value (strawberry's documented ``from_input`` hook, which the lists' filter and order
inputs set: ``schema.filters.built_directly``), optional or not, is converted as
``convert_argument`` converts it: null stays null, anything else goes to the hook, called with
the same ``InputContext`` (the request's ``Info``, the argument's GraphQL name as path) on
every call. ``install`` gives such fields a resolver doing exactly that, decided once per field
when the schema is built. Every other field (no resolver, async, field extensions, other input
objects, lists, global ids) keeps strawberry's. No library offers this: strawberry's resolver
is one code path for every field, by design.
``tests/test_equivalence.py`` runs every example and generated queries against a schema built
with strawberry's own resolvers and standard execution, and requires equal results.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from strawberry import UNSET
from strawberry.relay import GlobalID
from strawberry.types.arguments import InputContext
from strawberry.types.base import StrawberryObjectDefinition, get_object_definition

from schema.execution.internals import (
    DEFINITION_BACKREF,
    GraphQLCoreConverter,
    StrawberryEnumDefinition,
    StrawberryField,
    StrawberryMaybe,
    StrawberryOptional,
    field_exception_handlers,
    has_enum_definition,
    is_scalar,
    strawberry_info,
)


@dataclass(frozen=True, slots=True)
class BuiltInput:
    """An argument of an input type with a ``from_input`` hook, converted by calling it as
    strawberry's ``convert_argument`` does."""

    graphql_name: str
    python_name: str
    origin: type
    definition: StrawberryObjectDefinition = dataclass_field(repr=False)
    config: Any = dataclass_field(repr=False)  # the schema's ``StrawberryConfig``
    scalar_registry: Any = dataclass_field(repr=False)

    def convert(self, value: Any, info: Any) -> Any:
        if value is None or value is UNSET:
            return value
        from_input = self.definition.from_input
        assert from_input is not None  # checked when the schema is built, never unset
        context = InputContext(
            info=info,
            config=self.config,
            scalar_registry=self.scalar_registry,
            path=(self.graphql_name,),
        )
        return from_input(self.origin, value, context)


_UNCHANGED = "unchanged"
_BUILT = "built"


def _conversion(type_: object, scalar_registry: Any) -> str | None:
    """How strawberry's ``convert_argument`` converts a value of ``type_``: ``_UNCHANGED``
    (returned as it is), ``_BUILT`` (by its input type's ``from_input`` hook), or None for
    anything else. Its tests, in its order: ``Maybe``, optional, leaf, enum, object."""
    if isinstance(type_, StrawberryMaybe):
        return None  # wrapped in ``Some``
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if type_ is GlobalID:
        return None  # decoded
    if isinstance(type_, StrawberryEnumDefinition) or has_enum_definition(type_):
        return _UNCHANGED
    if is_scalar(type_, scalar_registry):
        return _UNCHANGED
    definition = get_object_definition(type_)
    if definition is not None and definition.is_input and definition.from_input is not None:
        return _BUILT
    return None


Bound = Callable[[Any, GraphQLResolveInfo[Any] | None], Any]
"""A resolver with its arguments bound: called with the source and the field's info."""


@dataclass(frozen=True, slots=True)
class LeanResolver:
    """A field's function, called as strawberry's resolver would call it."""

    field: StrawberryField
    function: Callable[..., Any]
    names: tuple[tuple[str, str], ...]  # (GraphQL argument name, Python parameter name)
    info_name: str | None  # the parameter taking strawberry's ``Info``, if any
    takes_self: bool
    source_names: tuple[str, ...]  # the parameters filled with the source (``root``, ...)
    info_class: type[Any]
    inputs: tuple[BuiltInput, ...] = ()  # the arguments converted by their ``from_input``

    @property
    def takes_info(self) -> bool:
        """Whether a call needs the field's info: for the function, or for the inputs'
        ``InputContext`` (strawberry builds its ``Info`` for every call)."""
        return self.info_name is not None or bool(self.inputs)

    def _keywords(self, graphql_arguments: dict[str, Any]) -> dict[str, Any]:
        return {
            python: graphql_arguments[graphql]
            for graphql, python in self.names
            if graphql in graphql_arguments
        }

    def __call__(self, source: Any, info: GraphQLResolveInfo[Any], **graphql_arguments: Any) -> Any:
        return self._call(source, info, self._keywords(graphql_arguments))

    def _call(
        self, source: Any, info: GraphQLResolveInfo[Any] | None, kwargs: dict[str, Any]
    ) -> Any:
        for name in self.source_names:
            kwargs[name] = source
        if self.info_name is not None or self.inputs:
            # one ``Info`` for the conversion and the function, as strawberry's wrapper has
            made = strawberry_info(self.info_class, info, self.field)
            for argument in self.inputs:  # a new value per call, as strawberry's
                if argument.python_name in kwargs:
                    kwargs[argument.python_name] = argument.convert(
                        kwargs[argument.python_name], made
                    )
            if self.info_name is not None:
                kwargs[self.info_name] = made
        return self.function(source, **kwargs) if self.takes_self else self.function(**kwargs)

    def bind(self, graphql_arguments: dict[str, Any]) -> Bound:
        """This resolver with ``graphql_arguments`` (as graphql-core coerced them) bound, for
        ``schema.execution.planner``'s plans: the arguments of a field are the same for every object
        an operation reaches it on, so they are renamed once per operation, not per call."""
        kwargs = self._keywords(graphql_arguments)
        function = self.function
        if self.source_names or self.takes_info:
            return lambda source, info: self._call(source, info, dict(kwargs))
        if self.takes_self:
            if not kwargs:
                return lambda source, _info: function(source)
            return lambda source, _info: function(source, **kwargs)
        return lambda _source, _info: function(**kwargs)

    @property
    def method(self) -> Callable[[Any], Any] | None:
        """The function, when a call is ``function(source)`` alone: it takes the object as
        ``self`` and nothing else (no info, no arguments, no ``root``/``parent``)."""
        if self.takes_self and not (self.names or self.source_names or self.takes_info):
            return self.function
        return None


def lean_resolver(field: StrawberryField, converter: GraphQLCoreConverter) -> LeanResolver | None:
    """A resolver for ``field`` that calls its function as strawberry would, or None where
    strawberry's wrapper does more than rename arguments and build the ``Info``."""
    resolver = field.base_resolver
    if resolver is None or field.extensions or field.is_async or field.is_subscription:
        return None
    # The exception handlers strawberry would apply to this field (none in this schema; the
    # converter's own, private, answer, so that a handler added later is never bypassed).
    if field_exception_handlers(converter, field):
        return None
    config, registry = converter.config, converter.scalar_registry
    arguments = field.arguments
    conversions = [_conversion(a.type, registry) for a in arguments]
    if None in conversions:
        return None
    function = resolver.wrapped_func
    if not callable(function):  # strawberry raises its own error for these: leave it to it
        return None
    names = tuple((config.name_converter.from_argument(a), a.python_name) for a in arguments)
    inputs = []
    for (graphql, python), argument, conversion in zip(names, arguments, conversions, strict=True):
        if conversion == _BUILT:
            type_ = argument.type
            origin = type_.of_type if isinstance(type_, StrawberryOptional) else type_
            definition = get_object_definition(origin, strict=True)
            inputs.append(BuiltInput(graphql, python, origin, definition, config, registry))  # type: ignore[arg-type]
    return LeanResolver(
        field=field,
        function=function,
        names=names,
        info_name=resolver.info_parameter.name if resolver.info_parameter else None,
        takes_self=resolver.self_parameter is not None,
        # The parameters strawberry fills with the source object by name (``root``, ``parent``).
        source_names=tuple(
            p.name for p in (resolver.root_parameter, resolver.parent_parameter) if p is not None
        ),
        info_class=config.info_class,
        inputs=tuple(inputs),
    )


def install(schema: GraphQLSchema, converter: GraphQLCoreConverter) -> int:
    """Give every field ``lean_resolver`` accepts its lean resolver; returns how many."""
    installed = 0
    for named_type in schema.type_map.values():
        if not isinstance(named_type, GraphQLObjectType):
            continue
        for graphql_field in named_type.fields.values():
            definition = (graphql_field.extensions or {}).get(DEFINITION_BACKREF)
            if not isinstance(definition, StrawberryField):
                continue
            resolve = lean_resolver(definition, converter)
            if resolve is not None:
                graphql_field.resolve = resolve
                installed += 1
    return installed
