"""What bounds each list and connection field, declared on the field itself (``bounded``):
the list edge it walks (``resolvers.edges``), a bound of its own (``resolvers.bounds``) or the
length of one of its arguments. The cost model (``schema.extensions.cost_model``) reads it."""

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLField, GraphQLList, GraphQLNonNull
from strawberry.schema.schema_converter import GraphQLCoreConverter

from resolvers.bounds import Bound
from resolvers.edges import Edge

DEFINITION_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF
BOUND = "bound"
"""The key of a field's bound: in its strawberry field's ``metadata`` (``bounded``), or in the
GraphQL field's ``extensions`` for the fields strawberry builds (``schema.federation``)."""


@dataclass(frozen=True)
class ArgumentLength:
    """A list as long as one of its field's arguments: ``nodes(ids:)``, the batch lookups, and
    ``_entities``, which a federation gateway calls with one representation per entity."""

    argument: str


FieldBound = Bound | ArgumentLength


def bounded(by: "Edge[Any, Any, Any] | FieldBound") -> dict[str, FieldBound]:
    """The ``metadata`` of a field returning a list or a connection: the list edge it walks
    (whose bound it has), a bound of its own (``resolvers.bounds``), or an argument's length."""
    if isinstance(by, Edge):
        if by.bound is None:
            raise ValueError(f"{by!r} is not a list edge: it bounds no list")
        return {BOUND: by.bound}
    return {BOUND: by}


def is_list_field(definition: GraphQLField) -> bool:
    field_type = definition.type
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return isinstance(field_type, GraphQLList)


def bound_of(definition: GraphQLField) -> FieldBound | None:
    """The bound ``definition`` declares, or None."""
    declared = definition.extensions.get(BOUND)
    if declared is None:
        strawberry_field = definition.extensions.get(DEFINITION_BACKREF)
        declared = getattr(strawberry_field, "metadata", {}).get(BOUND)
    return declared
