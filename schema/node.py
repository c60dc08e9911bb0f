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
from schema.institution import Institution
from schema.leadership import LeadershipPosition
from schema.organisation import Organisation
from schema.provenance import DataQualityNote
from schema.regional_office import RegionalOffice

NODE_TYPES: dict[str, type[relay.Node]] = {
    cls.__name__: cls
    for cls in (
        Organisation,
        LeadershipPosition,
        RegionalOffice,
        Country,
        Institution,
        DataQualityNote,
    )
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
        found = await node_type.resolve_nodes(  # type: ignore[misc]
            info=info, node_ids=[global_id.node_id], required=False
        )
        return found[0]  # type: ignore[no-any-return]

    return list(await asyncio.gather(*(resolve(global_id) for global_id in parsed)))


async def node_for_subject(info: Info, subject_type: str, subject_id: int) -> relay.Node | None:
    """The typed node for a (subject type, id) pair stored by provenance and search tables."""
    loaders = info.context.loaders
    match SubjectType(subject_type):
        case SubjectType.ORGANISATION:
            organisation = await loaders.organisation_by_id.load(subject_id)
            return Organisation.from_record(organisation) if organisation else None
        case SubjectType.LEADERSHIP:
            unit = await loaders.leadership_by_id.load(subject_id)
            return LeadershipPosition.from_record(unit) if unit else None
        case SubjectType.OFFICE:
            office = await loaders.office_by_id.load(subject_id)
            return RegionalOffice.from_record(office) if office else None
        case SubjectType.COUNTRY:
            country = await loaders.country_by_id.load(subject_id)
            return Country.from_record(country) if country else None
        case SubjectType.INSTITUTION:
            institution = await loaders.institution_by_id.load(subject_id)
            return Institution.from_record(institution) if institution else None
        case SubjectType.DATA_QUALITY_NOTE:
            note = await loaders.note_by_id.load(subject_id)
            return DataQualityNote.from_record(note) if note else None
        case _:
            return None
