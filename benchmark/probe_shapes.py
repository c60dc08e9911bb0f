"""Probe shapes: questions a client would send that the tuned shapes (``benchmark.shapes``) do not.

Issue 26 sets its targets against PostGraphile (per process: every lookup at least 0.8x, lists,
pages and walks at least 1.0x) and warns that "an independent rerun with query shapes you have
not seen will check these". These shapes are such a rerun, kept apart from the tuned ones:
``python -m benchmark --only probe`` runs them (neither the default run nor ``--only
postgraphile`` does), and the report gives them a table of their own. Each asks for another
office, country, key, order, page, filter or set of fields than any tuned shape, and each is
checked equal leaf by leaf before it is timed, as the tuned ones are.

Left out as for the tuned set (``shapes.NOT_COMPARED``): a text filter on countries, and
countries' names (PostGraphile has neither); so page 3 is ordered by alpha-2, not by name.
"""

from collections.abc import Mapping
from typing import Any

from benchmark import reverse_walk
from benchmark.peer_queries import COUNTRY_FIELDS as COUNTRY
from benchmark.peer_queries import Tree, by_alpha3, lookup_tree, only, upper_enums
from benchmark.shapes import (
    LOOKUP_TARGET,
    Shape,
    aliased_nodes,
    country_peer,
    cursor_page,
    page_nodes,
)

PREFIX = "probe: "  # every probe's name starts so, and no tuned shape's does
OFFICE_WITH_COUNTRIES = "pretoria"
COUNTRY_ALPHA3 = "THA"
OFFICE_WITH_INSTITUTIONS = "cairo"
REVERSE_CODE = "ML"
INSTITUTION_KIND = "intergovernmental_organization"
# Ten offices, in force or not (2024 mergers), each by its own alias; the tuned lookup's
# nairobi and the liaison office left out.
ALIASED_OFFICES = (
    *("bangkok", "brussels", "vienna", "cairo", "dakar", "pretoria", "buenos-aires"),
    *("san-jose", "europe-central-asia", "americas"),
)
INSTITUTION = "slug kind acronymInSeed"


# An office by slug with every country it supports (compared as a set, by alpha-3).
OFFICE_IOM = (
    f'query OfficeWithCountries {{ regionalOffice(slug: "{OFFICE_WITH_COUNTRIES}") {{ slug rank '
    f"hostCountry {{ alpha3 }} countries(first: 100) {{ nodes {{ {COUNTRY} coverageInferred }} }}"
    " } }"
)
OFFICE_PEER = (
    "query OfficeWithCountries { allRegionalOffices(condition: "
    f'{{ slug: "{OFFICE_WITH_COUNTRIES}" }}) {{ nodes {{ slug rank hostCountry: '
    "countryByHostCountryId { alpha3 } countries: officeCountriesByOfficeId { nodes { "
    f"coverageInferred: inferred country: countryByCountryId {{ {COUNTRY} }} }} }} }} }} }}"
)


def _office_iom(data: Mapping[str, Any]) -> Tree:
    office = data["regionalOffice"]
    return {"office": {**office, "countries": by_alpha3(office["countries"]["nodes"])}}


def _office_peer(data: Mapping[str, Any]) -> Tree:
    office = only(data["allRegionalOffices"]["nodes"], "office")
    rows = office["countries"]["nodes"]
    countries = [{**r["country"], "coverageInferred": r["coverageInferred"]} for r in rows]
    return {"office": {**office, "countries": by_alpha3(countries)}}


# A country by alpha-3 code, with its office's institutions (in the links' rank order).
ALPHA3_IOM = (
    f'query CountryInstitutions {{ country(code: "{COUNTRY_ALPHA3}") {{ {COUNTRY} '
    "regionalOffice { slug rank institutions(first: 100) { edges { relationship "
    f"node {{ {INSTITUTION} }} }} }} }} }} }}"
)
ALPHA3_PEER = (
    f'query CountryInstitutions {{ allCountries(condition: {{ alpha3: "{COUNTRY_ALPHA3}" }}) '
    f"{{ nodes {{ {COUNTRY} offices: officeCountriesByCountryId {{ nodes {{ office: "
    "regionalOfficeByOfficeId { slug rank kind validUntil institutions: "
    "officeInstitutionLinksByOfficeId(orderBy: RANK_ASC) { edges: nodes { relationship: "
    f"relationshipKind node: institutionByInstitutionId {{ {INSTITUTION} }} }} }} }} }} }} }} }} }}"
)

# Page 3 of all countries by alpha-2, ascending, 20 a page (iom-graph by cursor, PostGraphile
# by offset).
PAGE_SIZE = 20
PAGE_IOM = cursor_page(
    "countries", "orderBy: { field: ALPHA2, direction: ASC }", PAGE_SIZE, 3, COUNTRY, "Page3"
)
PAGE_PEER = (
    f"query Page3 {{ allCountries(orderBy: ALPHA2_ASC, first: {PAGE_SIZE}, "
    f"offset: {2 * PAGE_SIZE}) {{ nodes {{ {COUNTRY} }} }} }}"
)

# Page 2 of the institutions of one kind, by slug, 10 a page.
KIND_SIZE = 10
KIND_FIELDS = f"{INSTITUTION} generic iomInternal"
KIND_IOM = cursor_page(
    "institutions",
    f"filter: {{ kinds: [{INSTITUTION_KIND.upper()}] }}, orderBy: {{ field: SLUG }}",
    KIND_SIZE,
    2,
    KIND_FIELDS,
    "InstitutionsOfKind",
)
KIND_PEER = (
    f'query InstitutionsOfKind {{ allInstitutions(condition: {{ kind: "{INSTITUTION_KIND}" }}, '
    f"orderBy: SLUG_ASC, first: {KIND_SIZE}, offset: {KIND_SIZE}) "
    f"{{ nodes {{ {KIND_FIELDS} }} }} }}"
)


def _kind_peer(data: Mapping[str, Any]) -> Tree:
    tree: Tree = upper_enums(page_nodes(data))
    return tree


# The institutions one office works with, and how, with their acronyms.
INSTITUTIONS_IOM = (
    f'query OfficeInstitutions {{ regionalOffice(slug: "{OFFICE_WITH_INSTITUTIONS}") {{ slug '
    f"institutions(first: 100) {{ edges {{ relationship node {{ {INSTITUTION} }} }} }} }} }}"
)
INSTITUTIONS_PEER = (
    "query OfficeInstitutions { allRegionalOffices(condition: "
    f'{{ slug: "{OFFICE_WITH_INSTITUTIONS}" }}) {{ nodes {{ slug institutions: '
    "officeInstitutionLinksByOfficeId(orderBy: RANK_ASC) { edges: nodes { relationship: "
    f"relationshipKind node: institutionByInstitutionId {{ {INSTITUTION} }} }} }} }} }} }}"
)

# Ten offices by slug in one document, by alias.
ALIASES_IOM = (
    "query OfficeAliases { "
    + " ".join(
        f'o{i}: regionalOffice(slug: "{slug}") {{ slug rank kind hostCountry {{ alpha2 alpha3 }} }}'
        for i, slug in enumerate(ALIASED_OFFICES)
    )
    + " }"
)
ALIASES_PEER = (
    "query OfficeAliases { "
    + " ".join(
        f'o{i}: allRegionalOffices(condition: {{ slug: "{slug}" }}) {{ nodes {{ slug rank kind '
        "hostCountry: countryByHostCountryId { alpha2 alpha3 } } }"
        for i, slug in enumerate(ALIASED_OFFICES)
    )
    + " }"
)


def _aliases_peer(data: Mapping[str, Any]) -> Tree:
    tree: Tree = upper_enums(aliased_nodes(data))
    return tree


# The offices in force today, by rank, each with its host country and how many countries it
# supports.
SUMMARY_IOM = (
    "query OfficeSummary { regionalOffices(orderBy: { field: RANK }, first: 100) { totalCount "
    "nodes { slug rank kind hostCountry { alpha3 } countries { totalCount } } } }"
)
SUMMARY_PEER = (
    'query OfficeSummary { allRegionalOffices(condition: { kind: "regional_office", '
    "validUntil: null }, orderBy: RANK_ASC) { totalCount nodes { slug rank kind hostCountry: "
    "countryByHostCountryId { alpha3 } countries: officeCountriesByOfficeId { totalCount } } } }"
)


def _summary(data: Mapping[str, Any]) -> Tree:
    (offices,) = data.values()
    tree: Tree = upper_enums({"offices": offices})
    return tree


PROBE_SHAPES: tuple[Shape, ...] = (
    Shape(
        f"{PREFIX}office by slug ({OFFICE_WITH_COUNTRIES}), its countries",
        OFFICE_IOM,
        OFFICE_PEER,
        _office_iom,
        _office_peer,
        LOOKUP_TARGET,
    ),
    Shape(
        f"{PREFIX}country by alpha-3 ({COUNTRY_ALPHA3}), its office's institutions",
        ALPHA3_IOM,
        ALPHA3_PEER,
        dict,
        country_peer,
        LOOKUP_TARGET,
    ),
    Shape(
        f"{PREFIX}page 3 of the countries by alpha-2", PAGE_IOM, PAGE_PEER, page_nodes, page_nodes
    ),
    Shape(
        f"{PREFIX}page 2 of the institutions of one kind, by slug",
        KIND_IOM,
        KIND_PEER,
        page_nodes,
        _kind_peer,
    ),
    Shape(
        f"{PREFIX}institutions of one office ({OFFICE_WITH_INSTITUTIONS}), with acronyms",
        INSTITUTIONS_IOM,
        INSTITUTIONS_PEER,
        lookup_tree,
        lookup_tree,
        LOOKUP_TARGET,
    ),
    Shape(
        f"{PREFIX}reverse walk from {REVERSE_CODE}, kinds and host countries",
        reverse_walk.iom_graph_query(REVERSE_CODE, "slug kind", "slug hostCountry { alpha3 }"),
        reverse_walk.postgraphile_query(
            REVERSE_CODE, "slug kind", "slug hostCountry: countryByHostCountryId { alpha3 }"
        ),
        reverse_walk.iom_graph_tree,
        reverse_walk.postgraphile_tree,
    ),
    Shape(
        f"{PREFIX}{len(ALIASED_OFFICES)} offices by alias",
        ALIASES_IOM,
        ALIASES_PEER,
        dict,
        _aliases_peer,
        LOOKUP_TARGET,
    ),
    Shape(
        f"{PREFIX}offices in force, their country counts",
        SUMMARY_IOM,
        SUMMARY_PEER,
        _summary,
        _summary,
    ),
)
