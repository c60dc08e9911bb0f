"""``lang`` arguments, the Accept-Language header and fallbacks between languages."""

import pytest

from service.request import parse_accept_language
from tests.conftest import Execute

QUERY = """
query Names($lang: Language) {
  regionalOffice(slug: "cairo") { name(lang: $lang) city(lang: $lang) region(lang: $lang) }
  institution(slug: "escwa") { name(lang: $lang) acronym(lang: $lang) }
  organisation { name(lang: $lang) acronym(lang: $lang) }
  country(code: "EG") { name(lang: $lang) }
  kosovo: country(code: "XK") { name(lang: $lang) }
  leadershipPosition(slug: "director-general") { title(lang: $lang) }
}
"""

ENGLISH = {
    "regionalOffice": {
        "name": "IOM Regional Office for the Middle East and North Africa",
        "city": "Cairo",
        "region": "Middle East and North Africa",
    },
    "institution": {
        "name": "United Nations Economic and Social Commission for Western Asia",
        "acronym": "ESCWA",
    },
    "organisation": {"name": "International Organization for Migration", "acronym": "IOM"},
    "country": {"name": "Egypt"},
    "kosovo": {"name": "Kosovo (UNSC resolution 1244)"},
    "leadershipPosition": {"title": "Director General"},
}
FRENCH = {
    "regionalOffice": {
        "name": "Bureau régional du Caire",
        "city": "Le Caire",
        # The label usable on its own; the seed's "du Moyen-Orient..." is regionSeedPhrase.
        "region": "Moyen-Orient et Afrique du Nord",
    },
    "institution": {
        "name": "Commission économique et sociale pour l’Asie occidentale",
        "acronym": "CESAO",
    },
    "organisation": {"name": "Organisation internationale pour les migrations", "acronym": "OIM"},
    "country": {"name": "Égypte"},
    "kosovo": {"name": "Kosovo"},  # Unicode CLDR's French name (issue 23), not the English
    "leadershipPosition": {"title": "Directrice générale"},
}


async def test_english_by_default(execute: Execute) -> None:
    result = await execute(QUERY)
    assert result.errors is None
    assert result.data == ENGLISH


async def test_lang_fr_gives_the_seed_pages_french(execute: Execute) -> None:
    result = await execute(QUERY, {"lang": "FR"})
    assert result.errors is None
    assert result.data == FRENCH


async def test_accept_language_decides_without_lang(execute: Execute) -> None:
    result = await execute(QUERY, languages=parse_accept_language("fr-CH, fr;q=0.9, en;q=0.8"))
    assert result.errors is None
    assert result.data == FRENCH


async def test_lang_overrides_accept_language(execute: Execute) -> None:
    result = await execute(QUERY, {"lang": "EN"}, languages=("fr",))
    assert result.data == ENGLISH


async def test_spanish_falls_back_along_the_chain(execute: Execute) -> None:
    spanish_then_english = await execute(QUERY, {"lang": "ES"})
    assert spanish_then_english.errors is None
    data = spanish_then_english.data
    assert data["organisation"] == {
        "name": "Organización Internacional para las Migraciones",
        "acronym": "OIM",
    }  # type: ignore[index]
    assert data["country"] == {"name": "Egipto"}  # type: ignore[index]
    # The city has a Spanish name (iom.int/es/estructura); name and region fall back to English.
    assert data["regionalOffice"] == {**ENGLISH["regionalOffice"], "city": "El Cairo"}  # type: ignore[index]
    spanish_then_french = await execute(QUERY, {"lang": "ES"}, languages=("fr",))
    assert spanish_then_french.data["regionalOffice"] == {
        **FRENCH["regionalOffice"],
        "city": "El Cairo",
    }  # type: ignore[index]
    assert spanish_then_french.data["institution"] == FRENCH["institution"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", ("fr", "en")),
        ("de, es;q=0.5, fr;q=0.7", ("fr", "es")),
        ("en;q=0, fr", ("fr",)),
        ("", ()),
        ("garbage;q=x", ()),
    ],
)
def test_accept_language_parsing(header: str, expected: tuple[str, ...]) -> None:
    assert parse_accept_language(header) == expected
