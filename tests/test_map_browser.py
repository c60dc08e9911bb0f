"""The map at / in real headless Chromium: offline, coloured by the API's answers, usable
from the keyboard, in three languages, and linked to GraphiQL.

Set MAP_SCREENSHOTS to a folder to have the Peru test save both dates' screenshots there
(docs/map-2020.png and docs/map-today.png come from it).
"""

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Request as PlaywrightRequest

from tests.browser import chromium
from tests.browser_watch import attribute, watched
from tests.dataset_facts import NINE, office_countries, office_links
from tests.live_server import start_server

pytestmark = pytest.mark.browser
SEED_DAY = "2020-01-01"
NAIROBI = "IOM Regional Office for East and Horn of Africa"
OFFICES_QUERY = """query($asOf: Date) {
  regionalOffices(asOf: $asOf) { nodes { slug countries(first: 100) { nodes { alpha3 } } } }
}"""


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("map") / "map.sqlite3"
    with start_server(f"sqlite:///{database}") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_the_map_loads_offline_and_colours_kenya_as_nairobi(
    server_url: str, browser: Browser, record_property: Callable[[str, object], None]
) -> None:
    map_page = watched(browser, server_url)
    responses: list[tuple[str, int]] = []
    map_page.page.on("response", lambda r: responses.append((r.url, r.status)))
    first_render = map_page.open(server_url)
    print(f"\nmap: first render {first_render:.0f} ms after navigation (loopback)")
    record_property("first_render_ms", round(first_render))

    page = map_page.page
    assert attribute(page, "path.country[data-alpha3=KEN]", "data-office") == "nairobi"
    kenya = attribute(page, "path.country[data-alpha3=KEN]", "data-colour")
    assert kenya == attribute(page, "button.office[data-office=nairobi]", "data-colour")
    assert kenya == "#882255"
    # HIGH confidence: a solid fill, the very colour of the legend's swatch.
    assert attribute(page, "path.country[data-alpha3=KEN]", "fill") == "#882255"
    assert attribute(page, "button.office[data-office=nairobi] rect", "fill") == "#882255"
    assert attribute(page, "path.country[data-alpha3=ATA]", "data-office") == ""
    assert attribute(page, "path.country[data-alpha3=XKX]", "data-office") == "europe-central-asia"
    assert page.locator("button.office").count() == 7
    assert {status for url, status in responses if url.startswith(server_url)} == {200}
    map_page.clean()


def test_peru_moves_from_buenos_aires_to_the_americas_office(
    server_url: str, browser: Browser
) -> None:
    map_page = watched(browser, server_url)
    map_page.open(server_url, f"#asOf={SEED_DAY}")
    page = map_page.page
    peru = "path.country[data-alpha3=PER]"
    assert attribute(page, peru, "data-office") == "buenos-aires"
    then = attribute(page, peru, "data-colour")
    assert then == attribute(page, "button.office[data-office=buenos-aires]", "data-colour")
    assert page.locator("button.office").count() == 9
    assert page.locator("button.office[data-office=buenos-aires] .note").all_inner_texts() == [
        "Buenos Aires · confidence high · 10 countries",
        "merged into IOM Regional Office for the Americas (2024)",
    ]
    save_screenshot(page, "map-2020.png")

    page.get_by_label("Today", exact=False).check()
    expect(page.locator(peru)).to_have_attribute("data-office", "americas")
    now = attribute(page, peru, "data-colour")
    assert now == attribute(page, "button.office[data-office=americas]", "data-colour")
    assert now != then
    assert attribute(page, peru, "data-confidence") == "LOW"
    assert attribute(page, peru, "fill") == "url(#fill-americas)"  # hatched
    assert page.locator("button.office").count() == 7
    save_screenshot(page, "map-today.png")

    # A day of 2024: the four merged offices and their successors are all UNCERTAIN; like
    # Country.regionalOffice, the map gives a country listed by both to the successor.
    page.locator("#as-of").fill("2024-06-01")
    expect(page.locator("button.office")).to_have_count(11)
    assert attribute(page, peru, "data-office") == "americas"
    assert attribute(page, "path.country[data-alpha3=BEL]", "data-office") == "europe-central-asia"
    notes = page.locator("button.office[data-office=vienna] .note").all_inner_texts()
    assert notes[-1] == "in force uncertain on this day"
    map_page.clean()


def save_screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("MAP_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), scale="css")


def test_keyboard_focus_on_a_country_shows_its_office(server_url: str, browser: Browser) -> None:
    map_page = watched(browser, server_url)
    map_page.open(server_url)
    page = map_page.page
    # Tab from the top of the page reaches the countries.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('path.country')"):
            break
    focused = page.evaluate("document.activeElement.getAttribute('data-alpha3')")
    assert attribute(page, "#info", "data-alpha3") == focused

    page.locator("path.country[data-alpha3=KEN]").focus()
    lines = page.locator("#info").inner_text().split("\n")
    assert lines[:3] == ["Kenya", NAIROBI, "Confidence: high (an IOM page lists them)"]
    assert lines[3].startswith('How the list was established: IOM page: "covers ten countries')
    page.keyboard.press("Enter")
    panel = page.locator("#panel[data-office=nairobi]")
    panel.wait_for()
    assert page.locator("#panel-title").inner_text() == NAIROBI
    institutions = page.locator("#panel li[data-institution]")
    expected = office_links()["nairobi"]
    assert institutions.count() == len(expected) == 7
    assert [li.get_attribute("data-institution") for li in institutions.all()] == [
        slug for slug, _relationship, _phrase in expected
    ]
    first = institutions.first
    assert first.locator("q").inner_text() == expected[0][2]
    assert first.locator("a").get_attribute("href") == "https://iom.int/fr/bureaux-regionaux"
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    assert page.evaluate("document.activeElement.getAttribute('data-alpha3')") == "KEN"
    map_page.clean()


def supported_on(server_url: str, day: str) -> set[str]:
    """The countries some office supports on ``day``, as the API answers."""
    response = httpx.get(
        f"{server_url}/graphql",
        params={"query": OFFICES_QUERY, "variables": json.dumps({"asOf": day})},
    )
    body = response.json()
    assert body.get("errors") is None
    offices = body["data"]["regionalOffices"]["nodes"]
    assert [office["slug"] for office in offices] == NINE
    return {c["alpha3"] for office in offices for c in office["countries"]["nodes"]}


def test_the_table_lists_the_countries_supported_in_the_seed_structure(
    server_url: str, browser: Browser
) -> None:
    supported = supported_on(server_url, SEED_DAY)
    # The issue says 190, and so it is: the nine lists never share a country.
    assert len(supported) == sum(len(office_countries()[slug]) for slug in NINE) == 190
    map_page = watched(browser, server_url)
    map_page.open(server_url, f"#asOf={SEED_DAY}")
    page = map_page.page
    page.locator("#table-view summary").click()
    rows = page.locator("#table tbody tr")
    assert rows.count() == 250  # every country of the API: ISO 3166-1 and Kosovo
    listed = page.locator("#table tbody tr:not([data-office=''])")
    assert listed.count() == 190
    assert {row.get_attribute("data-alpha3") for row in listed.all()} == supported
    assert page.locator("#table-caption").inner_text() == (
        "190 countries supported by 9 regional offices on 2020-01-01; 60 by none."
    )
    kenya = page.locator("#table tbody tr[data-alpha3=KEN]").inner_text().split("\t")
    assert kenya == ["Kenya", NAIROBI, "high"]
    map_page.clean()


def test_the_language_follows_the_browser_and_switches(server_url: str, browser: Browser) -> None:
    map_page = watched(browser, server_url, locale="fr-CH")
    map_page.open(server_url)
    page = map_page.page
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert attribute(page, "button[data-lang=fr]", "aria-pressed") == "true"
    nairobi = page.locator("button.office[data-office=nairobi] .name")
    assert nairobi.inner_text() == "Bureau régional de Nairobi"
    assert page.locator("#legend-title").inner_text() == "Bureaux régionaux"

    page.locator("button.office[data-office=nairobi]").click()
    expect(page.locator("#panel-title")).to_have_text("Bureau régional de Nairobi")
    expect(page.locator("#panel dt").first).to_have_text("Ville")

    page.locator("button[data-lang=es]").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#table thead th").first).to_have_text("País")
    expect(page.locator("#panel dt").first).to_have_text("Ciudad")  # the open panel follows
    egypt = page.locator("path.country[data-alpha3=EGY]")
    expect(egypt).to_have_attribute("aria-label", "Egipto: Bureau régional du Caire")
    map_page.clean()


def test_graphiql_opens_the_query_behind_the_map(server_url: str, browser: Browser) -> None:
    map_page = watched(browser, server_url)
    page = map_page.page
    page.goto(f"{server_url}/graphql")  # a returning visitor: GraphiQL has stored its tabs
    page.locator(".graphiql-tab").first.wait_for(timeout=15_000)
    map_page.open(server_url, f"#asOf={SEED_DAY}&lang=en")
    page.locator("#graphiql-link").click()
    page.locator(".graphiql-container").wait_for(timeout=15_000)
    assert page.locator(".graphiql-tab-active").inner_text().strip() == "MapOffices"
    assert page.locator(".graphiql-tab").count() == 8  # the seven examples and this one
    variables = page.evaluate(
        "document.querySelector('.graphiql-editor-tool .CodeMirror').CodeMirror.getValue()"
    )
    assert json.loads(variables) == {"asOf": SEED_DAY, "lang": "EN"}
    page.locator(".graphiql-execute-button").click()
    page.locator(".result-window").filter(has_text="regionalOffices").wait_for(timeout=15_000)
    text = page.evaluate(
        "document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"
    )
    offices = json.loads(text)["data"]["regionalOffices"]["nodes"]
    assert [office["slug"] for office in offices] == NINE
    back = page.locator("a.iom-map-link")
    assert back.get_attribute("href") == "/"
    back.click()
    page.locator("body[data-ready]").wait_for(timeout=20_000)
    map_page.clean()


def test_the_queries_are_gets_revalidated_by_their_etags(server_url: str, browser: Browser) -> None:
    map_page = watched(browser, server_url, intercept=False)
    page = map_page.page
    sent: list[PlaywrightRequest] = []
    page.on("requestfinished", lambda request: sent.append(request))
    map_page.open(server_url, f"#asOf={SEED_DAY}")
    first = [r for r in sent if r.url.startswith(f"{server_url}/graphql?")]
    names = sorted(parse_qs(urlsplit(r.url).query)["operationName"][0] for r in first)
    # Three pages of countries (250, 100 a page), the offices, the structure's changes.
    assert names == ["MapCountries"] * 3 + ["MapOffices", "MapStructure"]
    assert {r.method for r in first} == {"GET"}

    sent.clear()
    page.reload()
    page.locator("body[data-ready]").wait_for(timeout=20_000)
    again = [r for r in sent if r.url.startswith(f"{server_url}/graphql?")]
    assert len(again) == 5
    for request in again:
        response = request.response()
        assert response is not None
        # The browser asked with the ETag it had (the server answered 304, and the
        # browser then serves its cached copy as 200).
        assert request.all_headers()["if-none-match"] == response.all_headers()["etag"]
    map_page.clean()


def test_download_csv_saves_the_rows_the_table_shows(
    server_url: str, browser: Browser, tmp_path: Path
) -> None:
    map_page = watched(browser, server_url)
    map_page.open(server_url, f"#asOf={SEED_DAY}&lang=fr")
    page = map_page.page
    page.locator("#table-view summary").click()
    button = page.locator("#download-csv")
    assert button.inner_text() == "Télécharger en CSV"
    # What the table shows: a row hidden (as a filter would) is not saved.
    page.eval_on_selector("#table tbody tr[data-alpha3=ATA]", "row => { row.hidden = true; }")
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename == "iom-offices-2020-01-01-fr.csv"
    path = tmp_path / "table.csv"
    download.save_as(path)
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.removeprefix("\ufeff").split("\r\n")
    assert lines[0] == '"Pays","Bureau régional","Confiance"'
    assert lines[-1] == ""
    assert len(lines) == 1 + 249 + 1  # header, every country but the hidden one, the end
    assert '"Kenya","Bureau régional de Nairobi","élevée"' in lines
    assert not any("Antarctique" in line for line in lines)
    map_page.clean()
