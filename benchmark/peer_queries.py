"""The queries iom-graph and PostGraphile both answer, and the leaf-by-leaf check of two answers.

PostGraphile's generated schema mirrors the tables: ``allOrganisations``, ``*By<ForeignKey>``
relations, enum columns as their stored slugs. It has no relation to ``translation``, so texts
(names, cities, acronyms) are left out of both queries. Its side uses aliases so that most of its
answer already has iom-graph's shape; ``postgraphile_tree`` does the rest (the one organisation
out of ``nodes``, the coverage columns grouped, each country out of its ``office_country`` row,
enum slugs in upper case). ``compare`` then walks both trees leaf by leaf.

In force on iom-graph's side (``regionalOffices`` without ``asOf`` is today) is, on
PostGraphile's, ``kind = regional_office`` and no end date; both order offices and institution
links by ``rank``. Countries are compared as a set (sorted by ``alpha3`` in both trees):
PostGraphile cannot order ``office_country`` rows by a column of ``country`` without a plugin.
"""

from collections.abc import Iterator, Mapping
from typing import Any

COUNTRY_FIELDS = "alpha2 alpha3 numeric isIso"
INSTITUTION_FIELDS = "slug kind acronymInSeed generic iomInternal confidence"

NESTED_IOM_GRAPH = f"""query NestedStructure {{
  organisation {{
    slug foundedYear memberStates countriesPresent partOfUnSystem
    regionalOffices(first: 100) {{
      nodes {{
        slug rank kind seedHeading
        coverage {{ confidence sourceUrl method derived }}
        hostCountry {{ {COUNTRY_FIELDS} }}
        countries(first: 100) {{ nodes {{ {COUNTRY_FIELDS} coverageInferred }} }}
        institutions(first: 100) {{
          edges {{ relationship node {{ {INSTITUTION_FIELDS} }} }}
        }}
      }}
    }}
  }}
}}"""

NESTED_POSTGRAPHILE = f"""query NestedStructure {{
  organisation: allOrganisations {{
    nodes {{
      slug foundedYear memberStates countriesPresent partOfUnSystem: unSystemMember
      regionalOffices: regionalOfficesByOrganisationId(
        condition: {{ kind: "regional_office", validUntil: null }}
        orderBy: RANK_ASC
      ) {{
        nodes {{
          slug rank kind seedHeading
          coverageConfidence coverageSourceUrl coverageMethod coverageDerived
          hostCountry: countryByHostCountryId {{ {COUNTRY_FIELDS} }}
          countries: officeCountriesByOfficeId {{
            nodes {{
              coverageInferred: inferred
              country: countryByCountryId {{ {COUNTRY_FIELDS} }}
            }}
          }}
          institutions: officeInstitutionLinksByOfficeId(orderBy: RANK_ASC) {{
            edges: nodes {{
              relationship: relationshipKind
              node: institutionByInstitutionId {{ {INSTITUTION_FIELDS} }}
            }}
          }}
        }}
      }}
    }}
  }}
}}"""

LOOKUP_SLUG = "nairobi"
LOOKUP_IOM_GRAPH = (
    f'query OfficeBySlug {{ regionalOffice(slug: "{LOOKUP_SLUG}") '
    "{ slug rank hostCountry { alpha2 alpha3 } } }"
)
# The slug's index is unique but not a constraint, so PostGraphile makes no
# ``regionalOfficeBySlug``: the lookup is a condition on the (indexed) column instead.
LOOKUP_POSTGRAPHILE = (
    f'query OfficeBySlug {{ allRegionalOffices(condition: {{ slug: "{LOOKUP_SLUG}" }}) '
    "{ nodes { slug rank hostCountry: countryByHostCountryId { alpha2 alpha3 } } } }"
)

ENUM_LEAVES = frozenset({"kind", "relationship", "confidence"})

Tree = dict[str, Any]


class AnswersDifferError(AssertionError):
    """The two servers' answers disagree on at least one leaf."""


def only(nodes: list[Any], what: str) -> Any:
    if len(nodes) != 1:
        raise AnswersDifferError(f"expected one {what}, PostGraphile answered {len(nodes)}")
    return nodes[0]


def _enum_leaf(key: str, value: Any) -> Any:
    return value.upper() if key in ENUM_LEAVES and isinstance(value, str) else upper_enums(value)


def upper_enums(value: Any) -> Any:
    """Enum slugs (``regional_office``) as iom-graph's enum values (``REGIONAL_OFFICE``)."""
    if isinstance(value, dict):
        return {key: _enum_leaf(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [upper_enums(item) for item in value]
    return value


def by_alpha3(countries: list[Tree]) -> list[Tree]:
    return sorted(countries, key=lambda country: str(country["alpha3"]))


def _postgraphile_office(office: Tree) -> Tree:
    coverage = {
        "confidence": office.pop("coverageConfidence"),
        "sourceUrl": office.pop("coverageSourceUrl"),
        "method": office.pop("coverageMethod"),
        "derived": office.pop("coverageDerived"),
    }
    countries = [
        {**row["country"], "coverageInferred": row["coverageInferred"]}
        for row in office["countries"]["nodes"]
    ]
    return {
        **office,
        "coverage": None if coverage["confidence"] is None else coverage,
        "countries": {"nodes": by_alpha3(countries)},
    }


def postgraphile_tree(data: Mapping[str, Any]) -> Tree:
    """PostGraphile's ``data`` of ``NESTED_POSTGRAPHILE`` in the shape of iom-graph's."""
    organisation = dict(only(data["organisation"]["nodes"], "organisation"))
    offices = organisation["regionalOffices"]["nodes"]
    organisation["regionalOffices"] = {"nodes": [_postgraphile_office(dict(o)) for o in offices]}
    tree: Tree = upper_enums({"organisation": organisation})
    return tree


def iom_graph_tree(data: Mapping[str, Any]) -> Tree:
    """iom-graph's ``data`` of ``NESTED_IOM_GRAPH``, its countries sorted by ``alpha3``."""
    organisation = dict(data["organisation"])
    offices = [
        {**office, "countries": {"nodes": by_alpha3(office["countries"]["nodes"])}}
        for office in organisation["regionalOffices"]["nodes"]
    ]
    return {"organisation": {**organisation, "regionalOffices": {"nodes": offices}}}


def lookup_tree(data: Mapping[str, Any]) -> Tree:
    """Either server's office by slug as ``{"office": {...}}``, enum slugs in upper case."""
    if "regionalOffice" in data:
        return {"office": data["regionalOffice"]}
    tree: Tree = upper_enums({"office": only(data["allRegionalOffices"]["nodes"], "office")})
    return tree


def in_force(office: Mapping[str, Any]) -> bool:
    """PostGraphile's side of "in force today": a regional office with no end date."""
    return office["kind"] == "regional_office" and office["validUntil"] is None


def without(node: Mapping[str, Any], *keys: str) -> Tree:
    """``node`` less ``keys``: the fields a query asked only to find or to walk on."""
    return {key: value for key, value in node.items() if key not in keys}


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of a JSON tree with its path (``a.b[2].c``); an empty list is a leaf."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}[{index}]")
    else:
        yield path, value


_ABSENT = object()


def _typed(value: Any) -> tuple[type, Any]:
    """A leaf with its type: ``1`` and ``True`` (or ``1`` and ``1.0``) are different answers."""
    return type(value), value


def compare(expected: Tree, actual: Tree) -> int:
    """The number of leaves when both trees hold the same leaves; else AnswersDifferError."""
    mine, theirs = dict(leaves(expected)), dict(leaves(actual))
    differences = [
        f"{path}: iom-graph {mine.get(path, '<absent>')!r}, "
        f"PostGraphile {theirs.get(path, '<absent>')!r}"
        for path in sorted(mine.keys() | theirs.keys())
        if _typed(mine.get(path, _ABSENT)) != _typed(theirs.get(path, _ABSENT))
    ]
    if differences:
        shown = "; ".join(differences[:5])
        raise AnswersDifferError(f"{len(differences)} leaves differ, e.g. {shown}")
    return len(mine)
