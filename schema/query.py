"""The root Query type: entry points into the graph, one class of root fields per domain
(organisation, offices, countries, institutions, leadership, notes, global IDs and search),
composed into ``Query`` at the end of this module."""

from typing import Annotated

import strawberry

from resolvers.arguments import (
    MAX_ACRONYM_LENGTH,
    check_length,
)
from resolvers.bounds import COUNTRIES, INSTITUTIONS, OFFICES
from resolvers.errors import UserInputError
from resolvers.pagination import PageRequest
from resolvers.validity import offices_in_force
from schema.batch import BatchQueries, country_code
from schema.context import Info
from schema.country import Country
from schema.dataset import DatasetQueries
from schema.dataset_history import DatasetHistoryQueries
from schema.extensions.field_bounds import bounded
from schema.filters import (
    ALL_COUNTRIES,
    ALL_INSTITUTIONS,
    ALL_OFFICES,
    DEFAULT_COUNTRY_ORDER,
    DEFAULT_INSTITUTION_ORDER,
    DEFAULT_OFFICE_ORDER,
    SLUG_NOTE,
    CountryFilter,
    CountryOrder,
    InstitutionFilter,
    InstitutionOrder,
    OrderDirection,
    RegionalOfficeFilter,
    RegionalOfficeOrder,
    country_filter,
    institution_filter,
    office_filter,
    slug_value,
)
from schema.institution import Institution
from schema.leadership_and_note_queries import DataQualityNoteQueries, LeadershipQueries
from schema.node import NodeQueries
from schema.organisation import Organisation
from schema.pagination import After, Before, Connection, First, Last, connection
from schema.regional_office import RegionalOffice
from schema.validity import AsOf, answer_day

# A list whose arguments are refused is null with its error; the request's other root fields
# are answered (hence nullable).
MALFORMED_NOTE = "null, with a `BAD_USER_INPUT` error, when an argument is malformed."


@strawberry.type(description="Root fields on the organisation.")
class OrganisationQueries:
    @strawberry.field(description="The organisation (IOM), the root of the whole structure.")
    def organisation(self, info: Info) -> Organisation:
        record = info.context.dataset.organisation
        if record is None:
            raise LookupError("the database holds no dataset")
        return Organisation.from_record(record)


@strawberry.type(description="Root fields on regional offices.")
class RegionalOfficeQueries:
    @strawberry.field(
        description="A regional office by slug (e.g. `nairobi`), in force or not (old slugs "
        "never break: see `inForce`, `successors`); null if unknown."
    )
    def regional_office(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description=f"The office's slug. {SLUG_NOTE}")],
    ) -> RegionalOffice | None:
        record = info.context.loaders.office_by_slug.load(slug_value(slug))
        return RegionalOffice.from_record(record) if record else None

    @strawberry.field(
        metadata=bounded(OFFICES),
        description="Regional offices in force on the day asked for, filtered and ordered; "
        f"{MALFORMED_NOTE}",
    )
    def regional_offices(
        self,
        info: Info,
        as_of: AsOf = None,
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
    ) -> Connection[RegionalOffice] | None:
        order = order_by or DEFAULT_OFFICE_ORDER
        records = info.context.dataset.lists.offices(
            ALL_OFFICES if filter is None else office_filter(filter),
            str(order.field.value),
            order.direction is OrderDirection.DESC,
            info.context.languages,
        )
        day = answer_day(info, as_of, None)
        return connection(
            offices_in_force(records, day),
            PageRequest(first, after, last, before, info.context.page_limits),
            lambda record: RegionalOffice.from_record(record, day),
        )


@strawberry.type(description="Root fields on countries.")
class CountryQueries:
    @strawberry.field(
        description="A country by ISO 3166-1 alpha-2 or alpha-3 code, any case (`ke`, `KEN`); "
        "null if unknown."
    )
    def country(
        self,
        info: Info,
        code: Annotated[
            str,
            strawberry.argument(description="Alpha-2 or alpha-3 code: two or three ASCII letters."),
        ],
    ) -> Country | None:
        record = info.context.loaders.country_by_code.load(country_code(info, code, "code"))
        return Country.from_record(record) if record else None

    @strawberry.field(
        metadata=bounded(COUNTRIES),
        description="Countries (all of ISO 3166-1 plus Kosovo), filtered and ordered; "
        f"{MALFORMED_NOTE}",
    )
    def countries(
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
    ) -> Connection[Country] | None:
        order = order_by or DEFAULT_COUNTRY_ORDER
        records = info.context.dataset.lists.countries(
            ALL_COUNTRIES if filter is None else country_filter(filter),
            str(order.field.value),
            order.direction is OrderDirection.DESC,
            info.context.languages,
        )
        return connection(
            records,
            PageRequest(first, after, last, before, info.context.page_limits),
            Country.from_record,
        )


@strawberry.type(description="Root fields on institutions.")
class InstitutionQueries:
    @strawberry.field(
        description="An institution by slug (`escwa`) or by acronym in any language (`CESAO`), "
        "current or former (`OACPS`, `OFID`); "
        "give exactly one. An acronym shared by several institutions is an error naming them."
    )
    def institution(
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
            record = info.context.loaders.institution_by_slug.load(slug_value(slug))
            return Institution.from_record(record) if record else None
        acronym = check_length(acronym or "", "acronym", MAX_ACRONYM_LENGTH)
        matches = info.context.dataset.lists.institutions_by_acronym(acronym)
        if len(matches) > 1:
            slugs = ", ".join(m.slug for m in matches)
            raise UserInputError(
                f"acronym {acronym!r} is shared by {len(matches)} institutions ({slugs}): "
                "ask by `slug`",
                "acronym",
            )
        return Institution.from_record(matches[0]) if matches else None

    @strawberry.field(
        metadata=bounded(INSTITUTIONS),
        description=f"Institutions, filtered and ordered; {MALFORMED_NOTE}",
    )
    def institutions(
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
    ) -> Connection[Institution] | None:
        order = order_by or DEFAULT_INSTITUTION_ORDER
        records = info.context.dataset.lists.institutions(
            ALL_INSTITUTIONS if filter is None else institution_filter(filter),
            str(order.field.value),
            order.direction is OrderDirection.DESC,
            info.context.languages,
        )
        return connection(
            records,
            PageRequest(first, after, last, before, info.context.page_limits),
            Institution.from_record,
        )


# The SDL lists the fields in the order of these bases.
@strawberry.type(description="Entry points into the IOM structure graph.")
class Query(
    OrganisationQueries,
    RegionalOfficeQueries,
    CountryQueries,
    InstitutionQueries,
    LeadershipQueries,
    DataQualityNoteQueries,
    NodeQueries,
    DatasetQueries,
    DatasetHistoryQueries,
    BatchQueries,
):
    pass
