"""The reverse walk (``benchmark.shapes``, ``benchmark.probe_shapes``): a country, the office
supporting it, that office's institutions, and every office each institution works with (in force
or not on both sides: links carry no dates), with the fields asked of the institutions and of
their offices; each server's query built from the country's alpha-2 code and those fields."""

from collections.abc import Iterable, Mapping
from typing import Any

from benchmark.peer_queries import Tree, in_force, only, upper_enums, without


def iom_graph_query(code: str, institution: str, office: str) -> str:
    return (
        f'query ReverseWalk {{ country(code: "{code}") {{ alpha3 regionalOffice {{ slug '
        f"institutions(first: 100) {{ edges {{ relationship node {{ {institution} "
        f"regionalOffices(first: 100) {{ edges {{ relationship node {{ {office} }} }} }} }} }} }}"
        " } } }"
    )


def postgraphile_query(code: str, institution: str, office: str) -> str:
    return (
        f'query ReverseWalk {{ allCountries(condition: {{ alpha2: "{code}" }}) {{ nodes {{ '
        "alpha3 offices: officeCountriesByCountryId { nodes { office: regionalOfficeByOfficeId { "
        "slug kind validUntil links: officeInstitutionLinksByOfficeId(orderBy: RANK_ASC) { nodes { "
        f"relationshipKind institution: institutionByInstitutionId {{ {institution} "
        "links: officeInstitutionLinksByInstitutionId { nodes { relationshipKind "
        f"office: regionalOfficeByOfficeId {{ {office} }} }} }} }} }} }} }} }} }} }} }} }}"
    )


def _by_slug(edges: Iterable[Tree]) -> list[Tree]:
    """An institution's offices as a set: neither server orders them the other's way."""
    return sorted(edges, key=lambda edge: (edge["slug"], edge["relationship"]))


def iom_graph_tree(data: Mapping[str, Any]) -> Tree:
    country = data["country"]
    office = country["regionalOffice"]
    institutions = [
        {
            **without(edge["node"], "regionalOffices"),
            "relationship": edge["relationship"],
            "offices": _by_slug(
                {**e["node"], "relationship": e["relationship"]}
                for e in edge["node"]["regionalOffices"]["edges"]
            ),
        }
        for edge in office["institutions"]["edges"]
    ]
    return {"alpha3": country["alpha3"], "office": office["slug"], "institutions": institutions}


def postgraphile_tree(data: Mapping[str, Any]) -> Tree:
    country = only(data["allCountries"]["nodes"], "country")
    offices = [row["office"] for row in country["offices"]["nodes"]]
    office = only([o for o in offices if in_force(o)], "office")
    institutions = [
        {
            **without(link["institution"], "links"),
            "relationship": link["relationshipKind"],
            "offices": _by_slug(
                {**back["office"], "relationship": back["relationshipKind"].upper()}
                for back in link["institution"]["links"]["nodes"]
            ),
        }
        for link in office["links"]["nodes"]
    ]
    tree: Tree = upper_enums(
        {"alpha3": country["alpha3"], "office": office["slug"], "institutions": institutions}
    )
    return tree
