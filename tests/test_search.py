"""``search`` finds any entity by name, acronym or code, ignoring accents and case, tolerating
typos, best matches first, and says how each matched."""

import pytest

from resolvers.database import count_statements
from tests.conftest import Execute
from tests.dataset_facts import example

QUERY = example("05-search")
MATCHES = """
query Matches($text: String!, $first: Int) {
  search(text: $text, first: $first) {
    totalCount
    edges {
      match { kind score term }
      node {
        ... on Organisation { slug }
        ... on RegionalOffice { slug }
        ... on LeadershipPosition { slug }
        ... on Institution { slug }
        ... on Country { alpha3 }
      }
    }
  }
}
"""
Found = tuple[str, str, float, str]  # key of the entity, kind, score, term matched


async def _matches(execute: Execute, text: str, first: int = 100) -> tuple[int, list[Found]]:
    result = await execute(MATCHES, {"text": text, "first": first})
    assert result.errors is None
    found = result.data["search"]  # type: ignore[index]
    return found["totalCount"], [
        (
            edge["node"].get("slug") or edge["node"]["alpha3"],
            edge["match"]["kind"],
            edge["match"]["score"],
            edge["match"]["term"],
        )
        for edge in found["edges"]
    ]


async def _hits(execute: Execute, text: str) -> list[tuple[str, str]]:
    result = await execute(QUERY, {"text": text})
    assert result.errors is None
    nodes = result.data["search"]["nodes"]  # type: ignore[index]
    return [(n["__typename"], n.get("slug") or n.get("alpha3") or n["name"]) for n in nodes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("oim", [("Organisation", "International Organization for Migration")]),
        ("Egypte", [("Country", "EGY")]),
        ("ÉGYPTE", [("Country", "EGY")]),
        ("cedeao", [("Institution", "ecowas")]),
        ("kenia", [("Country", "KEN")]),
        ("nairobi", [("RegionalOffice", "nairobi"), ("Institution", "unon")]),
        ("CEI", [("Institution", "cei"), ("Institution", "cis")]),
        (
            "Directrice generale adjointe",
            [  # both start with the text; the shorter, closer title first
                ("LeadershipPosition", "ddg-operations"),
                ("LeadershipPosition", "ddg-management-reform"),
            ],
        ),
        ("zzzz", []),
    ],
)
async def test_search(execute: Execute, text: str, expected: list[tuple[str, str]]) -> None:
    assert await _hits(execute, text) == expected


@pytest.mark.parametrize("text", ["a", " ", "  ", "x" * 101, "ß" * 101])
async def test_search_text_length_is_bounded(execute: Execute, text: str) -> None:
    result = await execute(QUERY, {"text": text})
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "argument": "text"}


async def test_search_text_length_is_the_clients_own(execute: Execute) -> None:
    """100 characters as sent are accepted even where folding lengthens them ("ß" -> "ss":
    200); the error counts what the client sent (it said "got 200" for 100)."""
    accepted = await execute(QUERY, {"text": "ß" * 100})
    assert accepted.errors is None
    refused = await execute(QUERY, {"text": "ß" * 101})
    assert refused.errors is not None
    assert refused.errors[0].message == "search text must be 2 to 100 characters long (got 101)"


async def test_like_wildcards_are_literal(execute: Execute) -> None:
    assert await _hits(execute, "%%") == []
    assert await _hits(execute, "__") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Nairobbi",
            [
                ("nairobi", "FUZZY", 93.3, "nairobi"),
                ("unon", "FUZZY", 93.3, "united nations office at nairobi"),
            ],
        ),
        ("Mercosul", [("mercosur", "FUZZY", 87.5, "mercosur")]),
        ("Geneve", [("iom", "FUZZY", 83.3, "geneva")]),  # the headquarters' city
        ("Bruxeles", [("brussels", "FUZZY", 94.1, "bruxelles")]),
        ("Perou", [("PER", "EXACT", 100.0, "perou")]),
        # Typos are looked for only when nothing is spelt as asked: no "America" here (equal
        # scores: the shorter term, then the first alphabetically, is the one shown).
        ("Americas", [("americas", "WORD", 40.0, "oficina regional de las americas")]),
        ("Amy Pope", [("director-general", "WORD", 84.2, "amy e. pope")]),  # the holder
        # UK is exceptionally reserved for the United Kingdom (ISO 3166-1): GB first.
        ("UK", [("GBR", "EXACT", 100.0, "gb"), ("UKR", "PREFIX", 80.0, "ukr")]),
        ("ken", [("KEN", "EXACT", 100.0, "ken")]),  # alpha-3 codes are indexed too
    ],
)
async def test_matches_say_how_they_matched(
    execute: Execute, text: str, expected: list[Found]
) -> None:
    total, found = await _matches(execute, text)
    assert found == expected
    assert total == len(expected)


async def test_un_finds_acronyms_first_and_never_letters_inside_a_word(execute: Execute) -> None:
    total, found = await _matches(execute, "UN")
    assert total == 22  # was 53, with "Community" and "Tunisia"
    assert [(key, kind, score) for key, kind, score, _ in found[:9]] == [
        ("unov", "PREFIX", 66.7),
        ("unon", "PREFIX", 66.7),
        ("unep", "PREFIX", 66.7),
        ("unodc", "PREFIX", 57.1),
        ("unido", "PREFIX", 57.1),
        ("unoca", "PREFIX", 57.1),
        ("unowas", "PREFIX", 50.0),
        ("unasur", "PREFIX", 50.0),
        ("un-habitat", "PREFIX", 33.3),
    ]
    # Then "United ...": the UN entities whose names do not start with "UN" by their kind.
    assert found[9:15] == [
        ("USA", "PREFIX", 26.7, "united states"),
        ("escap", "PREFIX", 25.0, "united nations"),
        ("escwa", "PREFIX", 25.0, "united nations"),
        ("eclac", "PREFIX", 25.0, "united nations"),
        ("celade", "PREFIX", 25.0, "united nations"),
        ("GBR", "PREFIX", 25.0, "united kingdom"),
    ]
    assert found[-2:] == [
        (
            "regional-un-system-meeting-eca",
            "WORD",
            7.1,
            "regional un system meeting for europe and central asia",
        ),
        (
            "un-regional-migration-group-eha",
            "WORD",
            6.7,
            "migration working group for regional un partners (unnamed)",
        ),
    ]


async def test_words_match_across_a_name(execute: Execute) -> None:
    total, found = await _matches(execute, "Nations Unies")
    # The twelve UN entities first, by their kind (ESCWA's, ECLAC's and UN-Habitat's names do not
    # say "Nations Unies": "Commission économique et sociale pour l'Asie occidentale",
    # "ONU-Habitat"), in the seed page's order; then the names holding both words.
    assert total == 16
    assert [(key, kind, term) for key, kind, _, term in found[:12]] == [
        (key, "EXACT", "nations unies")
        for key in (
            "escap",
            "unov",
            "unodc",
            "unido",
            "escwa",
            "unowas",
            "unoca",
            "unon",
            "unep",
            "un-habitat",
            "eclac",
            "celade",
        )
    ]
    assert [(key, kind) for key, kind, *_ in found[12:]] == [
        ("junima", "WORD"),
        ("regional-un-system-meeting-eca", "WORD"),
        ("un-regional-migration-group-eha", "WORD"),
        ("unsdg-wca", "WORD"),
    ]


@pytest.mark.parametrize(
    ("text", "statements"),
    [
        # Terms and entities found alike come from the dataset in memory.
        ("UK", 0),
        ("Nairobbi", 0),
        ("UN", 0),  # 22 results
    ],
)
async def test_search_runs_no_statement(execute: Execute, text: str, statements: int) -> None:
    with count_statements() as counter:
        await _matches(execute, text)
    assert counter.count == statements


async def test_country_code_uk_is_the_united_kingdom(execute: Execute) -> None:
    result = await execute(
        '{ uk: country(code: "uk") { alpha2 alpha3 } gb: country(code: "GB") { alpha2 } }'
    )
    assert result.errors is None
    assert result.data == {"uk": {"alpha2": "GB", "alpha3": "GBR"}, "gb": {"alpha2": "GB"}}
