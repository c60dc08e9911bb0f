"""Offline GraphiQL page: its files, its Content-Security-Policy and its examples.

Everything the page needs is in this folder and is served by the service itself under
``/graphiql/``; nothing comes from a CDN. ``vendor/VERSIONS.md`` pins the vendored
bundles (GraphiQL 3 UMD, its Explorer plugin's UMD, React 18 UMD).

``page`` is the page itself (the endpoint serves it at ``/graphql`` to browsers, under
``CONTENT_SECURITY_POLICY``); ``routes()`` serves each file of ``STATIC_ASSETS`` at
``/graphiql/<its relative path>`` with its media type (nothing else from this folder) and
``examples_json()`` at ``EXAMPLES_URL``. The page posts its queries to ``/graphql``.
"""

import json
import re
from pathlib import Path

from graphql import OperationDefinitionNode, parse
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from service.browser_pages import (
    REVALIDATE,
    asset_routes,
    assets_of,
    content_version,
    html_page,
)
from service.request import etag_matches

GRAPHIQL_DIR: Path = Path(__file__).resolve().parent
INDEX_HTML: Path = GRAPHIQL_DIR / "index.html"
EXAMPLES_DIR: Path = GRAPHIQL_DIR / "examples"

URL_PREFIX = "/graphiql/"
EXAMPLES_URL = URL_PREFIX + "examples.json"

# The files index.html loads, relative to GRAPHIQL_DIR (and so to URL_PREFIX), with
# their media types.
STATIC_ASSETS: dict[str, str] = {
    "graphiql-init.js": "text/javascript; charset=utf-8",
    "vendor/graphiql.min.css": "text/css; charset=utf-8",
    "vendor/graphiql.min.js": "text/javascript; charset=utf-8",
    "vendor/graphiql-plugin-explorer.css": "text/css; charset=utf-8",
    "vendor/graphiql-plugin-explorer.umd.js": "text/javascript; charset=utf-8",
    "vendor/react-dom.production.min.js": "text/javascript; charset=utf-8",
    "vendor/react.production.min.js": "text/javascript; charset=utf-8",
}

# GraphiQL's dialogs and its operation picker (react-remove-scroll) inject one <style>
# element. Its text depends only on the scroll-bar gap and the body's margins, which
# graphiql-init.js pins to 0, so it is always the same and is allowed by its hash.
_SCROLL_LOCK_STYLE_HASH = "'sha256-Y/huXlwoYkVyQlxwSVcCi1RCDGDCSVBzDt0hYP9qlTc='"

# The only style attributes the page sets through markup: style="text-align:left|right|
# center", which GraphiQL's markdown renderer puts on cells of aligned tables in schema
# descriptions. Styles set through the CSSOM (element.style: React, CodeMirror) need no
# CSP source.
_TABLE_ALIGN_HASHES = (
    "'sha256-De7agAeYqm6ANIVvRRW6HFWi52AJW8inhFE0gSdgXnI='",  # text-align:left
    "'sha256-XzJlZKVo+ff9ozww9Sr2p/2TbJXITZuaWMZ9p53zN1U='",  # text-align:right
    "'sha256-kFAIUwypIt04FgLyVU63Lcmp2AQimPh/TdYjy04Flxs='",  # text-align:center
)

# data: is needed by graphiql.min.css (inlined PNG images and WOFF/WOFF2 fonts) and by the
# page's empty favicon. Nothing is loaded from anywhere but the service itself.
CONTENT_SECURITY_POLICY: str = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' {_SCROLL_LOCK_STYLE_HASH}",
        "style-src-attr 'unsafe-hashes' " + " ".join(_TABLE_ALIGN_HASHES),
        "connect-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    )
)

_NAME_RE = re.compile(r"#\s*(?P<name>\S.*?)\s*")
_VARIABLES_SUFFIX = ".variables.json"


def _example(path: Path) -> dict[str, object]:
    query = path.read_text(encoding="utf-8-sig")
    match = _NAME_RE.fullmatch(query.split("\n", 1)[0])
    if match is None:
        raise ValueError(f"{path}: the first line must be a comment '# <Example name>'")
    example: dict[str, object] = {"name": match["name"], "query": query}
    variables_path = path.with_name(path.stem + _VARIABLES_SUFFIX)
    if variables_path.is_file():
        variables = json.loads(variables_path.read_text(encoding="utf-8-sig"))
        if not isinstance(variables, dict):
            raise ValueError(f"{variables_path}: must hold a JSON object")
        example["variables"] = variables
    return example


def examples_json() -> bytes:
    """The JSON list served at :data:`EXAMPLES_URL`, UTF-8 encoded.

    One ``{"name": …, "query": …, "variables"?: {…}}`` per ``examples/*.graphql`` file, in
    file-name order. ``name`` comes from the file's first line, ``# <Example name>``;
    ``query`` is the whole file, that comment included; ``variables`` is the JSON object
    in the optional sibling ``<same stem>.variables.json``. The page opens the first
    example in the active tab and each of the others in a tab of its own.

    Raises ValueError on a file without the name comment or with variables that are not
    a JSON object.
    """
    paths = sorted(EXAMPLES_DIR.glob("*.graphql"), key=lambda p: p.name)
    examples = [_example(path) for path in paths]
    return json.dumps(examples, ensure_ascii=False, indent=1).encode("utf-8")


def operation_names() -> list[str]:
    """The names of the examples' operations, in file-name order (the metrics' known
    operation labels)."""
    names = []
    for path in sorted(EXAMPLES_DIR.glob("*.graphql"), key=lambda p: p.name):
        document = parse(path.read_text(encoding="utf-8-sig"))
        names += [
            definition.name.value
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode) and definition.name is not None
        ]
    return names


async def _examples(request: Request) -> Response:
    body = examples_json()
    headers = {"ETag": f'"{content_version(body)}"', "Cache-Control": REVALIDATE}
    if etag_matches(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


# The GraphiQL page, under its Content-Security-Policy.
ASSETS = assets_of(GRAPHIQL_DIR, STATIC_ASSETS)  # each hashed once, at import
page = html_page(INDEX_HTML, CONTENT_SECURITY_POLICY, URL_PREFIX, ASSETS)


def routes() -> list[BaseRoute]:
    """The page's own files and its examples, under ``URL_PREFIX``."""
    assets = asset_routes(URL_PREFIX, ASSETS)
    return [*assets, Route(EXAMPLES_URL, _examples)]
