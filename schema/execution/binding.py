"""How the plan calls a field's resolver: bound to the field's coerced arguments
(``binder``), or, for a field without arguments or info, with the object alone
(``direct_read``)."""

from collections.abc import Callable
from functools import partial
from operator import attrgetter
from typing import Any

from graphql import GraphQLField

from schema.execution.internals import DEFINITION_BACKREF, StrawberryField, is_default_resolver
from schema.execution.resolution import Bound, LeanResolver


def _call_resolver(
    resolve: Callable[..., Any], arguments: dict[str, Any], source: Any, info: Any
) -> Any:
    return resolve(source, info, **arguments)


def field_resolver_of(field_def: GraphQLField, field_resolver: Any, middleware_manager: Any) -> Any:
    """The field's resolver as graphql-core calls it (wrapped by the middleware, if any)."""
    resolve = field_def.resolve or field_resolver
    if middleware_manager:  # as graphql-core wraps it (unchanged without middleware)
        resolve = middleware_manager.get_field_resolver(resolve)
    return resolve


def default_read(field_def: GraphQLField, resolve: Any) -> str | None:
    """The attribute read when ``resolve`` is strawberry's default resolver for the field
    (``getattr(source, python_name)``, info unused); None for any other resolver."""
    definition = (field_def.extensions or {}).get(DEFINITION_BACKREF)
    if (
        is_default_resolver(resolve)
        and isinstance(definition, StrawberryField)
        and definition.base_resolver is None
        and definition.default_resolver is getattr
    ):
        return definition.python_name
    return None


def binder(
    field_def: GraphQLField, field_resolver: Any, middleware_manager: Any
) -> tuple[Callable[[dict[str, Any]], Bound], bool]:
    """How to bind the field's resolver to its coerced arguments, and whether it takes the
    info."""
    resolve = field_resolver_of(field_def, field_resolver, middleware_manager)
    name = default_read(field_def, resolve)
    if name is not None:
        read = attrgetter(name)
        return (lambda _arguments: lambda source, _info: read(source)), False
    if isinstance(resolve, LeanResolver):
        return resolve.bind, resolve.takes_info
    return partial(partial, _call_resolver, resolve), True


def direct_read(
    field_def: GraphQLField, field_resolver: Any, middleware_manager: Any
) -> Callable[[Any], Any] | None:
    """The resolver of a field without arguments as a function of the object alone:
    strawberry's default resolver (an attribute read) or a lean resolver's method
    (``LeanResolver.method``); None for any other."""
    resolve = field_resolver_of(field_def, field_resolver, middleware_manager)
    name = default_read(field_def, resolve)
    if name is not None:
        return attrgetter(name)
    return resolve.method if isinstance(resolve, LeanResolver) else None
