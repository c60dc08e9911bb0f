"""The tables of the package and their Table Schemas: each column once, with its type and
meaning; the keys that tie the tables together; where each table's rows come from (an
entity's: its records, read by its columns, ``columns``; a relation's: a function of
``rows``). ``package`` writes every table of ``TABLES``: a table declared here is shipped.
"""

from collections.abc import Callable
from typing import Any

from db.vocabulary import SubjectType
from resolvers.edges import Edges
from resolvers.open_data.columns import Column, Table, bound, text
from resolvers.open_data.rows import (
    Selection,
    coverage_rows,
    link_rows,
    source_rows,
    subject_names,
    succession_rows,
)
from resolvers.validity import in_force


def _in_force(selection: Selection, office: Any) -> str | None:
    state = in_force(office, selection.period) if selection.period else None
    return state.value if state else None


def _slug_by_id(
    name: str, description: str, by_id: Callable[[Edges], Any], id_field: str
) -> Column:
    """A column holding the slug of the record the record's ``id_field`` refers to (empty for
    none), found through the lookup ``by_id`` picks."""

    def read(selection: Selection, record: Any) -> str | None:
        record_id = getattr(record, id_field)
        found = by_id(selection.dataset.loaders).load(record_id) if record_id else None
        return found.slug if found else None

    return Column(name, "string", description, read=read)


_SLUG = "Natural key (the slug GraphQL takes)."
_OFFICE = "The office's slug (offices.slug)."
_COUNTRY = "ISO 3166-1 alpha-3 code (countries.alpha3)."

OFFICES = Table(
    "offices",
    "Offices",
    "IOM's regional offices and the Global Office in Brussels, in force on the package's day "
    "(every period: all of them), with their periods of validity.",
    (
        Column("slug", "string", _SLUG, required=True),
        Column("kind", "string", "`regional_office` or `liaison_office`.", required=True),
        Column("rank", "integer", "The seed page's order (1 to 9), then the 2024 offices."),
        *text("name", "Name of the office.", required=True),
        *text("city", "City the office is in."),
        *text("location", "Where the office is based when no page names a city."),
        *text("region", "The region the office covers."),
        Column(
            "host_country",
            "string",
            "Country the office is in: " + _COUNTRY,
            required=True,
            read=lambda selection, office: selection.country_code(office.host_country_id),
        ),
        Column("seed_heading", "string", "The office's heading on the seed page."),
        Column(
            "in_force",
            "string",
            "`certain` or `uncertain` (the day falls in a period known only to the year or "
            "month) on the package's day; empty in the package of every period.",
            read=_in_force,
        ),
        *bound("valid_from", "When the office began"),
        *bound("valid_until", "When the office ended"),
        Column("coverage_confidence", "string", "How sure the list of supported countries is."),
        Column("coverage_method", "string", "How that list was established."),
        Column("coverage_source_url", "string", "The page the list comes from."),
        Column("status_note", "string", "Change since the seed page (2024 reorganisation)."),
        Column("notes", "string", "A note on the seed page's text about this office."),
    ),
    ("slug",),
    (("host_country", "countries", "alpha3"),),
    records=Selection.offices,
    summary="IOM's offices",
    subject=SubjectType.OFFICE,
)

COUNTRIES = Table(
    "countries",
    "Countries",
    "ISO 3166-1 countries, and Kosovo (a user-assigned code the reference lists).",
    (
        Column("alpha3", "string", "ISO 3166-1 alpha-3 code.", required=True),
        Column("alpha2", "string", "ISO 3166-1 alpha-2 code.", required=True),
        Column("numeric", "string", "ISO 3166-1 numeric code; empty for Kosovo."),
        Column("is_iso", "boolean", "False for a code ISO 3166-1 does not assign.", True),
        *text("name", "Name of the country.", required=True),
        Column("note", "string", "Why the country is listed, when it is not an ISO one."),
    ),
    ("alpha3",),
    records=lambda selection: sorted(
        selection.dataset.loaders.country_by_id.found.values(), key=lambda c: c.alpha3
    ),
    subject=SubjectType.COUNTRY,
    summary="the countries they support",
)

OFFICE_COUNTRIES = Table(
    "office_countries",
    "Office coverage",
    "Which office supports which country: on the package's day, the office GraphQL answers "
    "for the country; in the package of every period, every office that ever supported it.",
    (
        Column("office", "string", _OFFICE, required=True),
        Column("country", "string", _COUNTRY, required=True),
        Column("inferred", "boolean", "True when no page lists this country for the office."),
        Column("confidence", "string", "How sure the office's list is (`high`, `medium`, `low`)."),
        Column("method", "string", "How the office's list was established."),
        Column("derived", "boolean", "True when the list is derived from other offices' lists."),
        Column("source_url", "string", "The page the office's list comes from."),
    ),
    ("office", "country"),
    (("office", "offices", "slug"), ("country", "countries", "alpha3")),
    build_rows=coverage_rows,
)

INSTITUTIONS = Table(
    "institutions",
    "Institutions",
    "The bodies, processes and initiatives the seed page names.",
    (
        Column("slug", "string", _SLUG, required=True),
        Column("kind", "string", "What sort of institution it is.", required=True),
        _slug_by_id(
            "parent",
            "The institution it belongs to (institutions.slug).",
            lambda loaders: loaders.institution_by_id,
            "parent_id",
        ),
        *text("name", "Name of the institution.", required=True),
        *text("acronym", "Its acronym."),
        Column("acronym_in_seed", "string", "The acronym exactly as the seed page writes it."),
        Column("generic", "boolean", "True for a generic mention (e.g. governments)."),
        Column("iom_internal", "boolean", "True for a part of IOM itself."),
        Column("confidence", "string", "How sure its identification is."),
        Column("notes", "string", "Renamings and other notes."),
    ),
    ("slug",),
    (("parent", "institutions", "slug"),),
    records=lambda selection: sorted(
        selection.dataset.loaders.institution_by_id.found.values(), key=lambda i: i.slug
    ),
    subject=SubjectType.INSTITUTION,
    summary="the institutions they work with",
)

LINKS = Table(
    "office_institutions",
    "Office-institution links",
    "Each relationship the seed page states between an office (of the package's offices) and "
    "an institution, with the page's own phrase.",
    (
        Column("slug", "string", _SLUG, required=True),
        Column("rank", "integer", "The seed page's order."),
        Column("office", "string", _OFFICE, required=True),
        Column("institution", "string", "The institution's slug (institutions.slug).", True),
        Column("relationship", "string", "The kind of relationship.", required=True),
        Column(
            "seed_phrase",
            "string",
            "The seed page's French phrase stating it; empty for a link the seed does not state.",
        ),
        Column("governing_seed_phrase", "string", "The phrase governing it, when separate."),
        Column("quote", "string", "For a link the seed does not state: its page's words."),
        Column("quote_language", "string", "The quote's language (ISO 639-1)."),
        Column("evidence_url", "string", "The page that states it.", required=True),
    ),
    ("slug",),
    (("office", "offices", "slug"), ("institution", "institutions", "slug")),
    build_rows=link_rows,
)

LEADERSHIP = Table(
    "leadership",
    "Leadership",
    "The Director General, the deputies and the offices of the Director General's cabinet.",
    (
        Column("slug", "string", _SLUG, required=True),
        Column("kind", "string", "`position` or `office`.", required=True),
        Column("rank", "integer", "Order of precedence."),
        _slug_by_id(
            "reports_to",
            "The unit it reports to (leadership.slug).",
            lambda loaders: loaders.leadership_by_id,
            "reports_to_id",
        ),
        *text("title", "Title of the position or office.", required=True),
        Column("holder_name", "string", "Who holds the position, as an IOM page names them."),
        Column("holder_interim", "boolean", "True when the holder is acting."),
        Column("holder_source_url", "string", "The page naming the holder."),
        Column("holder_note", "string", "A note on the holder."),
        Column("notes", "string", "A note on the unit."),
    ),
    ("slug",),
    (("reports_to", "leadership", "slug"),),
    records=lambda selection: sorted(
        selection.dataset.loaders.leadership_by_id.found.values(), key=lambda u: u.rank
    ),
    subject=SubjectType.LEADERSHIP,
    summary="its leadership",
)

SUCCESSIONS = Table(
    "successions",
    "Successions",
    "Which office followed which (the 2024 mergers and replacements), between offices both "
    "in the package (in a dated package: only in the uncertain year of a change).",
    (
        Column("predecessor", "string", _OFFICE, required=True),
        Column("successor", "string", _OFFICE, required=True),
        Column("kind", "string", "How the successor followed.", required=True),
        Column("confidence", "string", "How sure the succession is.", required=True),
        Column("source_url", "string", "The page that states it.", required=True),
        Column("quote", "string", "The page's phrase that states it.", required=True),
        Column("derivation", "string", "How it was inferred, when the quote does not say it."),
    ),
    ("predecessor", "successor"),
    (("predecessor", "offices", "slug"), ("successor", "offices", "slug")),
    build_rows=succession_rows,
)

SOURCES = Table(
    "sources",
    "Sources",
    "Where each fact of the package's subjects comes from: a page, the seed page's phrase, "
    "reference data or an editorial basis; a text's fact is `field (language)`.",
    (
        Column("subject_type", "string", "`organisation`, `office`, `country`...", True),
        Column("subject", "string", "The subject's slug (a country: its alpha-3 code).", True),
        Column("fact", "string", "The fact, e.g. `coverage` or `name (fr)`.", required=True),
        Column("url", "string", "The page it comes from."),
        Column("kind", "string", "What sort of source it is.", required=True),
        Column("seed_phrase", "string", "The seed page's exact phrase, when it is the seed."),
        Column("note", "string", "A note on the source, or the editorial basis."),
        Column("confidence", "string", "A text's confidence; empty for other facts."),
    ),
    ("subject_type", "subject", "fact"),
    build_rows=lambda selection: source_rows(selection, _subjects(selection)),
    summary="the sources of each fact",
)

TABLES: tuple[Table, ...] = (
    OFFICES,
    COUNTRIES,
    OFFICE_COUNTRIES,
    INSTITUTIONS,
    LINKS,
    LEADERSHIP,
    SUCCESSIONS,
    SOURCES,
)

_SUMMARIES = [table.summary for table in TABLES if table.summary]
CONTENTS = f"{', '.join(_SUMMARIES[:-1])} and {_SUMMARIES[-1]}"
"""What the package holds, for its description: each table's summary."""


def _subjects(selection: Selection) -> dict[tuple[str, int], str]:
    """The natural key of each subject the package holds, by (subject type, id): the records
    of its entity tables (their primary key), and the subjects without a table."""
    named = subject_names(selection)
    for table in TABLES:
        if table.subject is not None and table.records is not None:
            (key,) = table.primary_key
            for record in table.records(selection):
                named[(table.subject, record.id)] = getattr(record, key)
    return named
