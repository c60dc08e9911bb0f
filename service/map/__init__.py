"""The map page at ``/``: a browser client of the GraphQL API, served offline.

``index.html`` loads the vendored d3-array, d3-geo and topojson-client UMD bundles and the
world-atlas geometry (``vendor/VERSIONS.md`` pins them), then the page's own scripts, which
ask ``/graphql`` for the offices and countries with GET requests (so the browser caches and
revalidates the answers by their ETags, like any client's). ``routes()`` serves the page at
``/`` under ``CONTENT_SECURITY_POLICY`` and each file of ``STATIC_ASSETS`` at
``/map/<its relative path>`` with its media type; nothing else from this folder is served.
"""

from pathlib import Path

from starlette.routing import BaseRoute, Route

from service.browser_pages import asset_routes, assets_of, html_page

MAP_DIR: Path = Path(__file__).resolve().parent
# The operations api.js sends, by name: /metrics counts them under their own labels rather
# than as `other` (tests/test_map_page.py checks that api.js declares exactly these).
OPERATION_NAMES: tuple[str, ...] = ("MapStructure", "MapCountries", "MapOffices", "MapOffice")
INDEX_HTML: Path = MAP_DIR / "index.html"
PAGE_PATH = "/"
URL_PREFIX = "/map/"

_JS = "text/javascript; charset=utf-8"
# The files index.html loads, relative to MAP_DIR (and so to URL_PREFIX), with their media
# types, in the order the page loads them.
STATIC_ASSETS: dict[str, str] = {
    "map.css": "text/css; charset=utf-8",
    "vendor/d3-array.min.js": _JS,
    "vendor/d3-geo.min.js": _JS,
    "vendor/topojson-client.min.js": _JS,
    "vendor/countries-110m.json": "application/json",
    "i18n.js": _JS,
    "api.js": _JS,
    "render.js": _JS,
    "panel.js": _JS,
    "table.js": _JS,
    "map.js": _JS,
    "download.js": _JS,
}

# GraphiQL's policy (service/graphiql/__init__.py) without the three exceptions GraphiQL's
# own bundle needs (a hashed <style>, hashed style attributes, data: fonts): this page sets
# styles only through its stylesheet and the CSSOM, and draws with SVG attributes. data: in
# img-src is the empty favicon only. No 'unsafe-inline', no 'unsafe-eval'.
CONTENT_SECURITY_POLICY: str = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    )
)


# The map page, under its Content-Security-Policy.
ASSETS = assets_of(MAP_DIR, STATIC_ASSETS)  # each hashed once, at import
page = html_page(INDEX_HTML, CONTENT_SECURITY_POLICY, URL_PREFIX, ASSETS)


def routes() -> list[BaseRoute]:
    """The page at ``PAGE_PATH`` and its own files under ``URL_PREFIX``."""
    assets = asset_routes(URL_PREFIX, ASSETS)
    return [Route(PAGE_PATH, page), *assets]
