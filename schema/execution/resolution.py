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
renaming the arguments and building the ``Info``. ``install`` gives such fields a resolver
doing exactly that, decided once per field when the schema is built. Every other field (no
resolver, async, field extensions, input objects, lists, global ids) keeps strawberry's. No
library offers this: strawberry's resolver is one code path for every field, by design.
``tests/test_equivalence.py`` runs every example and generated queries against a schema built
with strawberry's own resolvers and standard execution, and requires equal results.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from strawberry.relay import GlobalID

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


def _converted_unchanged(type_: object, scalar_registry: Any) -> bool:
    """Whether strawberry's ``convert_argument`` returns a value of ``type_`` as it is."""
    if isinstance(type_, StrawberryMaybe):
        return False  # wrapped in ``Some``
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if type_ is GlobalID:
        return False  # decoded
    if isinstance(type_, StrawberryEnumDefinition) or has_enum_definition(type_):
        return True
    return bool(is_scalar(type_, scalar_registry))


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

    @property
    def takes_info(self) -> bool:
        return self.info_name is not None

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
        if self.info_name is not None:
            kwargs[self.info_name] = strawberry_info(self.info_class, info, self.field)
        return self.function(source, **kwargs) if self.takes_self else self.function(**kwargs)

    def bind(self, graphql_arguments: dict[str, Any]) -> Bound:
        """This resolver with ``graphql_arguments`` (as graphql-core coerced them) bound, for
        ``schema.execution.planner``'s plans: the arguments of a field are the same for every object
        an operation reaches it on, so they are renamed once per operation, not per call."""
        kwargs = self._keywords(graphql_arguments)
        function = self.function
        if self.source_names or self.info_name is not None:
            return lambda source, info: self._call(source, info, dict(kwargs))
        if self.takes_self:
            return lambda source, _info: function(source, **kwargs)
        return lambda _source, _info: function(**kwargs)


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
    config = converter.config
    arguments = field.arguments
    if not all(_converted_unchanged(a.type, converter.scalar_registry) for a in arguments):
        return None
    function = resolver.wrapped_func
    if not callable(function):  # strawberry raises its own error for these: leave it to it
        return None
    return LeanResolver(
        field=field,
        function=function,
        names=tuple((config.name_converter.from_argument(a), a.python_name) for a in arguments),
        info_name=resolver.info_parameter.name if resolver.info_parameter else None,
        takes_self=resolver.self_parameter is not None,
        # The parameters strawberry fills with the source object by name (``root``, ``parent``).
        source_names=tuple(
            p.name for p in (resolver.root_parameter, resolver.parent_parameter) if p is not None
        ),
        info_class=config.info_class,
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
