"""Small shortcuts of the plan's object completion and of the schema's records: no info is
built for strawberry's own ``is_type_of`` (it reads the object alone), nor is it asked of an
uncast instance of its type's own class, and an enum's member for a stored value is the enum's
own answer."""

from enum import Enum

import pytest
import strawberry
from graphql import GraphQLField, GraphQLObjectType, GraphQLString
from graphql.pyutils import Path

from schema.country import Country
from schema.enum_members import member_of
from schema.execution.completion import new_path
from schema.execution.internals import (
    TYPE_CAST_ATTRIBUTE,
    accepted_class,
    is_type_of_ignores_info,
)
from schema.execution.resolution import LeanResolver
from schema.institution import Institution, InstitutionKind
from schema.link import RelationshipKind
from tests.conftest import DEFAULT_SCHEMA
from tests.test_country_type import RECORD


def test_strawberrys_is_type_of_is_known_and_no_other() -> None:
    type_map = DEFAULT_SCHEMA._schema.type_map
    for name in ("Country", "RegionalOffice", "Institution"):
        assert is_type_of_ignores_info(type_map[name].is_type_of)  # type: ignore[attr-defined]

    def is_type_of(_value: object, _info: object) -> bool:
        return True

    assert not is_type_of_ignores_info(is_type_of)
    assert not is_type_of_ignores_info(lambda value, info: info is not None)
    assert not is_type_of_ignores_info(None)


class Shade(Enum):
    LIGHT = "light"
    PALE = "light"  # an alias: the same member
    DARK = "dark"


@pytest.mark.parametrize("enum", [RelationshipKind, InstitutionKind, Shade])
def test_member_of_is_the_enums_call(enum: type[Enum]) -> None:
    for member in enum.__members__.values():
        assert member_of(enum, member.value) is enum(member.value)
    with pytest.raises(ValueError, match="is not a valid"):
        member_of(enum, "no such value")
    with pytest.raises(ValueError, match="is not a valid"):
        member_of(enum, ["unhashable"])


def test_a_method_taking_the_object_alone_is_called_with_it_alone() -> None:
    type_map = DEFAULT_SCHEMA._schema.type_map
    relationship = type_map["InstitutionLinkEdge"].fields["relationship"].resolve  # type: ignore[attr-defined]
    assert isinstance(relationship, LeanResolver)
    assert relationship.method is relationship.function
    inferred = type_map["Country"].fields["coverageInferred"].resolve  # type: ignore[attr-defined]
    assert isinstance(inferred, LeanResolver)
    assert inferred.method is None  # takes the info and an argument


def test_the_class_strawberrys_is_type_of_accepts_uncast() -> None:
    type_map = DEFAULT_SCHEMA._schema.type_map
    assert accepted_class(type_map["Country"]) is Country
    assert accepted_class(type_map["Institution"]) is Institution
    assert accepted_class(type_map["PageInfo"]) is None  # no is_type_of at all
    plain = GraphQLObjectType("Plain", {"a": GraphQLField(GraphQLString)})
    plain.is_type_of = lambda value, info: True
    assert accepted_class(plain) is None


def test_an_object_cast_to_another_type_is_still_asked() -> None:
    """The plan skips strawberry's ``is_type_of`` only for an uncast instance of the class
    (``schema.execution.completion``): one ``strawberry.cast`` marked is asked, and refused."""
    is_country = DEFAULT_SCHEMA._schema.type_map["Country"].is_type_of  # type: ignore[attr-defined]
    country = Country.from_record(RECORD)
    assert TYPE_CAST_ATTRIBUTE not in vars(country)
    assert is_country(country, None) is True
    strawberry.cast(Institution, country)
    assert TYPE_CAST_ATTRIBUTE in vars(country)
    assert is_country(country, None) is False


def test_a_path_the_plan_makes_is_graphql_cores() -> None:
    root = new_path(Path, (None, "countries", "Query"))
    item = new_path(Path, (root, 3, None))
    assert type(item) is Path
    assert item == Path(Path(None, "countries", "Query"), 3, None)
    assert item.as_list() == ["countries", 3]
