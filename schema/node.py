"""Relay global IDs: ``node(id:)``, ``nodes(ids:)`` and ``search`` (which finds subjects of
any type), and the typed node of a subject stored by provenance and search tables."""

import inspect
from collections.abc import Iterator, Mapping
from datetime import date
from functools import cache
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from db.vocabulary import SubjectType
from resolvers import search as search_queries
from resolvers.arguments import MAX_ID_LENGTH, check_length
from resolvers.bounds import SEARCH_SUBJECTS
from resolvers.errors import UserInputError
from resolvers.pagination import PageRequest, paginate
from schema.context import Info
from schema.entity import KeyedNode
from schema.extensions.field_bounds import ArgumentLength, bounded
from schema.pagination import After, Before, First, Last
from schema.search import SearchConnection, search_connection
from schema.validity import AsOf


def _declared(parent: type[KeyedNode]) -> Iterator[type[KeyedNode]]:
    """Every GraphQL object type under ``parent`` (``KeyedNode`` itself is none)."""
    for cls in parent.__subclasses__():
        definition = getattr(cls, "__strawberry_definition__", None)
        if definition is not None and definition.origin is cls and not definition.is_interface:
            yield cls
        yield from _declared(cls)


@cache
def node_types() -> Mapping[str, type[KeyedNode]]:
    """The types ``node``/``nodes`` answer, by GraphQL name: every entity type, a subclass of
    ``KeyedNode``, so a new entity registers itself by being one. Read on the first request,
    when building the schema has imported every type (a lazy back edge's among them);
    ``tests/test_nodes.py`` checks that it is exactly the schema's ``Node`` implementations."""
    return {cls.__strawberry_definition__.name: cls for cls in _declared(KeyedNode)}  # type: ignore[attr-defined]


@cache
def _node_type_by_subject() -> Mapping[SubjectType, type[KeyedNode]]:
    return {cls.subject_type: cls for cls in node_types().values()}


@cache
def dated_node_types() -> frozenset[str]:
    """The types answering their dated fields for a day (an office, a country): those whose
    ``from_record`` takes ``as_of``."""
    return frozenset(
        name
        for name, cls in node_types().items()
        if "as_of" in inspect.signature(cls.from_record).parameters
    )


def parse_global_id(value: str, argument: str) -> relay.GlobalID:
    """Decode an opaque ID; refuse anything this API did not issue."""
    check_length(value, argument, MAX_ID_LENGTH)
    try:
        global_id = relay.GlobalID.from_id(value)
    except GlobalIDValueError:
        raise UserInputError(f"{value!r} is not an ID this API issued", argument) from None
    if global_id.type_name not in node_types():
        raise UserInputError(f"{value!r} is not an ID this API issued", argument)
    return global_id


def resolve_global_id(info: Info, value: strawberry.ID, argument: str) -> relay.Node | None:
    parsed = parse_global_id(str(value), argument)
    return node_types()[parsed.type_name].resolve_nodes(info=info, node_ids=[parsed.node_id])[0]


def _node_or_error(info: Info, value: strawberry.ID) -> relay.Node | UserInputError | None:
    """A malformed ID is an error at its own item of ``nodes`` (graphql-core reports an
    exception returned as a list item at that item's path), not of the whole field."""
    try:
        return resolve_global_id(info, value, "ids")
    except UserInputError as error:
        return error


def node_for_subject(
    info: Info, subject_type: str, subject_id: int, as_of: date | None = None
) -> relay.Node | None:
    """The typed node for a (subject type, id) pair stored by provenance and search tables;
    an office or a country answers its dated fields for ``as_of`` (None: today)."""
    node_type = _node_type_by_subject().get(SubjectType(subject_type))
    if node_type is None:
        return None
    record = info.context.loaders[node_type.id_edge].load(subject_id)
    if record is None:
        return None
    if node_type.__strawberry_definition__.name in dated_node_types():  # type: ignore[attr-defined]
        return node_type.from_record(record, as_of)  # type: ignore[call-arg]
    return node_type.from_record(record)


@strawberry.type(description="Root fields on global IDs and search.")
class NodeQueries:
    @strawberry.field(description="Any entity by its global ID; null if it no longer exists.")
    def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description=f"A global ID. At most {MAX_ID_LENGTH} characters."),
        ],
    ) -> relay.Node | None:
        return resolve_global_id(info, id, "id")

    @strawberry.field(
        metadata=bounded(ArgumentLength("ids")),
        description="Entities by global IDs, in order; null for those that do not exist, and "
        "null with a `BAD_USER_INPUT` error at its item for an ID this API did not issue. The "
        "field is null (with its error) only for more than 100 IDs.",
    )
    def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description=f"Global IDs (at most 100), each at most {MAX_ID_LENGTH} characters."
            ),
        ],
    ) -> list[relay.Node | None] | None:
        if len(ids) > 100:
            raise UserInputError(f"`ids` lists {len(ids)} IDs; at most 100 are accepted", "ids")
        return [_node_or_error(info, value) for value in ids]  # type: ignore[misc]

    @strawberry.field(
        metadata=bounded(SEARCH_SUBJECTS),
        description="Find offices, countries, institutions, leadership positions (and their "
        "holders) and the organisation (and its headquarters city) by name, acronym or code in "
        "any language, ignoring accents and case (`oim`, `Egypte`, `cedeao`), tolerating typos "
        "(`Nairobbi`). Exact matches first, then prefixes, whole words and typos (see "
        "`SearchEdge.match`). Offices are found in force or not: their `inForce` says which. Null, "
        "with a `BAD_USER_INPUT` error, for a malformed argument.",
    )
    def search(
        self,
        info: Info,
        text: Annotated[str, strawberry.argument(description="2 to 100 characters.")],
        as_of: AsOf = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> SearchConnection | None:
        hits = search_queries.search(info.context.dataset.search_terms, text)
        page = paginate(hits, PageRequest(first, after, last, before, info.context.page_limits))
        nodes = [
            node_for_subject(info, hit.subject_type, hit.subject_id, as_of) for hit in page.items
        ]
        return search_connection(page, nodes)  # type: ignore[arg-type]
