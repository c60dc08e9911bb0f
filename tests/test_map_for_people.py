"""The map as a person meets it, in headless Chromium: the office panel beside the map on a
wide screen and a sheet over it on a narrow one, words for people (no editors' keys), IOM's
own page for each office, the disclaimer, a table that sorts and filters, texts the API has
only in English said to be so in French and Spanish, and no axe-core violation."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.a11y import axe_violations
from tests.browser import chromium
from tests.browser_watch import watched
from tests.live_server import start_server

pytestmark = pytest.mark.browser
SEED_DAY = "2020-01-01"
DISCLAIMER = {
    "en": "The boundaries and names shown and the designations used on this map do not imply "
    "official endorsement or acceptance by IOM.",
    "fr": "Les frontières et les noms indiqués et les désignations employées sur cette carte "
    "n’impliquent ni reconnaissance ni acceptation officielle de la part de l’OIM.",
}


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("map-people") / "map.sqlite3"
    with start_server(f"sqlite:///{database}") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_the_panel_opens_beside_the_map_with_iom_s_page_and_people_s_words(
    server_url: str, browser: Browser
) -> None:
    map_page = watched(browser, server_url)
    map_page.open(server_url, f"#asOf={SEED_DAY}")
    page = map_page.page
    page.locator("button.office[data-office=nairobi]").click()
    panel = page.locator("#panel[data-office=nairobi]")
    panel.wait_for()
    world, box = page.locator("#map").bounding_box(), panel.bounding_box()
    assert world is not None
    assert box is not None
    assert box["x"] >= world["x"] + world["width"]  # beside, not below
    assert box["y"] < world["y"] + world["height"]
    iom = page.locator("#panel a.iom-page")
    assert iom.inner_text() == "IOM’s page on this office"
    assert iom.get_attribute("href") == (
        "https://eastandhornofafrica.iom.int/regional-office-east-and-horn-africa"
    )
    text = panel.inner_text()
    for editors_word in ("Seed page", "seed_", "region_seed_phrase", "name (en)", "nairobi"):
        assert editors_word not in text
    assert "region, as IOM’s French page words it: " in text
    assert "IOM’s French page says: promeut les PCR pour les États de l’Afrique de l’Est" in text
    map_page.clean()


def test_no_link_where_the_data_has_no_iom_page(server_url: str, browser: Browser) -> None:
    map_page = watched(browser, server_url)
    map_page.open(server_url, f"#asOf={SEED_DAY}&office=san-jose")
    page = map_page.page
    page.locator("#panel[data-office=san-jose]").wait_for()
    assert page.locator("#panel a.iom-page").count() == 0  # its English name is not on iom.int
    map_page.clean()


def test_on_a_narrow_screen_the_panel_is_a_sheet_over_the_map(
    server_url: str, browser: Browser
) -> None:
    map_page = watched(browser, server_url, width=600)
    map_page.open(server_url, f"#asOf={SEED_DAY}&office=nairobi")
    page = map_page.page
    panel = page.locator("#panel[data-office=nairobi]")
    panel.wait_for()
    assert page.evaluate("getComputedStyle(document.getElementById('panel')).position") == "fixed"
    box = panel.bounding_box()
    assert box is not None
    assert (box["x"], box["width"]) == (0, 600)
    assert box["y"] + box["height"] == 860  # on the bottom edge of the screen
    assert box["height"] <= 0.6 * 860 + 1
    map_page.clean()


def test_the_disclaimer_is_shown_in_the_page_s_language(server_url: str, browser: Browser) -> None:
    for lang, wording in DISCLAIMER.items():
        map_page = watched(browser, server_url, locale=lang)
        map_page.open(server_url)
        disclaimer = map_page.page.locator("#disclaimer")
        expect(disclaimer).to_be_visible()
        assert disclaimer.inner_text() == wording
        map_page.clean()


def test_french_says_which_texts_are_only_in_english(server_url: str, browser: Browser) -> None:
    map_page = watched(browser, server_url, locale="fr-FR")
    map_page.open(server_url, f"#asOf={SEED_DAY}&office=bangkok")
    page = map_page.page
    page.locator("#panel[data-office=bangkok]").wait_for()
    method = page.locator("#panel span.method[lang=en]")
    assert method.inner_text().startswith("No stored IOM page listing the countries")
    assert page.locator("#panel .only-english").first.inner_text().strip() == (
        "(en anglais seulement)"
    )
    assert (
        page.locator("#panel .only-english[lang=fr]").count()
        == page.locator("#panel [lang=en]:not(blockquote)").count()
    )
    assert page.locator("#panel-title").inner_text() == "Bureau régional de Bangkok"
    page.locator("path.country[data-alpha3=THA]").focus()
    method_line = page.locator("#info span").last.inner_text()
    assert method_line.startswith("Comment la liste a été établie: No stored IOM page")
    assert method_line.endswith(" (en anglais seulement)")
    assert "La page de l’OIM dit : " not in page.locator("#panel").inner_text()
    assert page.locator("#panel .label").first.inner_text() == "La page de l’OIM dit: "
    map_page.clean()


def test_the_table_sorts_and_filters(server_url: str, browser: Browser) -> None:
    map_page = watched(browser, server_url)
    map_page.open(server_url, f"#asOf={SEED_DAY}")
    page = map_page.page
    page.locator("#table-view summary").click()
    first_names = "#table tbody tr:not([hidden]) th"

    page.locator("#table th[data-sort=country] button").click()
    assert page.locator("#table th[data-sort=country]").get_attribute("aria-sort") == "ascending"
    assert page.locator(first_names).first.inner_text() == "Afghanistan"
    page.locator("#table th[data-sort=country] button").click()
    assert page.locator("#table th[data-sort=country]").get_attribute("aria-sort") == "descending"
    assert page.locator(first_names).first.inner_text() == "Zimbabwe"

    page.locator("#table th[data-sort=confidence] button").click()
    assert page.locator("#table tbody tr td:nth-child(3)").first.inner_text() == "high"
    assert page.locator("#table tbody tr td:nth-child(3)").last.inner_text() == ""

    page.locator("#table-filter").fill("east and horn")
    rows = page.locator("#table tbody tr:not([hidden])")
    assert rows.count() == 10  # the ten countries of the Nairobi office
    assert {row.get_attribute("data-office") for row in rows.all()} == {"nairobi"}
    page.locator("#table-filter").fill("cote d'ivoire")
    assert [row.get_attribute("data-alpha3") for row in rows.all()] == ["CIV"]
    # The name people use: ISO's short name, not "Bolivia, Plurinational State of".
    page.locator("#table-filter").fill("bolivia")
    assert page.locator(first_names).all_inner_texts() == ["Bolivia"]
    assert page.locator("#table-toolbar").count() == 1  # room for the download button
    map_page.clean()


@pytest.mark.parametrize("width", [1280, 600])
def test_axe_finds_no_violation(server_url: str, browser: Browser, width: int) -> None:
    map_page = watched(browser, server_url, width=width)
    map_page.open(server_url, f"#asOf={SEED_DAY}&office=nairobi")
    page = map_page.page
    page.locator("#panel[data-office=nairobi]").wait_for()
    page.locator("#table-view").evaluate("details => { details.open = true; }")
    assert axe_violations(page) == []
    map_page.clean()
