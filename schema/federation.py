"""Apollo Federation 2: what iom-graph adds to strawberry's own support (``strawberry.federation``).

strawberry adds ``Query._service`` (the subgraph SDL) and ``Query._entities`` (entities by
representation) and builds ``_Service``, ``_Entity`` and ``_Any`` itself. This module
- checks each representation before strawberry dispatches it: strawberry raises out of the
  whole field on a missing or unknown ``__typename`` (a ``KeyError``, reported as an internal
  error) and calls ``resolve_reference(**representation)`` with whatever keys it is given;
  here each bad representation becomes its own ``BAD_USER_INPUT``, the others still resolve;
- describes the fields and types strawberry builds without descriptions;
- prints the standalone SDL (``schema/schema.graphql``): the contract for clients that do not
  federate, which strawberry cannot print, as its printer always prints ``@link``/``@key``.
"""

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, Final

from graphql import (
    GraphQLDirective,
    GraphQLEnumType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    is_specified_directive,
    print_directive,
    print_type,
)
from strawberry.federation.schema_directives import Key

from resolvers.arguments import MAX_SLUG_LENGTH
from resolvers.errors import UserInputError
from schema.context import Context
from schema.extensions.field_bounds import BOUND, ArgumentLength
from schema.extensions.limits import Limits
from schema.node import node_types

FEDERATION_VERSION: Final = "2.11"
# The root fields strawberry.federation adds, and the types only they reach.
FEDERATION_FIELDS = frozenset({"_service", "_entities"})
MAX_REPRESENTATION_TYPENAME = 64


@cache
def entity_keys() -> Mapping[str, frozenset[str]]:
    """Entity type name -> its ``@key`` fields, read from the types' own ``@key`` directives
    (each key of this subgraph is a single field)."""
    found: dict[str, frozenset[str]] = {}
    for name, node_type in node_types().items():
        directives = node_type.__strawberry_definition__.directives or ()  # type: ignore[attr-defined]
        keys = frozenset(str(d.fields) for d in directives if isinstance(d, Key))
        if keys:
            found[name] = keys
    return found


def check_representation_count(context: Context, field: str, count: int, limits: Limits) -> None:
    """Count the ``count`` representations of the ``_entities`` field answered under the key
    ``field`` against the request's ``max_representations``: aliased fields share one cap
    (kept on the context, by key, so a field resolved again is not counted twice). A
    ``UserInputError`` past it, before any representation is looked at."""
    context.representations[field] = count
    asked = sum(context.representations.values())
    if asked > limits.max_representations:
        raise UserInputError(
            f"`representations`: {asked} in this request, above the maximum of "
            f"{limits.max_representations}; send them in several requests",
            "representations",
            {"limit": limits.max_representations, "actual": asked},
        )


def check_representation(value: object, index: int) -> dict[str, Any] | UserInputError:
    """A copy of a well-formed representation (strawberry pops ``__typename`` from what it is
    given), or the error to answer in its place."""
    where = f"`representations[{index}]`"
    if not isinstance(value, dict):
        return UserInputError(f"{where} is not an object", "representations")
    typename = value.get("__typename")
    keys = entity_keys().get(typename) if isinstance(typename, str) else None
    if keys is None:
        shown = repr(typename)[:MAX_REPRESENTATION_TYPENAME]
        return UserInputError(
            f"{where}: `__typename` {shown} is not an entity of this subgraph (one of "
            f"{', '.join(sorted(entity_keys()))})",
            "representations",
        )
    fields = sorted(set(value) - {"__typename"})
    if len(fields) != 1 or fields[0] not in keys:
        return UserInputError(
            f"{where}: a {typename} is found by exactly one of its keys "
            f"({', '.join(sorted(keys))}); it gives {fields}",
            "representations",
        )
    key = value[fields[0]]
    if not isinstance(key, str) or len(key) > MAX_SLUG_LENGTH:
        return UserInputError(
            f"{where}: `{fields[0]}` must be a string of at most {MAX_SLUG_LENGTH} characters",
            "representations",
        )
    return dict(value)


_DESCRIPTIONS = {
    "_Any": "An entity representation: `__typename` and the entity's key field.",
    "_Service": "This subgraph as Apollo Federation 2 sees it.",
    "_FieldSet": "The fields of an entity key (`@key(fields:)`), e.g. `alpha3`.",
    "link__Import": "A name `@link` imports from a specification, e.g. `@key`.",
    "link__Purpose": "What a specification linked with `@link` is for.",
}
_PURPOSES = {
    "SECURITY": "The specification's metadata is needed to resolve fields securely.",
    "EXECUTION": "The specification's metadata is needed to execute operations.",
}


def describe_federation_types(graphql_schema: GraphQLSchema) -> None:
    """Describe what strawberry builds undescribed (it takes no descriptions for them), and
    bound ``_entities`` for the cost model (it takes no metadata for it either)."""
    for name, description in _DESCRIPTIONS.items():
        graphql_schema.type_map[name].description = description
    entity = graphql_schema.type_map["_Entity"]
    assert isinstance(entity, GraphQLUnionType)
    entity.description = f"Every type other subgraphs can extend: {_listed(entity.types)}."
    purpose = graphql_schema.type_map["link__Purpose"]
    assert isinstance(purpose, GraphQLEnumType)
    for value, description in _PURPOSES.items():
        purpose.values[value].description = description
    service = graphql_schema.type_map["_Service"]
    assert isinstance(service, GraphQLObjectType)
    service.fields["sdl"].description = "The subgraph's SDL, federation directives included."
    fields = graphql_schema.type_map["Query"].fields  # type: ignore[attr-defined]
    fields["_service"].description = "For federation gateways: this subgraph's SDL."
    fields["_entities"].description = (
        "For federation gateways: the entities named by `representations`, in order; null for "
        "those that do not exist. Costs like a list as long as `representations`."
    )
    fields["_entities"].extensions[BOUND] = ArgumentLength("representations")
    fields["_entities"].args["representations"].description = (
        "Each `{__typename, <key field>: value}`, e.g. "
        '`{"__typename": "Country", "alpha3": "KEN"}`.'
    )


def _listed(types: Iterable[GraphQLNamedType]) -> str:
    """``A, B and C``: the types' names in name order."""
    *others, last = sorted(named.name for named in types)
    return f"{', '.join(others)} and {last}" if others else last


def standalone_sdl(graphql_schema: GraphQLSchema) -> str:
    """The served schema without what federation adds, printed as strawberry prints a schema
    (types in name order, each as graphql-core prints it; no applied directives)."""
    query = graphql_schema.query_type
    assert query is not None
    plain_query = GraphQLObjectType(
        query.name,
        {name: f for name, f in query.fields.items() if name not in FEDERATION_FIELDS},
        interfaces=query.interfaces,
        description=query.description,
    )
    directives = [
        d
        for d in graphql_schema.directives
        if not is_specified_directive(d) and not _is_federation(d)
    ]
    # graphql-core collects the types the plain Query reaches: the federation types drop out.
    plain = GraphQLSchema(
        query=plain_query, subscription=graphql_schema.subscription_type, directives=directives
    )
    types = [
        plain.type_map[name]
        for name in sorted(plain.type_map)
        if not name.startswith("__") and name not in ("String", "Int", "Float", "Boolean", "ID")
    ]
    blocks = [print_directive(d) for d in directives] + [print_type(t) for t in types]
    return "\n\n".join(blocks) + "\n"


def _is_federation(directive: GraphQLDirective) -> bool:
    """``@key``, ``@shareable``, ``@link``: the directives strawberry.federation defines."""
    definition = directive.extensions.get("strawberry-definition")
    origin = getattr(definition, "origin", None)
    return getattr(origin, "__module__", "").startswith("strawberry.federation.")
