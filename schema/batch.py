"""Batch lookups: several countries, offices or institutions by key in one root field, one
item per key in the order given. A key that names nothing is null with a ``NOT_FOUND`` error at
its item's path; a malformed key is null with ``BAD_USER_INPUT`` there; the other items stay.

graphql-core reports an ``Exception`` returned as a list item at that item's path and nulls
only that item (``complete_value``); that is how each item carries its own error here.
"""

from typing import Annotated

import strawberry

from db.vocabulary import SubjectType
from resolvers import country as country_queries
from resolvers import institution as institution_queries
from resolvers import search as search_queries
from resolvers.arguments import MAX_ACRONYM_LENGTH, check_length
from resolvers.errors import NotFoundError, UserInputError
from resolvers.search_match import MatchKind
from schema.context import Info
from schema.country import Country
from schema.extensions.field_bounds import ArgumentLength, bounded
from schema.filters import SLUG_NOTE, check_count, slug_value
from schema.institution import Institution
from schema.regional_office import RegionalOffice
from schema.validity import AsOf

BATCH_NOTE = (
    "One item per key, in the order given (at most 300): null, with an error at that item's "
    "path, for a key that names nothing (`NOT_FOUND`) or is malformed (`BAD_USER_INPUT`); the "
    "other items are unaffected."
)


SEARCH_HINT = "To find a country by its name, use `search(text:)`."


def country_code(info: Info, code: str, argument: str) -> str:
    """``code`` normalised; a value that is no code is refused with a way forward: the
    ``search(text:)`` field, and the code of the one country whose name it is, if one is."""
    try:
        return country_queries.normalise_code(code, argument)
    except UserInputError as error:
        suggestion = _code_named(info, code)
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        raise UserInputError(
            f"{error}{hint} {SEARCH_HINT}",
            argument,
            {"search": "search(text:)"} | ({"didYouMean": suggestion} if suggestion else {}),
        ) from None


def _code_named(info: Info, text: str) -> str | None:
    """The alpha-2 code of the one country whose name, in any language, is ``text``."""
    if not 2 <= len(text.strip()) <= 100:
        return None
    hits = search_queries.search(info.context.dataset.search_terms, text)
    exact = [
        hit.subject_id
        for hit in hits
        if hit.subject_type == SubjectType.COUNTRY and hit.match.kind is MatchKind.EXACT
    ]
    if len(exact) != 1:
        return None
    record = info.context.loaders.country_by_id.load(exact[0])
    return record.alpha2 if record else None


def _found(value: object, what: str, key: str, argument: str) -> object:
    if value is None:
        return NotFoundError(f"`{argument}`: no {what} {key!r}", argument, {"value": key})
    return value


def _checked_acronym(acronym: str) -> str | UserInputError:
    try:
        return check_length(acronym, "acronyms", MAX_ACRONYM_LENGTH)
    except UserInputError as error:
        return error


@strawberry.type(description="Root fields that look several entities up at once, in order.")
class BatchQueries:
    @strawberry.field(
        metadata=bounded(ArgumentLength("codes")),
        description="Countries by ISO 3166-1 alpha-2 or alpha-3 code, any case. " + BATCH_NOTE,
    )
    def countries_by_code(
        self,
        info: Info,
        codes: Annotated[list[str], strawberry.argument(description="Codes (`KE`, `egy`).")],
        as_of: AsOf = None,
    ) -> list[Country | None] | None:
        check_count(codes, "codes")
        items: list[Country | Exception] = []
        for code in codes:
            try:
                normalised = country_code(info, code, "codes")
            except UserInputError as error:
                items.append(error)
                continue
            record = info.context.loaders.country_by_code.load(normalised)
            found = _found(record, "country with code", code, "codes")
            items.append(Country.from_record(record, as_of) if record else found)  # type: ignore[arg-type]
        return items  # type: ignore[return-value]

    @strawberry.field(
        metadata=bounded(ArgumentLength("slugs")),
        description=f"Regional offices by slug. {SLUG_NOTE} {BATCH_NOTE}",
    )
    def regional_offices_by_slug(
        self,
        info: Info,
        slugs: Annotated[list[str], strawberry.argument(description="Slugs (`nairobi`).")],
        as_of: AsOf = None,
    ) -> list[RegionalOffice | None] | None:
        check_count(slugs, "slugs")
        items: list[RegionalOffice | Exception] = []
        for slug in slugs:
            try:
                record = info.context.loaders.office_by_slug.load(slug_value(slug, "slugs"))
            except UserInputError as error:
                items.append(error)
                continue
            found = _found(record, "office with slug", slug, "slugs")
            items.append(RegionalOffice.from_record(record, as_of) if record else found)  # type: ignore[arg-type]
        return items  # type: ignore[return-value]

    @strawberry.field(
        metadata=bounded(ArgumentLength("acronyms")),
        description="Institutions by acronym in any language, current or former, any case "
        "(`CESAO`, `oacps`); an acronym shared by several institutions is a `BAD_USER_INPUT` "
        f"error at its item naming them. {BATCH_NOTE}",
    )
    async def institutions_by_acronym(
        self,
        info: Info,
        acronyms: Annotated[
            list[str],
            strawberry.argument(description=f"Acronyms, each at most {MAX_ACRONYM_LENGTH} long."),
        ],
    ) -> list[Institution | None] | None:
        check_count(acronyms, "acronyms")
        checked = [_checked_acronym(acronym) for acronym in acronyms]
        well_formed = [acronym for acronym in checked if isinstance(acronym, str)]
        ids = await info.context.db.run(
            institution_queries.institution_ids_by_acronyms, info.context.db, well_formed
        )
        items: list[Institution | Exception] = []
        for acronym in checked:
            if isinstance(acronym, Exception):
                items.append(acronym)
                continue
            matches = [
                info.context.loaders.institution_by_id.found[institution_id]
                for institution_id in ids.get(acronym.strip().upper(), [])
            ]
            if len(matches) > 1:
                slugs = ", ".join(match.slug for match in matches)
                items.append(
                    UserInputError(
                        f"`acronyms`: {acronym!r} is shared by {len(matches)} institutions "
                        f"({slugs}): ask by slug",
                        "acronyms",
                        {"value": acronym},
                    )
                )
                continue
            record = matches[0] if matches else None
            found = _found(record, "institution with acronym", acronym, "acronyms")
            items.append(Institution.from_record(record) if record else found)  # type: ignore[arg-type]
        return items  # type: ignore[return-value]
