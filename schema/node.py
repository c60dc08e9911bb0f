"""Relay global IDs: resolving ``node(id:)`` / ``nodes(ids:)`` and subjects of notes to nodes."""

import asyncio

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from db.models import SubjectType
from resolvers.arguments import MAX_ID_LENGTH, check_length
from resolvers.errors import UserInputError
from schema.context import Info
from schema.country import Country
from schema.entity import KeyedNode
from schema.institution import Institution
from schema.leadership import LeadershipPosition
from schema.organisation import Organisation
from schema.provenance import DataQualityNote
from schema.regional_office import RegionalOffice

_ENTITY_TYPES: tuple[type[KeyedNode], ...] = (
    Organisation,
    LeadershipPosition,
    RegionalOffice,
    Country,
    Institution,
    DataQualityNote,
)
NODE_TYPES: dict[str, type[KeyedNode]] = {cls.__name__: cls for cls in _ENTITY_TYPES}
NODE_TYPES_BY_SUBJECT: dict[SubjectType, type[KeyedNode]] = {
    cls.subject_type: cls for cls in _ENTITY_TYPES
}


def parse_global_id(value: str, argument: str) -> relay.GlobalID:
    """Decode an opaque ID; refuse anything this API did not issue."""
    check_length(value, argument, MAX_ID_LENGTH)
    try:
        global_id = relay.GlobalID.from_id(value)
    except GlobalIDValueError:
        raise UserInputError(f"{value!r} is not an ID this API issued", argument) from None
    if global_id.type_name not in NODE_TYPES:
        raise UserInputError(f"{value!r} is not an ID this API issued", argument)
    return global_id


async def resolve_global_ids(
    info: Info, ids: list[strawberry.ID], argument: str
) -> list[relay.Node | None]:
    parsed = [parse_global_id(str(value), argument) for value in ids]

    async def resolve(global_id: relay.GlobalID) -> relay.Node | None:
        node_type = NODE_TYPES[global_id.type_name]
        found = await node_type.resolve_nodes(info=info, node_ids=[global_id.node_id])
        return found[0]

    return list(await asyncio.gather(*(resolve(global_id) for global_id in parsed)))


async def node_for_subject(info: Info, subject_type: str, subject_id: int) -> relay.Node | None:
    """The typed node for a (subject type, id) pair stored by provenance and search tables."""
    node_type = NODE_TYPES_BY_SUBJECT.get(SubjectType(subject_type))
    if node_type is None:
        return None
    record = await getattr(info.context.loaders, node_type.id_loader_name).load(subject_id)
    return node_type.from_record(record) if record else None
