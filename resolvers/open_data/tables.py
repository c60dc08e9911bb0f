"""The tables of the package and their Table Schemas: each column once, with its type and
meaning; the keys that tie the tables together; the function of ``rows`` that fills each.
``package`` writes every table of ``TABLES``: a table declared here is shipped.

A text column (a name, a title) is in the package's language when the dataset has it in that
language; else in the first of en, fr, es that it has (GraphQL's fallback), and the column
``<text>_language`` beside it says which language it is in: a fallback is a row whose
``<text>_language`` differs from the package's language.
"""

from collections.abc import Callable
from dataclasses import dataclass

from resolvers.open_data.rows import (
    Row,
    Selection,
    country_rows,
    coverage_rows,
    institution_rows,
    leadership_rows,
    link_rows,
    office_rows,
    source_rows,
    succession_rows,
)


@dataclass(frozen=True, slots=True)
class Column:
    """One column: name, Table Schema type, description, and whether a value is required."""

    name: str
    type: str
    description: str
    required: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """One resource of the package: its columns, primary key, the function building its rows
    and foreign keys (a column, the table it refers to and that table's column)."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    rows: Callable[[Selection], list[Row]]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _text(name: str, description: str, required: bool = False) -> tuple[Column, Column]:
    """A text column and the column naming the language it is in."""
    return (
        Column(name, "string", description, required),
        Column(
            f"{name}_language",
            "string",
            f"The language `{name}` is in: the package's, or the fallback (en, fr, es) when "
            "the dataset has no text in the package's language; empty when there is no text.",
        ),
    )


def _bound(bound: str, meaning: str) -> tuple[Column, ...]:
    return (
        Column(bound, "string", f"{meaning}, a partial date (`2024`, `2024-01`, `2024-01-15`)."),
        Column(f"{bound}_precision", "string", "`year`, `month` or `day`."),
        Column(f"{bound}_source_url", "string", "The page that states it."),
        Column(f"{bound}_quote", "string", "The page's phrase that states it."),
        Column(f"{bound}_unknown", "string", f"Why `{bound}` is empty, when it is."),
    )


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
        *_text("name", "Name of the office.", required=True),
        *_text("city", "City the office is in."),
        *_text("location", "Where the office is based when no page names a city."),
        *_text("region", "The region the office covers."),
        Column("host_country", "string", "Country the office is in: " + _COUNTRY, required=True),
        Column("seed_heading", "string", "The office's heading on the seed page."),
        Column(
            "in_force",
            "string",
            "`certain` or `uncertain` (the day falls in a period known only to the year or "
            "month) on the package's day; empty in the package of every period.",
        ),
        *_bound("valid_from", "When the office began"),
        *_bound("valid_until", "When the office ended"),
        Column("coverage_confidence", "string", "How sure the list of supported countries is."),
        Column("coverage_method", "string", "How that list was established."),
        Column("coverage_source_url", "string", "The page the list comes from."),
        Column("status_note", "string", "Change since the seed page (2024 reorganisation)."),
        Column("notes", "string", "A note on the seed page's text about this office."),
    ),
    ("slug",),
    office_rows,
    (("host_country", "countries", "alpha3"),),
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
        *_text("name", "Name of the country.", required=True),
        Column("note", "string", "Why the country is listed, when it is not an ISO one."),
    ),
    ("alpha3",),
    country_rows,
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
    coverage_rows,
    (("office", "offices", "slug"), ("country", "countries", "alpha3")),
)

INSTITUTIONS = Table(
    "institutions",
    "Institutions",
    "The bodies, processes and initiatives the seed page names.",
    (
        Column("slug", "string", _SLUG, required=True),
        Column("kind", "string", "What sort of institution it is.", required=True),
        Column("parent", "string", "The institution it belongs to (institutions.slug)."),
        *_text("name", "Name of the institution.", required=True),
        *_text("acronym", "Its acronym."),
        Column("acronym_in_seed", "string", "The acronym exactly as the seed page writes it."),
        Column("generic", "boolean", "True for a generic mention (e.g. governments)."),
        Column("iom_internal", "boolean", "True for a part of IOM itself."),
        Column("confidence", "string", "How sure its identification is."),
        Column("notes", "string", "Renamings and other notes."),
    ),
    ("slug",),
    institution_rows,
    (("parent", "institutions", "slug"),),
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
    link_rows,
    (("office", "offices", "slug"), ("institution", "institutions", "slug")),
)

LEADERSHIP = Table(
    "leadership",
    "Leadership",
    "The Director General, the deputies and the offices of the Director General's cabinet.",
    (
        Column("slug", "string", _SLUG, required=True),
        Column("kind", "string", "`position` or `office`.", required=True),
        Column("rank", "integer", "Order of precedence."),
        Column("reports_to", "string", "The unit it reports to (leadership.slug)."),
        *_text("title", "Title of the position or office.", required=True),
        Column("holder_name", "string", "Who holds the position, as an IOM page names them."),
        Column("holder_interim", "boolean", "True when the holder is acting."),
        Column("holder_source_url", "string", "The page naming the holder."),
        Column("holder_note", "string", "A note on the holder."),
        Column("notes", "string", "A note on the unit."),
    ),
    ("slug",),
    leadership_rows,
    (("reports_to", "leadership", "slug"),),
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
    succession_rows,
    (("predecessor", "offices", "slug"), ("successor", "offices", "slug")),
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
    source_rows,
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
