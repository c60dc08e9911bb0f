"""Filter and order inputs of the root lists, and the checks every text argument passes
(each has a documented maximum: an over-long value is BAD_USER_INPUT naming it)."""

from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

import strawberry
from strawberry.types.arguments import InputContext
from strawberry.types.base import StrawberryList, StrawberryOptional, get_object_definition
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition

from resolvers import country as country_queries
from resolvers import institution as institution_queries
from resolvers import regional_office as office_queries
from resolvers.arguments import MAX_FILTER_TEXT_LENGTH, MAX_SLUG_LENGTH, check_length
from resolvers.errors import UserInputError
from schema.institution import InstitutionKind
from schema.link import RelationshipKind
from schema.provenance import Confidence

MAX_FILTER_VALUES = 300
SLUG_NOTE = f"At most {MAX_SLUG_LENGTH} characters."
SLUGS_NOTE = (
    "Any case; an unknown slug is an error that suggests the nearest known one. "
    f"At most {MAX_FILTER_VALUES} values of at most {MAX_SLUG_LENGTH} characters each."
)
CODES_NOTE = f"At most {MAX_FILTER_VALUES} codes of two or three letters each."
TEXT_NOTE = f"At most {MAX_FILTER_TEXT_LENGTH} characters."

InputT = TypeVar("InputT", bound=type)
_LEAVES = (str, bool, int)
_ABSENT = object()


def built_directly(cls: InputT) -> InputT:
    """``cls`` built from its input value by a ``from_input`` hook of its own.

    Strawberry's own conversion (``strawberry.types.arguments.convert_argument``) resolves
    each field's type and GraphQL name anew for every value: a fifth of the CPU of a filtered
    list. The inputs of the lists hold only leaves (scalars, enums, lists of them), which
    graphql-core has already coerced, enums into their members: the hook passes them on as
    they are, each list copied as strawberry copies it (graphql-core shares a default list
    between requests). ``tests/test_list_orders.py`` compares both ways of building them.
    """
    definition = get_object_definition(cls, strict=True)
    for input_field in definition.fields:
        kind = input_field.resolve_type(type_definition=definition)
        while isinstance(kind, StrawberryOptional | StrawberryList):
            kind = kind.of_type
        leaf = kind in _LEAVES or isinstance(kind, StrawberryEnumDefinition)
        if not (leaf or has_enum_definition(kind)):
            raise TypeError(f"{cls.__name__}.{input_field.python_name} is not a leaf")
    names_by_config: dict[int, tuple[tuple[str, str], ...]] = {}

    def from_input(origin: type, value: Mapping[str, Any], context: InputContext) -> Any:
        names = names_by_config.get(id(context.config))
        if names is None:
            converter = context.config.name_converter
            names = tuple((converter.from_field(f), f.python_name) for f in definition.fields)
            names_by_config[id(context.config)] = names
        given = {
            python: list(held) if type(held) is list else held
            for graphql, python in names
            if (held := value.get(graphql, _ABSENT)) is not _ABSENT
        }
        return origin(**given)

    definition.from_input = from_input
    return cls


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("asc", description="Ascending (A to Z).")
    DESC = strawberry.enum_value("desc", description="Descending (Z to A).")


@strawberry.enum(description="What regional offices can be sorted by.")
class RegionalOfficeOrderField(Enum):
    RANK = strawberry.enum_value("rank", description="The seed page's order (default).")
    NAME = strawberry.enum_value("name", description="Name in the request's language.")
    SLUG = strawberry.enum_value("slug", description="Natural key.")


@strawberry.enum(description="What countries can be sorted by.")
class CountryOrderField(Enum):
    NAME = strawberry.enum_value("name", description="Name in the request's language (default).")
    ALPHA2 = strawberry.enum_value("alpha2", description="ISO alpha-2 code.")
    ALPHA3 = strawberry.enum_value("alpha3", description="ISO alpha-3 code.")


@strawberry.enum(description="What institutions can be sorted by.")
class InstitutionOrderField(Enum):
    NAME = strawberry.enum_value("name", description="Name in the request's language (default).")
    ACRONYM = strawberry.enum_value(
        "acronym", description="Acronym in the request's language; those without one last."
    )
    SLUG = strawberry.enum_value("slug", description="Natural key.")


@built_directly
@strawberry.input(description="Order of regional offices.")
class RegionalOfficeOrder:
    field: RegionalOfficeOrderField = strawberry.field(
        default=RegionalOfficeOrderField.RANK, description="What to sort by."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Direction."
    )


@built_directly
@strawberry.input(description="Order of countries.")
class CountryOrder:
    field: CountryOrderField = strawberry.field(
        default=CountryOrderField.NAME, description="What to sort by."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Direction."
    )


@built_directly
@strawberry.input(description="Order of institutions.")
class InstitutionOrder:
    field: InstitutionOrderField = strawberry.field(
        default=InstitutionOrderField.NAME, description="What to sort by."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Direction."
    )


@built_directly
@strawberry.input(description="Criteria on regional offices; all given criteria must hold.")
class RegionalOfficeFilter:
    slugs: list[str] | None = strawberry.field(
        default=None, description=f"Only these offices. {SLUGS_NOTE}"
    )
    confidence: list[Confidence] | None = strawberry.field(
        default=None, description="Only offices whose country list has one of these confidences."
    )
    host_country_codes: list[str] | None = strawberry.field(
        default=None,
        description=f"Only offices hosted in these countries (alpha-2 or alpha-3). {CODES_NOTE}",
    )
    text: str | None = strawberry.field(
        default=None,
        description="Name or city contains this text (any language, accents ignored). " + TEXT_NOTE,
    )


@built_directly
@strawberry.input(description="Criteria on countries; all given criteria must hold.")
class CountryFilter:
    codes: list[str] | None = strawberry.field(
        default=None,
        description=f"Only these countries (alpha-2 or alpha-3, any case). {CODES_NOTE}",
    )
    offices: list[str] | None = strawberry.field(
        default=None, description=f"Only countries supported by these offices (slugs). {SLUGS_NOTE}"
    )
    supported: bool | None = strawberry.field(
        default=None, description="true: supported by an office; false: supported by none."
    )
    text: str | None = strawberry.field(
        default=None,
        description="Name or code contains this text (any language, accents ignored). " + TEXT_NOTE,
    )


@built_directly
@strawberry.input(description="Criteria on institutions; all given criteria must hold.")
class InstitutionFilter:
    slugs: list[str] | None = strawberry.field(
        default=None, description=f"Only these institutions. {SLUGS_NOTE}"
    )
    kinds: list[InstitutionKind] | None = strawberry.field(
        default=None, description="Only institutions of these kinds."
    )
    offices: list[str] | None = strawberry.field(
        default=None,
        description=f"Only institutions linked to these offices (slugs). {SLUGS_NOTE}",
    )
    relationships: list[RelationshipKind] | None = strawberry.field(
        default=None, description="Only institutions with a relationship of these kinds."
    )
    text: str | None = strawberry.field(
        default=None,
        description="Name or acronym contains this text (any language, accents ignored). "
        + TEXT_NOTE,
    )


# What a list reads when a request gives no filter or no order: made once, not per request
# (the resolvers' criteria are frozen; nothing assigns to an order input once built).
ALL_OFFICES = office_queries.OfficeFilter()
ALL_COUNTRIES = country_queries.CountryFilter()
ALL_INSTITUTIONS = institution_queries.InstitutionFilter()
DEFAULT_OFFICE_ORDER = RegionalOfficeOrder()
DEFAULT_COUNTRY_ORDER = CountryOrder()
DEFAULT_INSTITUTION_ORDER = InstitutionOrder()


def office_filter(where: RegionalOfficeFilter) -> office_queries.OfficeFilter:
    """The criteria ``where`` gives, each checked and normalised."""
    return office_queries.OfficeFilter(
        slugs=slug_list(where.slugs, "filter.slugs"),
        confidence=enum_values(where.confidence),  # type: ignore[arg-type]
        host_country_codes=code_list(where.host_country_codes, "filter.hostCountryCodes"),
        text=filter_text(where.text, "filter.text"),
    )


def country_filter(where: CountryFilter) -> country_queries.CountryFilter:
    """The criteria ``where`` gives, each checked and normalised."""
    return country_queries.CountryFilter(
        codes=code_list(where.codes, "filter.codes"),
        office_slugs=slug_list(where.offices, "filter.offices"),
        supported=where.supported,
        text=filter_text(where.text, "filter.text"),
    )


def institution_filter(where: InstitutionFilter) -> institution_queries.InstitutionFilter:
    """The criteria ``where`` gives, each checked and normalised."""
    return institution_queries.InstitutionFilter(
        slugs=slug_list(where.slugs, "filter.slugs"),
        kinds=enum_values(where.kinds),  # type: ignore[arg-type]
        office_slugs=slug_list(where.offices, "filter.offices"),
        relationship_kinds=enum_values(where.relationships),  # type: ignore[arg-type]
        text=filter_text(where.text, "filter.text"),
    )


def slug_list(values: list[str] | None, argument: str) -> list[str] | None:
    """A list of slugs as stored (trimmed, lower-case, as ``slug_value``): at most
    MAX_FILTER_VALUES, each at most MAX_SLUG_LENGTH long."""
    if values is None:
        return None
    check_count(values, argument)
    return [slug_value(value, argument) for value in values]


def code_list(values: list[str] | None, argument: str) -> list[str] | None:
    """A list of country codes, each normalised (two or three ASCII letters)."""
    if values is None:
        return None
    check_count(values, argument)
    return [country_queries.normalise_code(value, argument) for value in values]


def check_count(values: list[str], argument: str) -> None:
    if len(values) > MAX_FILTER_VALUES:
        raise UserInputError(
            f"`{argument}` lists {len(values)} values; at most {MAX_FILTER_VALUES} are accepted",
            argument,
        )


def filter_text(value: str | None, argument: str) -> str | None:
    return None if value is None else check_length(value, argument, MAX_FILTER_TEXT_LENGTH)


def slug_value(value: str, argument: str = "slug") -> str:
    """A slug as stored: trimmed, lower-case."""
    return check_length(value, argument, MAX_SLUG_LENGTH).strip().lower()


def enum_values(values: list[Enum] | None) -> list[str] | None:
    return None if values is None else [str(v.value) for v in values]
