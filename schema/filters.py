"""Filter and order inputs of the root lists, and the checks every text argument passes
(each has a documented maximum: an over-long value is BAD_USER_INPUT naming it)."""

from enum import Enum

import strawberry

from resolvers import country as country_queries
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


@strawberry.input(description="Order of regional offices.")
class RegionalOfficeOrder:
    field: RegionalOfficeOrderField = strawberry.field(
        default=RegionalOfficeOrderField.RANK, description="What to sort by."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Direction."
    )


@strawberry.input(description="Order of countries.")
class CountryOrder:
    field: CountryOrderField = strawberry.field(
        default=CountryOrderField.NAME, description="What to sort by."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Direction."
    )


@strawberry.input(description="Order of institutions.")
class InstitutionOrder:
    field: InstitutionOrderField = strawberry.field(
        default=InstitutionOrderField.NAME, description="What to sort by."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Direction."
    )


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
