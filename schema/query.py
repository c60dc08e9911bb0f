"""The root Query type: entry points into the graph."""

import asyncio
from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay

from resolvers import country as country_queries
from resolvers import institution as institution_queries
from resolvers import provenance as provenance_queries
from resolvers import regional_office as office_queries
from resolvers import search as search_queries
from resolvers.arguments import (
    MAX_ACRONYM_LENGTH,
    MAX_FILTER_TEXT_LENGTH,
    MAX_ID_LENGTH,
    MAX_SLUG_LENGTH,
    check_length,
)
from resolvers.errors import UserInputError
from resolvers.organisation import the_organisation
from resolvers.pagination import PageRequest
from schema.context import Info
from schema.country import Country
from schema.institution import Institution, InstitutionKind
from schema.leadership import LeadershipPosition
from schema.link import RelationshipKind
from schema.node import node_for_subject, resolve_global_ids
from schema.organisation import Organisation
from schema.pagination import After, Before, Connection, First, Last, connection
from schema.provenance import Confidence, DataQualityNote, Severity
from schema.regional_office import RegionalOffice

MAX_FILTER_VALUES = 300
SLUG_NOTE = f"At most {MAX_SLUG_LENGTH} characters."
SLUGS_NOTE = f"At most {MAX_FILTER_VALUES} values of at most {MAX_SLUG_LENGTH} characters each."
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


def _bounded(values: list[str] | None, argument: str) -> list[str] | None:
    """A list of slugs: at most MAX_FILTER_VALUES, each at most MAX_SLUG_LENGTH long."""
    if values is None:
        return None
    _check_count(values, argument)
    return [check_length(value, argument, MAX_SLUG_LENGTH) for value in values]


def _codes(values: list[str] | None, argument: str) -> list[str] | None:
    """A list of country codes, each normalised (two or three ASCII letters)."""
    if values is None:
        return None
    _check_count(values, argument)
    return [country_queries.normalise_code(value, argument) for value in values]


def _check_count(values: list[str], argument: str) -> None:
    if len(values) > MAX_FILTER_VALUES:
        raise UserInputError(
            f"`{argument}` lists {len(values)} values; at most {MAX_FILTER_VALUES} are accepted",
            argument,
        )


def _text(value: str | None, argument: str) -> str | None:
    return None if value is None else check_length(value, argument, MAX_FILTER_TEXT_LENGTH)


def _slug(value: str, argument: str = "slug") -> str:
    """A slug as stored: trimmed, lower-case."""
    return check_length(value, argument, MAX_SLUG_LENGTH).strip().lower()


def _enum_values(values: list[Enum] | None) -> list[str] | None:
    return None if values is None else [str(v.value) for v in values]


@strawberry.type(description="Entry points into the IOM structure graph.")
class Query:
    @strawberry.field(description="The organisation (IOM), the root of the whole structure.")
    async def organisation(self, info: Info) -> Organisation:
        db = info.context.db
        record = await db.run(the_organisation, db)
        if record is None:
            raise LookupError("the database holds no dataset")
        info.context.loaders.organisation_by_id.prime(record.id, record)
        return Organisation.from_record(record)

    @strawberry.field(description="A regional office by slug (e.g. `nairobi`); null if unknown.")
    async def regional_office(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description=f"The office's slug. {SLUG_NOTE}")],
    ) -> RegionalOffice | None:
        record = await info.context.loaders.office_by_slug.load(_slug(slug))
        return RegionalOffice.from_record(record) if record else None

    @strawberry.field(description="Regional offices, filtered and ordered.")
    async def regional_offices(
        self,
        info: Info,
        filter: Annotated[
            RegionalOfficeFilter | None, strawberry.argument(description="Criteria.")
        ] = None,
        order_by: Annotated[
            RegionalOfficeOrder | None, strawberry.argument(description="Order.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[RegionalOffice]:
        where = filter or RegionalOfficeFilter()
        order = order_by or RegionalOfficeOrder()
        records = await info.context.db.run(
            office_queries.list_offices,
            info.context.db,
            office_queries.OfficeFilter(
                slugs=_bounded(where.slugs, "filter.slugs"),
                confidence=_enum_values(where.confidence),  # type: ignore[arg-type]
                host_country_codes=_codes(where.host_country_codes, "filter.hostCountryCodes"),
                text=_text(where.text, "filter.text"),
            ),
            str(order.field.value),
            order.direction is OrderDirection.DESC,
            info.context.languages,
        )
        return connection(
            records,
            PageRequest(first, after, last, before, info.context.page_limits),
            RegionalOffice.from_record,
        )

    @strawberry.field(
        description="A country by ISO 3166-1 alpha-2 or alpha-3 code, any case (`ke`, `KEN`); "
        "null if unknown."
    )
    async def country(
        self,
        info: Info,
        code: Annotated[
            str,
            strawberry.argument(description="Alpha-2 or alpha-3 code: two or three ASCII letters."),
        ],
    ) -> Country | None:
        record = await info.context.loaders.country_by_code.load(
            country_queries.normalise_code(code)
        )
        return Country.from_record(record) if record else None

    @strawberry.field(
        description="Countries (all of ISO 3166-1 plus Kosovo), filtered and ordered."
    )
    async def countries(
        self,
        info: Info,
        filter: Annotated[
            CountryFilter | None, strawberry.argument(description="Criteria.")
        ] = None,
        order_by: Annotated[CountryOrder | None, strawberry.argument(description="Order.")] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Country]:
        where = filter or CountryFilter()
        order = order_by or CountryOrder()
        records = await info.context.db.run(
            country_queries.list_countries,
            info.context.db,
            country_queries.CountryFilter(
                codes=_codes(where.codes, "filter.codes"),
                office_slugs=_bounded(where.offices, "filter.offices"),
                supported=where.supported,
                text=_text(where.text, "filter.text"),
            ),
            str(order.field.value),
            order.direction is OrderDirection.DESC,
            info.context.languages,
        )
        return connection(
            records,
            PageRequest(first, after, last, before, info.context.page_limits),
            Country.from_record,
        )

    @strawberry.field(
        description="An institution by slug (`escwa`) or by acronym in any language (`CESAO`); "
        "give exactly one. An acronym shared by several institutions is an error naming them."
    )
    async def institution(
        self,
        info: Info,
        slug: Annotated[
            str | None, strawberry.argument(description=f"The institution's slug. {SLUG_NOTE}")
        ] = None,
        acronym: Annotated[
            str | None,
            strawberry.argument(
                description="An acronym, any language, any case. "
                f"At most {MAX_ACRONYM_LENGTH} characters."
            ),
        ] = None,
    ) -> Institution | None:
        if (slug is None) == (acronym is None):
            raise UserInputError("give exactly one of `slug` and `acronym`", "slug")
        if slug is not None:
            record = await info.context.loaders.institution_by_slug.load(_slug(slug))
            return Institution.from_record(record) if record else None
        acronym = check_length(acronym or "", "acronym", MAX_ACRONYM_LENGTH)
        matches = await info.context.db.run(
            institution_queries.institutions_by_acronym, info.context.db, acronym
        )
        if len(matches) > 1:
            slugs = ", ".join(m.slug for m in matches)
            raise UserInputError(
                f"acronym {acronym!r} is shared by {len(matches)} institutions ({slugs}): "
                "ask by `slug`",
                "acronym",
            )
        return Institution.from_record(matches[0]) if matches else None

    @strawberry.field(description="Institutions, filtered and ordered.")
    async def institutions(
        self,
        info: Info,
        filter: Annotated[
            InstitutionFilter | None, strawberry.argument(description="Criteria.")
        ] = None,
        order_by: Annotated[
            InstitutionOrder | None, strawberry.argument(description="Order.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Institution]:
        where = filter or InstitutionFilter()
        order = order_by or InstitutionOrder()
        records = await info.context.db.run(
            institution_queries.list_institutions,
            info.context.db,
            institution_queries.InstitutionFilter(
                slugs=_bounded(where.slugs, "filter.slugs"),
                kinds=_enum_values(where.kinds),  # type: ignore[arg-type]
                office_slugs=_bounded(where.offices, "filter.offices"),
                relationship_kinds=_enum_values(where.relationships),  # type: ignore[arg-type]
                text=_text(where.text, "filter.text"),
            ),
            str(order.field.value),
            order.direction is OrderDirection.DESC,
            info.context.languages,
        )
        return connection(
            records,
            PageRequest(first, after, last, before, info.context.page_limits),
            Institution.from_record,
        )

    @strawberry.field(description="A leadership position or office by slug; null if unknown.")
    async def leadership_position(
        self,
        info: Info,
        slug: Annotated[
            str, strawberry.argument(description=f"e.g. `director-general`. {SLUG_NOTE}")
        ],
    ) -> LeadershipPosition | None:
        record = await info.context.loaders.leadership_by_slug.load(_slug(slug))
        return LeadershipPosition.from_record(record) if record else None

    @strawberry.field(description="A data-quality note by slug; null if unknown.")
    async def data_quality_note(
        self,
        info: Info,
        slug: Annotated[
            str, strawberry.argument(description=f"e.g. `count-eight-vs-nine`. {SLUG_NOTE}")
        ],
    ) -> DataQualityNote | None:
        record = await info.context.loaders.note_by_slug.load(_slug(slug))
        return DataQualityNote.from_record(record) if record else None

    @strawberry.field(description="Every data-quality note of the reference, most severe first.")
    async def data_quality_notes(
        self,
        info: Info,
        severity: Annotated[
            list[Severity] | None, strawberry.argument(description="Only these severities.")
        ] = None,
    ) -> list[DataQualityNote]:
        severities = _enum_values(severity)  # type: ignore[arg-type]
        records = await info.context.db.run(
            provenance_queries.list_notes, info.context.db, severities
        )
        order = {"high": 0, "medium": 1, "low": 2}
        records.sort(key=lambda r: (order[r.severity], r.rank))
        return [DataQualityNote.from_record(r) for r in records]

    @strawberry.field(description="Any entity by its global ID; null if it no longer exists.")
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description=f"A global ID. At most {MAX_ID_LENGTH} characters."),
        ],
    ) -> relay.Node | None:
        return (await resolve_global_ids(info, [id], "id"))[0]

    @strawberry.field(
        description="Entities by global IDs, in order; null for those that do not exist."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description=f"Global IDs (at most 100), each at most {MAX_ID_LENGTH} characters."
            ),
        ],
    ) -> list[relay.Node | None]:
        if len(ids) > 100:
            raise UserInputError(f"`ids` lists {len(ids)} IDs; at most 100 are accepted", "ids")
        return await resolve_global_ids(info, ids, "ids")

    @strawberry.field(
        description="Find offices, countries, institutions, leadership positions and the "
        "organisation by name, acronym or code in any language, ignoring accents and case "
        "(`oim`, `Egypte`, `cedeao`). Exact matches first, then prefixes, then the rest."
    )
    async def search(
        self,
        info: Info,
        text: Annotated[str, strawberry.argument(description="2 to 100 characters.")],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[relay.Node]:
        hits = await info.context.db.run(search_queries.search, info.context.db, text)
        page = connection(
            hits, PageRequest(first, after, last, before, info.context.page_limits), lambda hit: hit
        )
        nodes = await asyncio.gather(
            *(node_for_subject(info, hit.subject_type, hit.subject_id) for hit in page.nodes)
        )
        for edge, node in zip(page.edges, nodes, strict=True):
            edge.node = node  # type: ignore[assignment]
        page.nodes = list(nodes)  # type: ignore[arg-type]
        return page  # type: ignore[return-value]
