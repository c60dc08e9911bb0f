"""Errors about an enum value name the values the enum allows.

graphql-core says "Value 'PURPLE' does not exist in 'Severity' enum." and suggests a value only
when one is close ("Did you mean ..."); it has no hook for listing them, so this module finds
the enum's name in that message (validation of literals, coercion of variables) and adds the
list. Its errors are cached by the validation cache, so this returns a copy, never mutates.
"""

import re

from graphql import GraphQLEnumType, GraphQLError, GraphQLSchema

# The two messages graphql-core 3.3 gives (type/definition.py, GraphQLEnumType.coerce_input_*).
_ENUM_NAMED = re.compile(r"does not exist in '(\w+)' enum\.|\bEnum '(\w+)' cannot represent")


def allowed_values_of(error: GraphQLError, schema: GraphQLSchema) -> list[str] | None:
    """The values of the enum ``error`` is about, or None when it is about no enum."""
    found = _ENUM_NAMED.search(error.message)
    if found is None:
        return None
    enum = schema.type_map.get(found.group(1) or found.group(2))
    return list(enum.values) if isinstance(enum, GraphQLEnumType) else None


def with_allowed_values(error: GraphQLError, schema: GraphQLSchema) -> GraphQLError:
    """``error``, or a copy that lists the allowed values (message and ``allowedValues``)."""
    values = allowed_values_of(error, schema)
    if values is None:
        return error
    return GraphQLError(
        f"{error.message} Allowed values: {', '.join(values)}.",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "allowedValues": values},
    )
