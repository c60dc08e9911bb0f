"""Statements of the seed page that are edges (issue 12, "Seed fidelity"): each with its
relationship kind and its exact phrase, found through the API."""

from tests.conftest import Execute

OFFICE_LINKS = """
query OfficeLinks($slug: String!, $relationship: RelationshipKind) {
  regionalOffice(slug: $slug) {
    institutions(relationship: $relationship) {
      edges { relationship node { slug } evidence { phrase governingPhrase } }
    }
  }
}
"""
INSTITUTION_OFFICES = """
query InstitutionOffices($slug: String!) {
  institution(slug: $slug) {
    regionalOffices { edges { relationship node { slug } evidence { phrase } } }
  }
}
"""


async def _edges(execute: Execute, query: str, path: str, **variables: object) -> list[object]:
    result = await execute(query, dict(variables))
    assert result.errors is None, result.errors
    first, second = path.split(".")
    edges: list[object] = result.data[first][second]["edges"]  # type: ignore[index]
    return edges


async def test_dakar_promotes_midwa_and_midcas(execute: Execute) -> None:
    edges = await _edges(
        execute, OFFICE_LINKS, "regionalOffice.institutions", slug="dakar", relationship="PROMOTES"
    )
    assert edges == [
        {
            "relationship": "PROMOTES",
            "node": {"slug": "midwa"},
            "evidence": {
                "phrase": "promeut et appuie des processus de dialogue régionaux tels que le "
                "Dialogue sur la migration pour l’Afrique de l’Ouest",
                "governingPhrase": None,
            },
        },
        {
            "relationship": "PROMOTES",
            "node": {"slug": "midcas"},
            "evidence": {
                "phrase": "ou le Dialogue sur la migration pour les États de l’Afrique centrale",
                "governingPhrase": "promeut et appuie des processus de dialogue régionaux tels que",
            },
        },
    ]


async def test_midwa_is_both_supported_and_promoted_by_dakar(execute: Execute) -> None:
    edges = await _edges(execute, INSTITUTION_OFFICES, "institution.regionalOffices", slug="midwa")
    assert [(e["relationship"], e["node"]["slug"]) for e in edges] == [  # type: ignore[index]
        ("SUPPORTS", "dakar"),
        ("PROMOTES", "dakar"),
    ]


async def test_what_cairo_does_with_escwa_includes_the_co_chairing(execute: Execute) -> None:
    edges = await _edges(execute, INSTITUTION_OFFICES, "institution.regionalOffices", slug="escwa")
    assert [
        (e["node"]["slug"], e["relationship"], e["evidence"]["phrase"])  # type: ignore[index]
        for e in edges
    ] == [
        ("cairo", "RELATIONS", "et la Commission économique et sociale pour l’Asie occidentale"),
        (
            "cairo",
            "CO_CHAIRS_WITH",
            "la Commission économique et sociale pour l’Asie occidentale – avec laquelle l’OIM "
            "copréside le Groupe de travail interinstitutions sur la migration internationale "
            "dans la région arabe",
        ),
    ]


async def test_brussels_states_six_relationships_with_the_eu_and_the_global_office_one(
    execute: Execute,
) -> None:
    edges = await _edges(execute, INSTITUTION_OFFICES, "institution.regionalOffices", slug="eu")
    assert [(e["node"]["slug"], e["relationship"]) for e in edges] == [  # type: ignore[index]
        ("brussels", "LIAISON"),
        ("brussels", "COORDINATES_APPROACHES"),
        ("brussels", "NEGOTIATION_CONSULTATION"),
        ("brussels", "LIAISON"),
        ("brussels", "SUPPORTS"),
        ("brussels", "RELATIONS"),
        # Not the seed's: the Global Office's own page (issue 23), in English.
        ("global-office-brussels", "LIAISON"),
    ]
    edges = [e for e in edges if e["node"]["slug"] == "brussels"]  # type: ignore[index]
    phrases = {e["relationship"]: e["evidence"]["phrase"] for e in edges}  # type: ignore[index]
    assert phrases["COORDINATES_APPROACHES"] == (
        "coordination des approches institutionnelles de l’OIM concernant les politiques et les "
        "activités liées à l’Union européenne"
    )
    assert phrases["RELATIONS"] == (
        "aide aux fins de renforcement des relations et des contacts de l’OIM avec les "
        "institutions de l’Union européenne"
    )


AGENDA = """
{
  organisation {
    statements {
      slug relationship evidence { phrase language sourceUrl }
      institution { slug name(lang: EN) frenchName: name(lang: FR) kind }
    }
  }
  institution(slug: "agenda-2030") {
    organisationStatements { relationship organisation { slug } }
    regionalOffices { totalCount }
  }
}
"""


async def test_the_organisation_supports_the_2030_agenda(execute: Execute) -> None:
    result = await execute(AGENDA)
    assert result.errors is None, result.errors
    assert result.data == {
        "organisation": {
            "statements": [
                {
                    "slug": "statement-001",
                    "relationship": "SUPPORTS",
                    "evidence": {
                        "phrase": "l'OIM joue un rôle clé pour soutenir la réalisation du "
                        "Programme 2030",
                        "language": "fr",
                        "sourceUrl": "https://iom.int/fr/bureaux-regionaux",
                    },
                    "institution": {
                        "slug": "agenda-2030",
                        "name": "2030 Agenda for Sustainable Development",
                        "frenchName": "Programme 2030",
                        "kind": "OTHER",
                    },
                }
            ]
        },
        "institution": {
            "organisationStatements": [
                {"relationship": "SUPPORTS", "organisation": {"slug": "iom"}}
            ],
            "regionalOffices": {"totalCount": 0},
        },
    }
