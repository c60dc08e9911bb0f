"""Every list and connection of the schema declares what bounds it (``bounded``), and the
dataset reads every bound so declared: no list is costed at a guess."""

import pytest
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
)

from resolvers.bounds import HISTORY, NOTES, Bound
from resolvers.edges import BOUNDS, EDGES, Edges
from schema.extensions.cost_model import CONNECTION_ITEMS
from schema.extensions.field_bounds import ArgumentLength, bound_of, bounded, is_list_field
from tests.conftest import DEFAULT_SCHEMA

GRAPHQL_SCHEMA = DEFAULT_SCHEMA._schema


def _is_connection(field: GraphQLField) -> bool:
    target = get_named_type(field.type)
    return isinstance(target, GraphQLObjectType) and "edges" in target.fields


def _bounded_fields() -> dict[str, GraphQLField]:
    """Every field returning a list of objects or a connection, by ``Type.field``, except a
    connection's own ``edges``/``nodes`` (its page bounds them)."""
    found = {}
    for named in GRAPHQL_SCHEMA.type_map.values():
        if named.name.startswith("__"):
            continue
        if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for name, field in named.fields.items():
            target = get_named_type(field.type)
            composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
            if not isinstance(target, composite):
                continue
            if "edges" in named.fields and name in CONNECTION_ITEMS:
                continue
            if is_list_field(field) or _is_connection(field):
                found[f"{named.name}.{name}"] = field
    return found


def test_every_list_and_connection_declares_its_bound() -> None:
    fields = _bounded_fields()
    assert len(fields) == 44
    unbounded = sorted(name for name, field in fields.items() if bound_of(field) is None)
    assert unbounded == []


def test_every_declared_bound_is_read_with_the_dataset() -> None:
    declared = {bound_of(field) for field in _bounded_fields().values()}
    bounds = {bound for bound in declared if isinstance(bound, Bound)}
    assert bounds <= set(BOUNDS)
    # Only the history's connections (not in memory) have no query: their page bounds them.
    assert {bound for bound in bounds if bound.query is None} == {HISTORY}
    lengths = {bound for bound in declared if isinstance(bound, ArgumentLength)}
    assert {length.argument for length in lengths} == {
        "ids",
        "representations",
        "codes",
        "slugs",
        "acronyms",
    }


def test_fields_name_the_edge_they_walk() -> None:
    fields = _bounded_fields()
    assert bound_of(fields["RegionalOffice.countries"]) is Edges.countries_by_office.bound
    assert bound_of(fields["Country.sources"]) is Edges.sources_by_subject.bound
    assert bound_of(fields["Query.dataQualityNotes"]) is NOTES
    assert bound_of(fields["Query._entities"]) == ArgumentLength("representations")
    assert Edges.links_by_office.bound is not None
    assert Edges.links_by_office.bound.name == "links_by_office"


def test_a_record_edge_bounds_no_list() -> None:
    with pytest.raises(ValueError, match="office_by_id"):
        bounded(Edges.office_by_id)
    assert [name for name, edge in EDGES.items() if edge.is_list and edge.bound is None] == []
