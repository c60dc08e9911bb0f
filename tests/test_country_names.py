"""Country names by language and where each comes from: ISO 3166-1 (pycountry) where it gives
one, else Unicode CLDR through babel (a named source, MEDIUM)."""

from babel.core import get_cldr_version

from tests.conftest import Execute

QUERY = """
query Names($code: String!, $lang: Language!) {
  country(code: $code) {
    name(lang: $lang)
    localizedText(field: NAME, lang: $lang) {
      text language isFallback confidence source { kind url note }
    }
  }
}
"""
CLDR_NOTE = f"Unicode CLDR {get_cldr_version()} territory name"


async def _name(execute: Execute, code: str, lang: str) -> dict[str, object]:
    result = await execute(QUERY, {"code": code, "lang": lang})
    assert result.errors is None
    return result.data["country"]  # type: ignore[index,no-any-return]


async def test_algeria_in_spanish_comes_from_cldr(execute: Execute) -> None:
    country = await _name(execute, "DZA", "ES")
    assert country["name"] == "Argelia"
    text = country["localizedText"]
    assert (text["text"], text["language"], text["isFallback"], text["confidence"]) == (  # type: ignore[index]
        "Argelia",
        "ES",
        False,
        "MEDIUM",
    )
    source = text["source"]  # type: ignore[index]
    assert (source["kind"], source["url"]) == ("CLDR", None)
    assert source["note"].startswith(CLDR_NOTE)


async def test_iso_names_are_kept_where_iso_gives_one(execute: Execute) -> None:
    country = await _name(execute, "DZA", "FR")
    assert country["name"] == "Algérie"
    assert country["localizedText"]["source"]["kind"] == "REFERENCE_DATA"  # type: ignore[index]
    country = await _name(execute, "PE", "ES")
    assert country["name"] == "Perú"
    assert country["localizedText"]["source"]["kind"] == "REFERENCE_DATA"  # type: ignore[index]


async def test_kosovo_has_cldr_names_in_french_and_spanish(execute: Execute) -> None:
    for lang in ("FR", "ES"):
        country = await _name(execute, "XK", lang)
        assert country["name"] == "Kosovo"
        text = country["localizedText"]
        assert (text["isFallback"], text["source"]["kind"]) == (False, "CLDR")  # type: ignore[index]
    english = await _name(execute, "XK", "EN")
    assert english["name"] == "Kosovo (UNSC resolution 1244)"


async def test_no_spanish_country_name_falls_back_to_english(execute: Execute) -> None:
    page = """query Page($after: String) { countries(first: 100, after: $after) {
        pageInfo { endCursor hasNextPage }
        nodes { localizedText(field: NAME, lang: ES) { isFallback source { kind } } } } }"""
    nodes: list[dict[str, dict[str, object]]] = []
    after = None
    while True:
        result = await execute(page, {"after": after})
        assert result.errors is None
        countries = result.data["countries"]  # type: ignore[index]
        nodes += countries["nodes"]
        if not countries["pageInfo"]["hasNextPage"]:
            break
        after = countries["pageInfo"]["endCursor"]
    kinds = [node["localizedText"]["source"]["kind"] for node in nodes]  # type: ignore[index]
    assert (len(nodes), sum(bool(n["localizedText"]["isFallback"]) for n in nodes)) == (250, 0)
    assert (kinds.count("CLDR"), kinds.count("REFERENCE_DATA")) == (84, 166)
